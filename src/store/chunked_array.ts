/**
 * Append-only per-state arrays (parent ids, action indices) in fixed-size typed-array chunks.
 *
 * A doubling array holds up to twice what it needs right after it grows; with chunks of 2^20
 * elements the slack is at most one chunk, so parent ids cost 4 bytes per state and action indices
 * 1, 2 or 4 (the narrowest type that holds the model's action count) at any size.
 *
 * @module
 */

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;

type Chunk = Uint8Array | Uint16Array | Uint32Array;

/** Append-only unsigned integers of a fixed width (8, 16 or 32 bits). */
export class ChunkedArray {
  readonly #chunks: Chunk[] = [];
  readonly #bits: 8 | 16 | 32;
  #length = 0;

  /** An array whose elements are at most `maxValue`. */
  constructor(maxValue = 0xffffffff) {
    this.#bits = maxValue <= 0xff ? 8 : maxValue <= 0xffff ? 16 : 32;
  }

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  /** Bytes of one chunk: what the next push past a chunk's end allocates. */
  get chunkBytes(): number {
    return CHUNK * (this.#bits / 8);
  }

  /** Bytes reserved. */
  get bytes(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  }

  /** Appends a value. */
  push(value: number): void {
    const index = this.#length & (CHUNK - 1);
    if (index === 0) {
      this.#chunks.push(
        this.#bits === 8
          ? new Uint8Array(CHUNK)
          : this.#bits === 16
          ? new Uint16Array(CHUNK)
          : new Uint32Array(CHUNK),
      );
    }
    this.#chunks[this.#chunks.length - 1]![index] = value;
    this.#length++;
  }

  /** The element at `index`. */
  get(index: number): number {
    if (!(index >= 0 && index < this.#length)) {
      throw new RangeError(`Expected an index in 0..${this.#length - 1} but found ${index}`);
    }
    return this.#chunks[index >>> CHUNK_BITS]![index & (CHUNK - 1)]!;
  }

  /** The elements as 32-bit words, a chunk at a time (for writing to a checkpoint). */
  *pieces(): Generator<Uint32Array> {
    // Narrow chunks are widened through one small buffer, valid until the next piece: a checkpoint at
    // the edge of the memory budget must not copy the whole array.
    const wide = new Uint32Array(1 << 16);
    for (let c = 0; c < this.#chunks.length; c++) {
      const used = Math.min(CHUNK, this.#length - c * CHUNK);
      const chunk = this.#chunks[c]!.subarray(0, used);
      if (chunk instanceof Uint32Array) {
        yield chunk;
        continue;
      }
      for (let at = 0; at < used; at += wide.length) {
        const part = chunk.subarray(at, Math.min(used, at + wide.length));
        wide.set(part);
        yield wide.subarray(0, part.length);
      }
    }
  }
}
