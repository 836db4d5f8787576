/**
 * A worker's table of the fingerprints it looked up recently, each with the smallest id of a state
 * that produced it: a small cache in front of the visited set.
 *
 * Most successors are duplicates: in page_ownership N=11 one worker generates 139 M successors, and
 * the table leaves 47 M of them to look up in the visited set. A successor whose fingerprint is in
 * the table with a parent id no larger than its own is dropped before it costs a cache miss in the
 * visited set or a place in an outbox. The drop is exact:
 * - an entry of the segment being expanded names the parent of a successor that was looked up and,
 *   if not visited yet, sent to its shard, with a key (parent id, action) no larger than the dropped
 *   one's: the first occurrence of a state in key order is never the one dropped, so ids, parents and
 *   counterexamples stay what a sequential search gives (a worker that helps with a region before
 *   its own meets entries with larger ids: it sends those successors and lowers the entries);
 * - an entry of an earlier segment names a state in the visited set by now (its ids are smaller than
 *   any in the segment).
 * The table stops recording when half full and is cleared before an expand phase once it is a
 * quarter full; a fingerprint it cannot record is merely looked up again.
 *
 * The table is private to its worker. Shared by the workers, it would drop the duplicates between
 * their regions too (11% fewer successors sent at page_ownership N=11), but the lookups took 20%
 * longer: each record a compare-and-exchange, which V8 does not inline, and cache lines bouncing
 * between the cores.
 *
 * @module
 */

/**
 * Slots of the table (12 MiB, a fixed cost per worker). With 2^21 slots page_ownership N=11 made 12%
 * fewer visited-set lookups, but the 12 MiB more per worker were 1.4 bytes per state at that size.
 */
const SLOTS = 1 << 20;

/** Words per slot: high fingerprint word, low word, 1 + smallest parent id (0: empty). */
const SLOT_WORDS = 3;

/** One worker's table of recent lookups. */
export class RecentLookups {
  readonly #table: Uint32Array;
  readonly #mask: number;
  /** Entries recorded before the table is cleared: its load stays at most one half. */
  readonly #limit: number;
  #entries = 0;

  /** A table of `slots` slots (a power of two). */
  constructor(slots = SLOTS) {
    this.#table = new Uint32Array(slots * SLOT_WORDS);
    this.#mask = slots - 1;
    this.#limit = slots / 2;
  }

  /** Entries recorded since the table was last cleared. */
  get entries(): number {
    return this.#entries;
  }

  /** Called before each expand phase: clears the table once it is a quarter full. */
  prepare(): void {
    if (this.#entries < this.#limit / 2) return;
    this.#table.fill(0);
    this.#entries = 0;
  }

  /** Reads the home slot of a fingerprint whose low word is `lo`, so that a batch's cache misses overlap. */
  touch(lo: number): number {
    return this.#table[(lo & this.#mask) * SLOT_WORDS + 2]!;
  }

  /**
   * Whether a successor of state `parent` with fingerprint (hi, lo) is covered by an entry with a
   * parent id no larger; if not, the table now names `parent` for it (if there is room).
   */
  covered(hi: number, lo: number, parent: number): boolean {
    const table = this.#table, mask = this.#mask;
    for (let slot = lo & mask;; slot = (slot + 1) & mask) {
      const at = slot * SLOT_WORDS;
      const id = table[at + 2]!;
      if (id === 0) {
        if (this.#entries === this.#limit) return false;
        table[at] = hi;
        table[at + 1] = lo;
        table[at + 2] = parent + 1;
        this.#entries++;
        return false;
      }
      if (table[at] !== hi || table[at + 1] !== lo) continue;
      if (id - 1 <= parent) return true;
      table[at + 2] = parent + 1;
      return false;
    }
  }
}
