/**
 * The k-way merge by key (src/store/keys.ts): runs of records, each in increasing key order, read as
 * one run in key order. It is how the order of a sequential search is put back together from the
 * workers' pieces: a shard's inboxes into the order it inserts them in, and the shards' new states
 * into the next level.
 *
 * @module
 */

import type { KeyedRun } from "./keys.ts";

/**
 * Merges runs of records of `stride` words whose key (parent id, then action index) is at word
 * `keyAt`. The runs are few (one per worker, and one more wherever a worker helped another), so
 * scanning their heads costs less than keeping a heap; no two records share a key, since a key names
 * one successor.
 *
 * @example
 * ```ts
 * import { KeyMerge } from "./key_merge.ts";
 * const merge = new KeyMerge(2, 0);
 * merge.start([
 *   { data: new Uint32Array([0, 1, 2, 0]), from: 0, to: 4 },
 *   { data: new Uint32Array([1, 5]), from: 0, to: 2 },
 * ]);
 * const keys: string[] = [];
 * while (merge.next()) keys.push(`${merge.parent}/${merge.action}`);
 * console.assert(keys.join(" ") === "0/1 1/5 2/0");
 * ```
 */
export class KeyMerge {
  readonly #stride: number;
  readonly #keyAt: number;
  #data: Uint32Array[] = [];
  /** Offset of each run's next record. */
  #heads: number[] = [];
  #ends: number[] = [];
  /** The run the record `next` took last comes from (an index into the runs `start` was given). */
  run = -1;
  /** That record's offset in its run's data. */
  at = 0;
  /** Its key. */
  parent = 0;
  action = 0;

  constructor(stride: number, keyAt: number) {
    this.#stride = stride;
    this.#keyAt = keyAt;
  }

  /** Starts a merge of `runs`. */
  start(runs: readonly KeyedRun[]): void {
    this.#data = runs.map((r) => r.data);
    this.#heads = runs.map((r) => r.from);
    this.#ends = runs.map((r) => r.to);
    this.run = -1;
  }

  /** Takes the record with the smallest key into `run`, `at`, `parent` and `action`; false when none is left. */
  next(): boolean {
    const data = this.#data, heads = this.#heads, ends = this.#ends, keyAt = this.#keyAt;
    let best = -1, bestParent = 0, bestAction = 0;
    for (let s = 0; s < data.length; s++) {
      const at = heads[s]!;
      if (at >= ends[s]!) continue;
      const run = data[s]!;
      const parent = run[at + keyAt]!, action = run[at + keyAt + 1]!;
      if (best < 0 || parent < bestParent || (parent === bestParent && action < bestAction)) {
        best = s;
        bestParent = parent;
        bestAction = action;
      }
    }
    if (best < 0) return false;
    this.run = best;
    this.at = heads[best]!;
    this.parent = bestParent;
    this.action = bestAction;
    heads[best] = this.at + this.#stride;
    return true;
  }
}
