/**
 * An append-only array of 32-bit unsigned integers in a typed array that doubles when full: per-state
 * data (parent ids, action indices) for hundreds of millions of states, without the 2^24-entry limit of
 * V8 collections or the per-element cost of JavaScript arrays.
 *
 * @module
 */

/** Append-only Uint32 storage. */
export class GrowableUint32Array {
  #data: Uint32Array;
  #length = 0;

  constructor(initialCapacity = 1024) {
    this.#data = new Uint32Array(Math.max(16, initialCapacity));
  }

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  /** Bytes reserved. */
  get bytes(): number {
    return this.#data.byteLength;
  }

  /** Appends a value (wrapped to 32 bits). */
  push(value: number): void {
    if (this.#length === this.#data.length) this.#grow(this.#length + 1);
    this.#data[this.#length++] = value;
  }

  /** Appends `length` words of `source` starting at `offset`. */
  pushWords(source: Uint32Array, offset: number, length: number): void {
    if (this.#length + length > this.#data.length) this.#grow(this.#length + length);
    for (let i = 0; i < length; i++) this.#data[this.#length + i] = source[offset + i]!;
    this.#length += length;
  }

  /** The element at `index` (unchecked beyond the typed array's own bounds). */
  get(index: number): number {
    return this.#data[index]!;
  }

  /** The live backing array; valid until the next push. */
  get data(): Uint32Array {
    return this.#data;
  }

  /** Drops every element, keeping the storage. */
  clear(): void {
    this.#length = 0;
  }

  #grow(needed: number): void {
    let capacity = this.#data.length * 2;
    while (capacity < needed) capacity *= 2;
    const data = new Uint32Array(capacity);
    data.set(this.#data.subarray(0, this.#length));
    this.#data = data;
  }
}
