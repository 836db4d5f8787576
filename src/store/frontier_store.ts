/**
 * A BFS level of packed states, in fixed-size chunks: the chunks are the segments the search expands,
 * in memory while the level fits its share of the memory budget and compressed on disk beyond that.
 *
 * States are appended in key order and read back in the same order, one chunk at a time; a chunk is
 * released as soon as its segment is done. Released chunks go back to a pool that the next level
 * draws from, so a search allocates its level memory once and never leaves it to the garbage
 * collector: a buffer shared with worker threads is freed only after every thread has collected it,
 * and per-segment copies had left behind more memory than the visited set itself. A chunk that spills is compressed with fflate (zlib, level 1: on packed states of
 * low entropy it keeps most of the gain at a fraction of the cost of higher levels) into a file in the
 * spill directory, and decompressed into a pooled chunk when its turn comes.
 *
 * @module
 */

// Inline rather than through an import map, so mod.ts also works when imported from another project.
// deno-lint-ignore no-import-prefix
import { unzlibSync, zlibSync } from "npm:fflate@0.8.2";
import { fileProblem } from "./file_errors.ts";
import type { Records } from "./keys.ts";

let nextStoreId = 0;

/** Where the store is: states in memory and on disk (compressed). */
export interface FrontierUsage {
  readonly states: number;
  readonly memoryBytes: number;
  readonly spilledStates: number;
  readonly spilledBytes: number;
}

/** Chunks of `chunkStates` states of `width` words, handed out and taken back by the levels. */
export class ChunkPool {
  readonly width: number;
  readonly chunkStates: number;
  readonly #shared: boolean;
  readonly #free: Uint32Array[] = [];
  #allocated = 0;

  constructor(width: number, chunkStates: number, options: { shared: boolean }) {
    this.width = width;
    this.chunkStates = Math.max(1, chunkStates);
    this.#shared = options.shared;
  }

  /** Words in a chunk. */
  get chunkWords(): number {
    return this.chunkStates * this.width;
  }

  /** Bytes of every chunk ever allocated (in use or free). */
  get bytes(): number {
    return this.#allocated * this.chunkWords * 4;
  }

  take(): Uint32Array {
    const chunk = this.#free.pop();
    if (chunk) return chunk;
    this.#allocated++;
    const bytes = this.chunkWords * 4;
    return new Uint32Array(this.#shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  give(chunk: Uint32Array): void {
    this.#free.push(chunk);
  }
}

/** A chunk of a level: in memory (`data`) or spilled (`path`); `words` of it are used. */
interface Chunk {
  data: Uint32Array | undefined;
  path: string | undefined;
  words: number;
  spilledBytes: number;
}

/** One level of packed states (W words each). */
export class FrontierStore {
  readonly #pool: ChunkPool;
  readonly #memoryLimit: number;
  readonly #spillDir: () => string;
  readonly #chunks: Chunk[] = [];
  #inMemory = 0;
  #spills = 0;
  /** Distinguishes this store's spill files from other stores' in the same directory. */
  readonly #id = nextStoreId++;

  /**
   * `memoryLimit`: bytes of chunks kept in memory before spilling; `spillDir` gives (creating it on
   * first use) the directory for spilled chunks.
   */
  constructor(pool: ChunkPool, options: { memoryLimit: number; spillDir: () => string }) {
    this.#pool = pool;
    this.#memoryLimit = options.memoryLimit;
    this.#spillDir = options.spillDir;
  }

