/**
 * A set of 64-bit fingerprints in an open-addressing table (linear probing) of typed arrays.
 *
 * Slot i holds the fingerprint's two halves at `table[2i]` (high) and `table[2i+1]` (low); (0, 0) marks
 * an empty slot (fingerprint() never yields it). The home slot is the low half scaled to the capacity
 * (`lo * capacity / 2^32`), so the capacity need not be a power of two. At load factor 0.75 the table
 * grows by half and rehashes (measured on these machines, 0.75 instead of 0.5 cut memory from 58 to 40
 * bytes per state at the same speed): 8 bytes per slot makes 10.7 bytes per state just before a growth
 * and 16 right after it, where doubling would make 21.3.
 *
 * @module
 */

import type { VisitedReader, VisitedSet, VisitedSnapshot } from "./visited_set.ts";

const MAX_LOAD = 0.75;

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

/** Fingerprint-only visited set: no full states kept, so a collision can hide a state. */
export class FingerprintSet implements VisitedSet {
  #table: Uint32Array;
  #capacity: number;
  #size = 0;
  #limit: number;
  readonly #shared: boolean;
  readonly lossy = true;

  constructor(initialCapacity = 1 << 16, options: { shared?: boolean } = {}) {
    this.#shared = options.shared ?? false;
    const capacity = Math.max(16, initialCapacity);
    this.#table = this.#allocate(capacity);
    this.#capacity = capacity;
    this.#limit = Math.floor(capacity * MAX_LOAD);
  }

  /** A reader over another worker's set. */
  static reader(snapshot: VisitedSnapshot & { kind: "fingerprint" }): VisitedReader {
    const table = snapshot.table;
    const capacity = table.length >>> 1;
    return {
      has: (_words, _offset, fp) => tableHas(table, fp),
      touch: (fp) => table[(home(fp[1]!, capacity) << 1) | 1]!,
    };
  }

  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    return this.#table.byteLength;
  }

  snapshot(): VisitedSnapshot {
    return { kind: "fingerprint", table: this.#table };
  }

  touch(fp: Uint32Array): number {
    return this.#table[(home(fp[1]!, this.#capacity) << 1) | 1]!;
  }

  has(_words: Uint32Array, _offset: number, fp: Uint32Array): boolean {
    return tableHas(this.#table, fp);
  }

  insert(_words: Uint32Array, _offset: number, fp: Uint32Array): boolean {
    const hi = fp[0]!, lo = fp[1]!;
    const table = this.#table, capacity = this.#capacity;
    for (let slot = home(lo, capacity);; slot = slot + 1 === capacity ? 0 : slot + 1) {
      const at = slot << 1;
      const h = table[at]!, l = table[at | 1]!;
      if (h === hi && l === lo) return false;
      if ((h | l) === 0) {
        table[at] = hi;
        table[at | 1] = lo;
        if (++this.#size > this.#limit) this.#grow();
        return true;
      }
    }
  }

  #allocate(capacity: number): Uint32Array {
    const bytes = capacity * 8;
    return new Uint32Array(this.#shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  #grow(): void {
    const old = this.#table;
    const capacity = Math.ceil(this.#capacity * 1.5);
    const table = this.#allocate(capacity);
    for (let at = 0; at < old.length; at += 2) {
      const hi = old[at]!, lo = old[at + 1]!;
      if ((hi | lo) === 0) continue;
      let slot = home(lo, capacity);
      while ((table[slot << 1]! | table[(slot << 1) | 1]!) !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
      table[slot << 1] = hi;
      table[(slot << 1) | 1] = lo;
    }
    this.#table = table;
    this.#capacity = capacity;
    this.#limit = Math.floor(capacity * MAX_LOAD);
  }
}
