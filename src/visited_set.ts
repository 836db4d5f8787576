/**
 * The visited set's interface, so that an exact, a fingerprint-only, a sharded or a disk-backed set
 * can stand in for one another in the search loop.
 *
 * Every call passes both the packed state and its 64-bit fingerprint (`fp[0]` high, `fp[1]` low):
 * a fingerprint set keeps only the fingerprint, an exact set keeps the state and uses the
 * fingerprint to place it.
 *
 * @module
 */

/** The set of states seen so far. */
export interface VisitedSet {
  /** Adds the state; returns true when it was not in the set before. */
  insert(words: Uint32Array, offset: number, fp: Uint32Array): boolean;
  /** Whether the state is in the set. */
  has(words: Uint32Array, offset: number, fp: Uint32Array): boolean;
  /**
   * Reads the state's home slot and returns what it read: a hint that lets the memory system fetch
   * several slots at once before they are inserted (the cache misses overlap).
   */
  touch(fp: Uint32Array): number;
  /** Number of states in the set. */
  readonly size: number;
  /** Bytes the set holds. */
  readonly bytes: number;
  /** Whether a collision could have hidden a state (false for an exact set). */
  readonly lossy: boolean;
}
