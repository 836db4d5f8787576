/**
 * A worker's table of the successors it sent or found visited recently, each fingerprint with the
 * smallest parent that produced it in the segment being expanded: a small filter in front of the
 * visited set and the outboxes.
 *
 * Most successors are duplicates, and most duplicates come from neighbouring states, so a table of
 * the last million fingerprints drops most of them before they cost a probe of the visited set or a
 * place in an outbox. A successor whose fingerprint is in the table with a parent no later than its
 * own is dropped. The drop is exact:
 * - an entry of the segment being expanded names the parent of a successor that was found visited or
 *   sent to its shard, with a key (parent id, action) no larger than the dropped one's: the first
 *   occurrence of a state in key order is never the one dropped, so ids, parents and counterexamples
 *   stay what a sequential search gives (a worker that helps with a region before its own meets
 *   entries with later parents: it sends those successors and lowers the entries);
 * - an entry of an earlier segment names a state in the visited set by now (the insert phase of its
 *   segment put it there, or found it there), so dropping its fingerprint is always right, and not
 *   dropping it only costs a probe.
 * At the depth limit nothing is sent, and a successor the table does not cover is looked up: the same
 * two points hold.
 * An entry stores the parent as its offset in the segment (16 bits) and the segment's parity: an
 * entry of the previous segment is known to be old; one of two segments back may be read as current,
 * which, by the second point, is harmless either way.
 *
 * The table is a set-associative cache: a 64-byte line holds 8 entries of 8 bytes, so a lookup costs
 * at most one cache miss, and a full line evicts one of its entries (a lost entry costs a probe).
 * An entry is the fingerprint's high word, and a word holding the low word's bits above the line
 * index and the 17-bit tag (parity, offset); an entry whose two words are both 0 reads as a free
 * one, and is merely lost. 2^17 lines are 8 MiB per worker; the cache always records, so it holds
 * about the last million fingerprints. Its pages are not written ahead (src/store/commit_pages.ts):
 * the interrupts that costs the other cores are paid once per run, where writing the pages ahead
 * would cost every run, however small, 8 MiB per worker.
 *
 * The table is private to its worker. Shared, it would also drop the duplicates between the workers'
 * regions, but every record would be a compare-and-exchange, which V8 does not inline, on cache lines
 * passed between the cores: the lookups took longer than the duplicates they saved.
 *
 * The measurements behind these choices are in bench/results/2026-12-02-search-in-pieces.md.
 *
 * @module
 */

/** Bits of a line's index: the fingerprint's low word's low bits. The tag needs the other 17 bits. */
const LINE_BITS = 17;
const LINE_MASK = (1 << LINE_BITS) - 1;
/** The low word's bits above the line index, as stored. */
const HIGH_BITS = ~LINE_MASK;
/** Entries per line: 8 of 2 words, one 64-byte cache line. */
const WAYS = 8;
const LINE_WORDS = WAYS * 2;
const OFFSET_BITS = 16;
const OFFSET_MASK = (1 << OFFSET_BITS) - 1;

/** One worker's table of the successors it sent or found visited recently. */
export class RecentSuccessors {
  /** Most states in a segment whose offsets an entry can hold. */
  static readonly MAX_SEGMENT = 1 << OFFSET_BITS;

  readonly #table = new Uint32Array((1 << LINE_BITS) * LINE_WORDS);
  /** Id of the segment's first state. */
  #first = 0;
  /** The current segment's parity, in the tag's top bit. */
  #parity = 0;
  /** Whether the segment's offsets fit in a tag (if not, nothing is recorded or covered). */
  #enabled = false;

  /** Called before each segment, whose first state has id `first` and which holds `size` states. */
  startSegment(first: number, size: number): void {
    this.#first = first;
    this.#parity ^= 1 << OFFSET_BITS;
    this.#enabled = size <= RecentSuccessors.MAX_SEGMENT;
  }

  /** Reads the line of a fingerprint whose low word is `lo`, so that a batch's cache misses overlap. */
  touch(lo: number): number {
    return this.#table[(lo & LINE_MASK) * LINE_WORDS]!;
  }

  /**
   * Whether a successor of the segment's state `parent` (an id) with fingerprint (hi, lo) is covered
   * by an entry with a parent no later; if not, the cache now names `parent` for it.
   */
  covered(hi: number, lo: number, parent: number): boolean {
    if (!this.#enabled) return false;
    const table = this.#table;
    const base = (lo & LINE_MASK) * LINE_WORDS;
    const high = lo & HIGH_BITS;
    const tag = this.#parity | (parent - this.#first);
    let at = base;
    for (const end = base + LINE_WORDS; at < end; at += 2) {
      const h = table[at]!, word = table[at + 1]!;
      if ((h | word) === 0) break;
      if (h !== hi || (word & HIGH_BITS) !== high) continue;
      const entry = word & ~HIGH_BITS;
      // Another parity: an entry of an earlier segment, whose fingerprint is visited by now.
      if ((entry ^ tag) >>> OFFSET_BITS !== 0 || (entry & OFFSET_MASK) <= (tag & OFFSET_MASK)) return true;
      table[at + 1] = high | tag;
      return false;
    }
    // Not found: record it in the first free entry, or in place of one picked by the fingerprint.
    if (at === base + LINE_WORDS) at = base + (((hi >>> 8) & (WAYS - 1)) << 1);
    table[at] = hi;
    table[at + 1] = high | tag;
    return false;
  }
}
