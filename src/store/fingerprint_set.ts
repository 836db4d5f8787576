/**
 * A set of 64-bit fingerprints in open-addressing tables (linear probing) of typed arrays.
 *
 * The set is split into 64 tables by the fingerprint's top six bits, each growing on its own. In a
 * table, slot i holds the fingerprint's two halves at `table[2i]` (high) and `table[2i+1]` (low);
 * (0, 0) marks an empty slot (fingerprint() never yields it). The home slot is the low half scaled to
 * the capacity (`lo * capacity / 2^32`), so the capacity need not be a power of two.
 *
 * Memory is what this set is for, so three choices keep it low and steady:
 * - At load factor 0.75 a table grows by half: nearly a third less memory per state than at 0.5, and no
 *   slower on these machines.
 * - The tables start at capacities spread evenly over one growth step (table t at `base * 1.5^(t/64)`),
 *   so they grow one at a time all along the run rather than all together: the set's load stays
 *   near its average, (1.5 - 1) / (0.75 ln 1.5) = 1.64 slots per fingerprint, 13.2 bytes, instead of
 *   swinging between 10.7 and 16 bytes as lockstep tables did.
 * - A table grows in place: its buffer is a growable SharedArrayBuffer, with address space reserved
 *   ahead and pages committed only when touched, and its entries are rehashed through one scratch
 *   array the set reuses. No growth leaves a buffer to the garbage collector (which frees large
 *   buffers late, and a buffer shared with worker threads only after every thread has collected it).
 *   Growable shared buffers, not resizable ArrayBuffers: V8 reads a typed array over a resizable
 *   ArrayBuffer through a path several times slower, over a growable SharedArrayBuffer as fast as over
 *   a plain one. Shared buffers also let worker threads read the tables, so the set is the same for
 *   one worker or many.
 *
 * @module
 */

import { commitPages } from "./commit_pages.ts";
import type { VisitedReader, VisitedSet, VisitedSnapshot } from "./visited_set.ts";

const MAX_LOAD = 0.75;
const GROWTH = 1.5;
const TABLE_BITS = 6;
const TABLES = 1 << TABLE_BITS;
/**
 * Address space a table first reserves (128 MiB: 64 tables hold 1.1 billion fingerprints before any
 * moves). A table that outgrows it moves once into a buffer reserving 16 times more.
 */
const FIRST_RESERVE = 2 ** 27;

/** The home slot of a fingerprint whose low half is `lo` in a table of `capacity` slots. */
function home(lo: number, capacity: number): number {
  return Math.floor(((lo >>> 0) * capacity) / 4294967296);
}

/** Whether the fingerprint is in `table` (two words per slot). */
function tableHas(table: Uint32Array, fp: Uint32Array): boolean {
  const hi = fp[0]!, lo = fp[1]!;
  const capacity = table.length >>> 1;
  for (let slot = home(lo, capacity);; slot = slot + 1 === capacity ? 0 : slot + 1) {
    const h = table[slot << 1]!, l = table[(slot << 1) | 1]!;
    if (h === hi && l === lo) return true;
    if ((h | l) === 0) return false;
  }
}

/** The table a fingerprint belongs to. */
function tableOf(fp: Uint32Array): number {
  return fp[0]! >>> (32 - TABLE_BITS);
}

/** Reads the tables without changing them. One class, so the search's lookups stay monomorphic. */
class FingerprintTableReader implements VisitedReader {
  readonly #tables: readonly Uint32Array[];

  constructor(tables: readonly Uint32Array[]) {
    this.#tables = tables;
  }

  has(_words: Uint32Array, _offset: number, fp: Uint32Array): boolean {
    return tableHas(this.#tables[tableOf(fp)]!, fp);
  }

  touch(fp: Uint32Array): number {
    const table = this.#tables[tableOf(fp)]!;
    return table[(home(fp[1]!, table.length >>> 1) << 1) | 1]!;
  }
}

/** Fingerprint-only visited set: no full states kept, so a collision can hide a state. */
export class FingerprintSet implements VisitedSet {
  readonly #tables: Uint32Array[];
  readonly #sizes = new Int32Array(TABLES);
  /** Where a growing table's entries wait while it is rehashed in place. */
  #scratch = new SharedArrayBuffer(0, { maxByteLength: FIRST_RESERVE });
  #size = 0;
  readonly lossy = true;