  /** States in the store not yet released. */
  get length(): number {
    let words = 0;
    for (const chunk of this.#chunks) words += chunk.words;
    return words / this.#pool.width;
  }

  /** Where the states are. */
  get usage(): FrontierUsage {
    let spilledWords = 0, spilledBytes = 0;
    for (const chunk of this.#chunks) {
      if (chunk.path === undefined) continue;
      spilledWords += chunk.words;
      spilledBytes += chunk.spilledBytes;
    }
    return {
      states: this.length,
      memoryBytes: this.#inMemory * this.#pool.chunkWords * 4,
      spilledStates: spilledWords / this.#pool.width,
      spilledBytes,
    };
  }

  /** Appends `count` states: `count * W` words of `data` from `offset`. */
  append(data: Uint32Array, offset: number, count: number): void {
    const chunkWords = this.#pool.chunkWords;
    let words = count * this.#pool.width;
    while (words > 0) {
      let last = this.#chunks[this.#chunks.length - 1];
      if (last === undefined || last.words === chunkWords || last.data === undefined) {
        last = { data: this.#pool.take(), path: undefined, words: 0, spilledBytes: 0 };
        this.#chunks.push(last);
        this.#inMemory++;
      }
      const n = Math.min(words, chunkWords - last.words);
      const target = last.data!;
      if (n > 64) target.set(data.subarray(offset, offset + n), last.words);
      else for (let i = 0, at = last.words; i < n; i++) target[at + i] = data[offset + i]!;
      last.words += n;
      offset += n;
      words -= n;
      if (last.words === chunkWords && this.#inMemory * chunkWords * 4 > this.#memoryLimit) this.#spill(last);
    }
  }

  #spill(chunk: Chunk): void {
    const data = chunk.data!;
    const compressed = zlibSync(new Uint8Array(data.buffer, 0, chunk.words * 4), { level: 1 });
    const path = `${this.#spillDir()}/level-${this.#id}-chunk-${this.#spills++}.z`;
    try {
      Deno.writeFileSync(path, compressed);
    } catch (error) {
      try {
        Deno.removeSync(path);
      } catch {
        // never created
      }
      // A full disk or a read-only folder: the run cannot go on, and the user can fix it.
      throw fileProblem(error, `Could not spill a level to ${path} (choose another --spill-dir)`) ?? error;
    }
    chunk.path = path;
    chunk.spilledBytes = compressed.byteLength;
    chunk.data = undefined;
    this.#inMemory--;
    this.#pool.give(data);
  }

  /**
   * The first chunk not yet released, as a segment (loaded from disk if it spilled), or undefined when
   * the store is empty. It stays valid until `releaseFirst`.
   */
  first(): Records | undefined {
    const chunk = this.#chunks[0];
    if (chunk === undefined) return undefined;
    if (chunk.data === undefined) {
      const data = this.#pool.take();
      const bytes = unzlibSync(Deno.readFileSync(chunk.path!), {
        out: new Uint8Array(data.buffer, 0, chunk.words * 4),
      });
      if (bytes.byteLength !== chunk.words * 4) throw new Error(`Spilled chunk ${chunk.path} is corrupt`);
      Deno.removeSync(chunk.path!);
      chunk.data = data;
      chunk.path = undefined;
      this.#inMemory++;
    }
    return { data: chunk.data, length: chunk.words };
  }

  /** Releases the first chunk (its states are expanded) to the pool. */
  releaseFirst(): void {
    const chunk = this.#chunks.shift();
    if (chunk === undefined) return;
    if (chunk.data !== undefined) {
      this.#pool.give(chunk.data);
      this.#inMemory--;
    }
    if (chunk.path !== undefined) Deno.removeSync(chunk.path);
  }

  /**
   * Every state not yet released, a chunk at a time (for checkpoints). A spilled chunk is read into a
   * pooled chunk, valid until the next piece is asked for: a checkpoint at the edge of the memory
   * budget must not allocate a chunk per spilled chunk.
   */
  *pieces(): Generator<Uint32Array> {
    for (const chunk of this.#chunks) {
      if (chunk.data !== undefined) {
        yield chunk.data.subarray(0, chunk.words);
        continue;
      }
      const data = this.#pool.take();
      try {
        unzlibSync(Deno.readFileSync(chunk.path!), { out: new Uint8Array(data.buffer, 0, chunk.words * 4) });
        yield data.subarray(0, chunk.words);
      } finally {
        this.#pool.give(data);
      }
    }
  }

  /** Releases every chunk and removes the spilled files. */
  dispose(): void {
    while (this.#chunks.length > 0) this.releaseFirst();
  }
}
