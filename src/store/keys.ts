/**
 * The order of a breadth-first search: every state is named by its key, the id of its parent and the
 * index of the action that produced it, and a sequential search finds states in increasing key order.
 * Workers keep their successors in key order and every merge is by key, so ids, parents and the
 * counterexamples chosen are the same for any number of workers.
 *
 * @module
 */

/** Parent id of an initial state (its action index is the index of its init). */
export const NO_PARENT = 0xffffffff;

/** Key of a state: its parent id and the action that produced it, ordered as a sequential BFS finds them. */
export function keyOf(parent: number, action: number): number {
  return parent * 2 ** 21 + action;
}

/** A finding of one property: the state reached by `action` from `parent`, at trace length `length`. */
export interface Finding {
  /** Index of the property among the instance's properties. */
  readonly property: number;
  /** Id of the state the finding's last step leaves from (NO_PARENT for an initial state). */
  readonly parent: number;
  /** Index of the action (or, from NO_PARENT, of the init) of that step. */
  readonly action: number;
  /** Steps of its trace. */
  readonly length: number;
}

/** Packed records: `length` uint32 words in `data` (which may be shared memory). */
export interface Records {
  readonly data: Uint32Array;
  readonly length: number;
}

/** Words `from..to` of `data`: records in increasing key order. */
export interface KeyedRun {
  readonly data: Uint32Array;
  readonly from: number;
  readonly to: number;
}