  constructor(initialCapacity = 1 << 16) {
    const base = Math.max(16, Math.ceil(initialCapacity / TABLES));
    this.#tables = Array.from(
      { length: TABLES },
      (_, t) => this.#allocate(Math.ceil(base * GROWTH ** (t / TABLES)), FIRST_RESERVE),
    );
  }

  /** A reader over a set's tables as of a snapshot (another worker's, or this one's between inserts). */
  static reader(snapshot: VisitedSnapshot & { kind: "fingerprint" }): VisitedReader {
    return new FingerprintTableReader(snapshot.tables);
  }

  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    let bytes = this.#scratch.byteLength;
    for (const table of this.#tables) bytes += table.byteLength;
    return bytes;
  }

  snapshot(): VisitedSnapshot {
    return { kind: "fingerprint", tables: [...this.#tables] };
  }

  touch(fp: Uint32Array): number {
    const table = this.#tables[tableOf(fp)]!;
    return table[(home(fp[1]!, table.length >>> 1) << 1) | 1]!;
  }

  has(_words: Uint32Array, _offset: number, fp: Uint32Array): boolean {
    return tableHas(this.#tables[tableOf(fp)]!, fp);
  }

  insert(_words: Uint32Array, _offset: number, fp: Uint32Array): boolean {
    const hi = fp[0]!, lo = fp[1]!;
    const t = tableOf(fp);
    const table = this.#tables[t]!, capacity = table.length >>> 1;
    for (let slot = home(lo, capacity);; slot = slot + 1 === capacity ? 0 : slot + 1) {
      const at = slot << 1;
      const h = table[at]!, l = table[at | 1]!;
      if (h === hi && l === lo) return false;
      if ((h | l) === 0) {
        table[at] = hi;
        table[at | 1] = lo;
        this.#size++;
        if (++this.#sizes[t]! > capacity * MAX_LOAD) this.#grow(t);
        return true;
      }
    }
  }

  /** A table of `capacity` slots in a resizable buffer reserving `reserve` bytes. */
  #allocate(capacity: number, reserve: number): Uint32Array {
    const bytes = capacity * 8;
    const table = new Uint32Array(
      new SharedArrayBuffer(bytes, { maxByteLength: Math.max(reserve, bytes) }),
      0,
      capacity * 2,
    );
    commitPages(table);
    return table;
  }

  /** Grows table `t` by half, in place when its buffer has room reserved. */
  #grow(t: number): void {
    const old = this.#tables[t]!;
    const capacity = Math.ceil((old.length >>> 1) * GROWTH);
    // Set the entries aside, packed, in the scratch array.
    const needed = this.#sizes[t]! * 8;
    if (this.#scratch.byteLength < needed) {
      const size = Math.max(needed, this.#scratch.byteLength * 2);
      if (size <= this.#scratch.maxByteLength) this.#scratch.grow(size);
      else this.#scratch = new SharedArrayBuffer(size, { maxByteLength: this.#scratch.maxByteLength * 16 });
    }
    const entries = new Uint32Array(this.#scratch, 0, needed >>> 2);
    let n = 0;
    for (let at = 0; at < old.length; at += 2) {
      const hi = old[at]!, lo = old[at + 1]!;
      if ((hi | lo) === 0) continue;
      entries[n++] = hi;
      entries[n++] = lo;
    }
    let table: Uint32Array;
    const buffer = old.buffer as SharedArrayBuffer;
    if (capacity * 8 <= buffer.maxByteLength) {
      old.fill(0);
      buffer.grow(capacity * 8);
      table = new Uint32Array(buffer, 0, capacity * 2);
      commitPages(table, old.length);
    } else {
      table = this.#allocate(capacity, buffer.maxByteLength * 16);
    }
    for (let k = 0; k < n; k += 2) {
      const hi = entries[k]!, lo = entries[k + 1]!;
      let slot = home(lo, capacity);
      while ((table[slot << 1]! | table[(slot << 1) | 1]!) !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
      table[slot << 1] = hi;
      table[(slot << 1) | 1] = lo;
    }
    this.#tables[t] = table;
  }
}
