/**
 * An exact visited set: it keeps every packed state, so no collision can hide one (`--exact`).
 *
 * States are appended to one store in insertion order; an open-addressing table of `id + 1` (0 is
 * empty) indexes them by fingerprint, and a probe compares the stored words. Costs 4W bytes per state
 * for W-word states plus 5.3-10.7 bytes of table.
 *
 * @module
 */

import { GrowableUint32Array } from "./growable_array.ts";
import type { VisitedSet } from "./visited_set.ts";

const MAX_LOAD = 0.75;

/** Exact visited set over packed states of `width` words. */
export class ExactStateSet implements VisitedSet {
  readonly #width: number;
  readonly #store = new GrowableUint32Array();
  /** Low fingerprint halves of stored states, in id order: rehashing needs no recomputation. */
  readonly #homes = new GrowableUint32Array();
  #table: Uint32Array;
  #mask: number;
  #limit: number;
  readonly lossy = false;

  constructor(width: number, initialCapacity = 1 << 16) {
    this.#width = width;
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity *= 2;
    this.#table = new Uint32Array(capacity);
    this.#mask = capacity - 1;
    this.#limit = Math.floor(capacity * MAX_LOAD);
  }

  get size(): number {
    return this.#homes.length;
  }

  get bytes(): number {
    return this.#table.byteLength + this.#store.bytes + this.#homes.bytes;
  }

  touch(fp: Uint32Array): number {
    return this.#table[fp[1]! & this.#mask]!;
  }

  has(words: Uint32Array, offset: number, fp: Uint32Array): boolean {
    return this.#find(words, offset, fp[1]!) >= 0;
  }

  insert(words: Uint32Array, offset: number, fp: Uint32Array): boolean {
    const slot = this.#find(words, offset, fp[1]!);
    if (slot >= 0) return false;
    this.#table[~slot] = this.#homes.length + 1;
    this.#homes.push(fp[1]!);
    this.#store.pushWords(words, offset, this.#width);
    if (this.#homes.length > this.#limit) this.#grow();
    return true;
  }

  /** The slot holding the state, or the bitwise complement of the empty slot where it would go. */
  #find(words: Uint32Array, offset: number, lo: number): number {
    const table = this.#table, mask = this.#mask, width = this.#width;
    for (let slot = lo & mask;; slot = (slot + 1) & mask) {
      const entry = table[slot]!;
      if (entry === 0) return ~slot;
      const store = this.#store.data;
      const base = (entry - 1) * width;
      let equal = true;
      for (let i = 0; i < width; i++) {
        if (store[base + i] !== words[offset + i]) {
          equal = false;
          break;
        }
      }
      if (equal) return slot;
    }
  }

  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    const table = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.#homes.length; id++) {
      let slot = this.#homes.get(id) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.#table = table;
    this.#mask = mask;
    this.#limit = Math.floor(capacity * MAX_LOAD);
  }
}
