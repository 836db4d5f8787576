/**
 * One breadth-first level of packed states, W words each, in a typed array. The search keeps two:
 * the level being expanded and the level being filled. States are appended in discovery order, which
 * is also id order, so the i-th state of a level has id `firstId + i` and needs no id stored beside it.
 *
 * @module
 */

import { GrowableUint32Array } from "./growable_array.ts";

/** A queue of packed states of fixed width. */
export class Frontier {
  readonly #width: number;
  readonly #words = new GrowableUint32Array(1 << 12);

  constructor(width: number) {
    this.#width = width;
  }

  /** Number of states. */
  get length(): number {
    return this.#words.length / this.#width;
  }

  /** Bytes reserved. */
  get bytes(): number {
    return this.#words.bytes;
  }

  /** Appends the state at `words[offset..offset+W)`. */
  push(words: Uint32Array, offset: number): void {
    this.#words.pushWords(words, offset, this.#width);
  }

  /** Copies the i-th state into `out`. */
  read(index: number, out: Uint32Array): void {
    const data = this.#words.data;
    const base = index * this.#width;
    for (let k = 0; k < this.#width; k++) out[k] = data[base + k]!;
  }

  /** Empties the level, keeping its storage. */
  clear(): void {
    this.#words.clear();
  }
}
