/**
 * The next BFS level, built up segment by segment, in memory while it fits its share of the memory
 * budget and in compressed chunks on disk beyond that.
 *
 * Records are appended in key order and read back in the same order as segments of at most a given
 * number of states. A chunk that spills is compressed with fflate (zlib, level 1: on packed states of
 * low entropy it keeps most of the gain at a fraction of the cost of higher levels) and written to a
 * file in the spill directory, which is removed when the store is cleared.
 *
 * @module
 */

// Inline rather than through an import map, so mod.ts also works when imported from another project.
// deno-lint-ignore no-import-prefix
import { unzlibSync, zlibSync } from "npm:fflate@0.8.2";
import { GrowableUint32Array } from "./growable_array.ts";
import type { Records } from "./level_worker.ts";

let nextStoreId = 0;

/** Where the store is, in bytes: in memory and on disk (compressed). */
export interface FrontierUsage {
  readonly states: number;
  readonly memoryBytes: number;
  readonly spilledStates: number;
  readonly spilledBytes: number;
}

/** One level of packed records (W words, parent, action each). */
export class FrontierStore {
  readonly #stride: number;
  readonly #shared: boolean;
  readonly #memoryLimit: number;
  readonly #spillDir: () => string;
  /** Spilled chunks, in order: file path and number of words. */
  readonly #spilled: { path: string; words: number; bytes: number }[] = [];
  /** Records after the spilled chunks, in memory. */
  #tail: GrowableUint32Array;
  /** Records at the front already expanded. */
  #dropped = 0;
  /** Distinguishes this store's spill files from other stores' in the same directory. */
  readonly #id = nextStoreId++;

  /**
   * `memoryLimit`: bytes of records kept in memory before spilling; `spillDir` gives (creating it on
   * first use) the directory for spilled chunks.
   */
  constructor(stride: number, options: { shared: boolean; memoryLimit: number; spillDir: () => string }) {
    this.#stride = stride;
    this.#shared = options.shared;
    this.#memoryLimit = options.memoryLimit;
    this.#spillDir = options.spillDir;
    this.#tail = new GrowableUint32Array(1 << 12, { shared: this.#shared });
  }

  /** States in the store not yet dropped. */
  get length(): number {
    return (this.#spilled.reduce((sum, chunk) => sum + chunk.words, 0) + this.#tail.length) / this.#stride -
      this.#dropped;
  }

  /** Where the states are. */
  get usage(): FrontierUsage {
    const spilledWords = this.#spilled.reduce((sum, chunk) => sum + chunk.words, 0);
    return {
      states: (spilledWords + this.#tail.length) / this.#stride,
      memoryBytes: this.#tail.bytes,
      spilledStates: spilledWords / this.#stride,
      spilledBytes: this.#spilled.reduce((sum, chunk) => sum + chunk.bytes, 0),
    };
  }

  /** Appends `count` records of `data` starting at record `from`. */
  append(data: Uint32Array, from: number, count: number): void {
    this.#tail.pushWords(data, from * this.#stride, count * this.#stride);
    if (this.#tail.length * 4 > this.#memoryLimit) this.#spill();
  }

  #spill(): void {
    const words = this.#tail.length;
    const bytes = new Uint8Array(this.#tail.data.buffer, 0, words * 4).slice();
    const compressed = zlibSync(bytes, { level: 1 });
    const path = `${this.#spillDir()}/level-${this.#id}-chunk-${this.#spilled.length}.z`;
    Deno.writeFileSync(path, compressed);
    this.#spilled.push({ path, words, bytes: compressed.byteLength });
    this.#tail = new GrowableUint32Array(1 << 12, { shared: this.#shared });
  }

  /** The records in order, as segments of at most `maxStates` states (loading spilled chunks). */
  *segments(maxStates: number): Generator<Records> {
    const sources: (() => Uint32Array)[] = [
      ...this.#spilled.map((chunk) => () => this.#load(chunk.path, chunk.words)),
      () => this.#tail.data.subarray(0, this.#tail.length),
    ];
    const limit = Math.max(1, maxStates) * this.#stride;
    for (const source of sources) {
      const words = source();
      for (let at = 0; at < words.length; at += limit) {
        const end = Math.min(words.length, at + limit);
        const data = at === 0 && end === words.length ? words : this.#copy(words.subarray(at, end));
        yield { data, length: end - at };
      }
    }
  }

  #copy(words: Uint32Array): Uint32Array {
    const out = new Uint32Array(
      this.#shared ? new SharedArrayBuffer(words.byteLength) : new ArrayBuffer(words.byteLength),
    );
    out.set(words);
    return out;
  }

  #load(path: string, words: number): Uint32Array {
    const bytes = unzlibSync(Deno.readFileSync(path));
    if (bytes.byteLength !== words * 4) throw new Error(`Spilled chunk ${path} is corrupt`);
    const out = new Uint32Array(this.#shared ? new SharedArrayBuffer(words * 4) : new ArrayBuffer(words * 4));
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }

  /**
   * Forgets the first `states` records (already expanded), so a checkpoint holds only the rest.
   * Segments already handed out stay valid.
   */
  dropSegment(states: number): void {
    this.#dropped += states;
  }

  /** Every record not yet dropped, as one array (for checkpoints). */
  all(): Uint32Array {
    const out = new Uint32Array((this.length + this.#dropped) * this.#stride);
    let at = 0;
    for (const segment of this.segments(Number.MAX_SAFE_INTEGER / this.#stride)) {
      out.set(segment.data.subarray(0, segment.length), at);
      at += segment.length;
    }
    return out.slice(this.#dropped * this.#stride);
  }

  /** Removes the spilled files. */
  dispose(): void {
    for (const chunk of this.#spilled) Deno.removeSync(chunk.path);
    this.#spilled.length = 0;
  }
}
