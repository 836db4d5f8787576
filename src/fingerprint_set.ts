/**
 * A set of 64-bit fingerprints in open-addressing tables (linear probing) of typed arrays.
 *
 * The set is split into 64 tables by the fingerprint's top six bits, each growing on its own: a growth
 * then briefly holds one sixty-fourth of the set twice, not the whole set (measured on page_ownership
 * N=11, a single table's growth was the largest part of the peak memory). In a table, slot i holds the
 * fingerprint's two halves at `table[2i]` (high) and `table[2i+1]` (low); (0, 0) marks an empty slot
 * (fingerprint() never yields it). The home slot is the low half scaled to the capacity
 * (`lo * capacity / 2^32`), so the capacity need not be a power of two. At load factor 0.75 a table
 * grows by half and rehashes (measured on these machines, 0.75 instead of 0.5 cut memory from 58 to 40
 * bytes per state at the same speed): 8 bytes per slot makes 10.7 bytes per state just before a growth
 * and 16 right after it, where doubling would make 21.3.
 *
 * @module
 */

import type { VisitedReader, VisitedSet, VisitedSnapshot } from "./visited_set.ts";

const MAX_LOAD = 0.75;
const TABLE_BITS = 6;
const TABLES = 1 << TABLE_BITS;

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
  /**
   * Tables left over from growths, by capacity, for the next table that grows to that capacity. All
   * tables start at the same capacity and grow by the same factor, so they pass through the same
   * sizes in near lockstep: reusing a left-over table (instead of leaving it to the garbage collector,
   * which frees large buffers late) keeps the peak memory near the live tables. Safe in a parallel
   * search too: only the owner grows its tables, in the insert phase, when no worker reads them.
   */
  readonly #spare = new Map<number, Uint32Array>();
  #size = 0;
  #bytes = 0;
  readonly #shared: boolean;
  readonly lossy = true;

  constructor(initialCapacity = 1 << 16, options: { shared?: boolean } = {}) {
    this.#shared = options.shared ?? false;
    const capacity = Math.max(16, Math.ceil(initialCapacity / TABLES));
    this.#tables = Array.from({ length: TABLES }, () => this.#allocate(capacity));
  }

  /** A reader over a set's tables as of a snapshot (another worker's, or this one's between inserts). */
  static reader(snapshot: VisitedSnapshot & { kind: "fingerprint" }): VisitedReader {
    return new FingerprintTableReader(snapshot.tables);
  }

  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    return this.#bytes;
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

  #allocate(capacity: number): Uint32Array {
    const bytes = capacity * 8;
    this.#bytes += bytes;
    const spare = this.#spare.get(capacity);
    if (spare) {
      this.#spare.delete(capacity);
      return spare.fill(0);
    }
    return new Uint32Array(this.#shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  #grow(t: number): void {
    const old = this.#tables[t]!;
    const capacity = Math.ceil((old.length >>> 1) * 1.5);
    const table = this.#allocate(capacity);
    this.#bytes -= old.byteLength;
    for (let at = 0; at < old.length; at += 2) {
      const hi = old[at]!, lo = old[at + 1]!;
      if ((hi | lo) === 0) continue;
      let slot = home(lo, capacity);
      while ((table[slot << 1]! | table[(slot << 1) | 1]!) !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
      table[slot << 1] = hi;
      table[(slot << 1) | 1] = lo;
    }
    this.#tables[t] = table;
    this.#spare.set(old.length >>> 1, old);
  }
}
