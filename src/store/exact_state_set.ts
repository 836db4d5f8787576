/**
 * An exact visited set: it keeps every packed state, so no collision can hide one (`--exact`).
 *
 * States are appended to one store in insertion order; an open-addressing table of `id + 1` (0 is
 * empty) indexes them by fingerprint, and a probe compares the stored words. Costs 4W bytes per state
 * for W-word states, 4 bytes for the fingerprint's low half (rehashing needs no recomputation), plus
 * 5.3-10.7 bytes of table.
 *
 * @module
 */

import { commitPages } from "./commit_pages.ts";
import { GrowableUint32Array } from "./growable_array.ts";
import type { VisitedReader, VisitedSet, VisitedSnapshot } from "./visited_set.ts";

const MAX_LOAD = 0.75;

/** The slot holding the state, or the bitwise complement of the empty slot where it would go. */
function find(
  table: Uint32Array,
  store: Uint32Array,
  width: number,
  words: Uint32Array,
  offset: number,
  lo: number,
): number {
  const mask = table.length - 1;
  for (let slot = lo & mask;; slot = (slot + 1) & mask) {
    const entry = table[slot]!;
    if (entry === 0) return ~slot;
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

/** Reads an exact set without changing it. One class, so the search's lookups stay monomorphic. */
class ExactTableReader implements VisitedReader {
  readonly #table: Uint32Array;
  readonly #store: Uint32Array;
  readonly #width: number;

  constructor(table: Uint32Array, store: Uint32Array, width: number) {
    this.#table = table;
    this.#store = store;
    this.#width = width;
  }

  has(words: Uint32Array, offset: number, fp: Uint32Array): boolean {
    return find(this.#table, this.#store, this.#width, words, offset, fp[1]!) >= 0;
  }

  touch(fp: Uint32Array): number {
    return this.#table[fp[1]! & (this.#table.length - 1)]!;
  }
}

/** Exact visited set over packed states of `width` words. */
export class ExactStateSet implements VisitedSet {
  readonly #width: number;
  readonly #store: GrowableUint32Array;
  readonly #homes = new GrowableUint32Array();
  readonly #shared: boolean;
  #table: Uint32Array;
  #limit: number;
  readonly lossy = false;

  constructor(width: number, initialCapacity = 1 << 16, options: { shared?: boolean } = {}) {
    this.#width = width;
    this.#shared = options.shared ?? false;
    this.#store = new GrowableUint32Array(1024, { shared: this.#shared });
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity *= 2;
    this.#table = this.#allocate(capacity);
    this.#limit = Math.floor(capacity * MAX_LOAD);
  }

  /** A reader over a set as of a snapshot (another worker's, or this one's between inserts). */
  static reader(snapshot: VisitedSnapshot & { kind: "exact" }): VisitedReader {
    return new ExactTableReader(snapshot.table, snapshot.store, snapshot.width);
  }

  get size(): number {
    return this.#homes.length;
  }

  get bytes(): number {
    return this.#table.byteLength + this.#store.bytes + this.#homes.bytes;
  }

  snapshot(): VisitedSnapshot {
    return {
      kind: "exact",
      table: this.#table,
      store: this.#store.data,
      width: this.#width,
      size: this.size,
    };
  }

  touch(fp: Uint32Array): number {
    return this.#table[fp[1]! & (this.#table.length - 1)]!;
  }

  has(words: Uint32Array, offset: number, fp: Uint32Array): boolean {
    return find(this.#table, this.#store.data, this.#width, words, offset, fp[1]!) >= 0;
  }

  insert(words: Uint32Array, offset: number, fp: Uint32Array): boolean {
    const slot = find(this.#table, this.#store.data, this.#width, words, offset, fp[1]!);
    if (slot >= 0) return false;
    this.#table[~slot] = this.#homes.length + 1;
    this.#homes.push(fp[1]!);
    this.#store.pushWords(words, offset, this.#width);
    if (this.#homes.length > this.#limit) this.#grow();
    return true;
  }

  #allocate(capacity: number): Uint32Array {
    const table = new Uint32Array(
      this.#shared ? new SharedArrayBuffer(capacity * 4) : new ArrayBuffer(capacity * 4),
    );
    commitPages(table);
    return table;
  }

  #grow(): void {
    const capacity = this.#table.length * 2;
    const table = this.#allocate(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.#homes.length; id++) {
      let slot = this.#homes.get(id) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.#table = table;
    this.#limit = Math.floor(capacity * MAX_LOAD);
  }
}
