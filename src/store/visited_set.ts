/**
 * The visited set's interface, so that an exact, a fingerprint-only, a sharded or a disk-backed set
 * can stand in for one another in the search.
 *
 * Every call passes both the packed state and its 64-bit fingerprint (`fp[0]` high, `fp[1]` low):
 * a fingerprint set keeps only the fingerprint, an exact set keeps the state and uses the
 * fingerprint to place it.
 *
 * In a parallel search each worker owns one set (a shard) and only it inserts, between barriers;
 * the other workers read it through `snapshot()` and `snapshotReader`, which see the shared buffers as
 * they were at the last barrier.
 *
 * @module
 */

import { ExactStateSet } from "./exact_state_set.ts";
import { FingerprintSet } from "./fingerprint_set.ts";

/** Read access to a set. */
export interface VisitedReader {
  /** Whether the state is in the set. */
  has(words: Uint32Array, offset: number, fp: Uint32Array): boolean;
  /**
   * Reads the state's home slot and returns what it read: a hint that lets the memory system fetch
   * several slots at once before they are looked up (the cache misses overlap).
   */
  touch(fp: Uint32Array): number;
}

/** The set of states seen so far. */
export interface VisitedSet extends VisitedReader {
  /** Adds the state; returns true when it was not in the set before. */
  insert(words: Uint32Array, offset: number, fp: Uint32Array): boolean;
  /** Number of states in the set. */
  readonly size: number;
  /** Bytes the set holds. */
  readonly bytes: number;
  /** Whether a collision could have hidden a state (false for an exact set). */
  readonly lossy: boolean;
  /** The buffers another worker needs to read the set (shared memory when the set was made shared). */
  snapshot(): VisitedSnapshot;
}

/** What `snapshotReader` needs: the shared buffers of a set. */
export type VisitedSnapshot =
  | { readonly kind: "fingerprint"; readonly tables: readonly Uint32Array[] }
  | {
    readonly kind: "exact";
    readonly table: Uint32Array;
    readonly store: Uint32Array;
    readonly width: number;
    /** States in `store` (the rest of it is spare capacity). */
    readonly size: number;
  };

/** A reader of a set as of a snapshot: one class per kind, so the search's lookups stay monomorphic. */
export function snapshotReader(snapshot: VisitedSnapshot): VisitedReader {
  return snapshot.kind === "fingerprint" ? FingerprintSet.reader(snapshot) : ExactStateSet.reader(snapshot);
}

/**
 * The entries of a snapshot, a piece at a time: fingerprint pairs for a fingerprint set, packed states
 * (`width` words each) for an exact one, at most 2^16 entries each. A piece is valid only until the next
 * one is asked for: a checkpoint written at the edge of the memory budget must not copy the set.
 */
export function* entryPieces(snapshot: VisitedSnapshot, width: number): Generator<Uint32Array> {
  const entryWords = snapshot.kind === "fingerprint" ? 2 : width;
  const piece = new Uint32Array(entryWords << 16);
  let filled = 0;
  if (snapshot.kind === "fingerprint") {
    for (const table of snapshot.tables) {
      for (let at = 0; at < table.length; at += 2) {
        if ((table[at]! | table[at + 1]!) === 0) continue;
        piece[filled++] = table[at]!;
        piece[filled++] = table[at + 1]!;
        if (filled === piece.length) {
          yield piece;
          filled = 0;
        }
      }
    }
  } else {
    for (let at = 0; at < snapshot.size * width; at += piece.length) {
      yield snapshot.store.subarray(at, Math.min(snapshot.size * width, at + piece.length));
    }
  }
  if (filled > 0) yield piece.slice(0, filled);
}
