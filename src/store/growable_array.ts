/**
 * An append-only array of 32-bit unsigned integers in a typed array that doubles when full: per-state
 * data (parent ids, action indices), BFS levels and successor batches for hundreds of millions of
 * states, without the 2^24-entry limit of V8 collections or the per-element cost of JavaScript arrays.
 * With `shared`, the storage is a SharedArrayBuffer that other workers can read without copying.
 *
 * @module
 */

/**
 * Address space a shared array reserves (1 GiB), to grow into in place. Reserving costs no memory; a
 * shared array that outgrows it moves into a new buffer.
 */
const SHARED_RESERVE = 2 ** 30;

/** Append-only Uint32 storage. */
export class GrowableUint32Array {
  #data: Uint32Array;
  #length = 0;
  readonly #shared: boolean;

  constructor(initialCapacity = 1024, options: { shared?: boolean } = {}) {
    this.#shared = options.shared ?? false;
    this.#data = this.#allocate(Math.max(16, initialCapacity));
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
    const data = this.#data;
    for (let i = 0, at = this.#length; i < length; i++) data[at + i] = source[offset + i]!;
    this.#length += length;
  }

  /** Makes room for `count` more elements; returns the index where they start (fill them via `data`). */
  reserve(count: number): number {
    if (this.#length + count > this.#data.length) this.#grow(this.#length + count);
    const at = this.#length;
    this.#length += count;
    return at;
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

  #allocate(capacity: number): Uint32Array {
    if (!this.#shared) return new Uint32Array(new ArrayBuffer(capacity * 4));
    const bytes = capacity * 4;
    const buffer = new SharedArrayBuffer(bytes, { maxByteLength: Math.max(SHARED_RESERVE, bytes) });
    // A fixed length: V8 reads a view that tracks a growable buffer's length through a slower path.
    return new Uint32Array(buffer, 0, capacity);
  }

  #grow(needed: number): void {
    let capacity = this.#data.length * 2;
    while (capacity < needed) capacity *= 2;
    // A shared array grows in place while its reserve lasts: no copy, no old buffer left for every
    // thread's collector to free, and the pages past the length stay uncommitted until written.
    const buffer = this.#data.buffer;
    if (buffer instanceof SharedArrayBuffer && buffer.growable && capacity * 4 <= buffer.maxByteLength) {
      buffer.grow(capacity * 4);
      this.#data = new Uint32Array(buffer, 0, capacity);
      return;
    }
    const data = this.#allocate(capacity);
    data.set(this.#data.subarray(0, this.#length));
    this.#data = data;
  }
}
