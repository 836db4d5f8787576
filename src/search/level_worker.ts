/**
 * One worker of the search: the shard of the visited set it owns and its share of each phase of a
 * segment, with the same code whether the workers are threads (src/search/search_worker.ts) or, for
 * one worker, an object in the calling thread (src/search/search.ts). The level loop
 * (src/search/breadth_first.ts) runs each segment in two phases separated by barriers:
 *
 * 1. expand (src/search/expand_phase.ts): each worker expands the blocks of the segment it claims
 *    and sends each successor to the outbox of the shard that owns it (src/search/outboxes.ts),
 *    tagged with its key: (parent id, action index).
 * 2. insert (src/search/insert_phase.ts): each worker merges its shard's inboxes by key, inserts the
 *    successors in that order and lists the new ones; it also expands again the sample states another
 *    worker recorded (src/search/samples.ts).
 *
 * Only the owner of a shard reads or writes it (but at the depth limit, where the expand phase looks
 * every successor up to tell whether the bound cut anything off), so every probe of the visited set
 * reads cache lines its own core wrote, and one worker searches exactly as a sequential search does.
 * The search then merges the workers' new states by key: exactly the order a sequential search finds
 * them in, so ids, parents, the next level and the counterexamples chosen are the same for every
 * number of workers.
 *
 * @module
 */

import type { ModelInstance } from "../model/model.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { ExactStateSet } from "../store/exact_state_set.ts";
import { FingerprintSet } from "../store/fingerprint_set.ts";
import type { VisitedSet } from "../store/visited_set.ts";
import { ExpandPhase, type ExpandReport, type ExpandTask } from "./expand_phase.ts";
import { InsertPhase, type InsertReport, type InsertTask } from "./insert_phase.ts";
import { Outboxes } from "./outboxes.ts";
import { Samples } from "./samples.ts";
import { ownerOf } from "./shards.ts";

/** What restoring a shard from a checkpoint needs. */
export interface RestoreTask {
  /** Fingerprint pairs, or packed states in exact mode. */
  readonly visited: Uint32Array;
}

/** A worker: its model instance, the shard it owns, and its part of each phase. */
export class LevelWorker {
  readonly #worker: number;
  readonly #workers: number;
  readonly #width: number;
  readonly #shard: VisitedSet;
  readonly #samples: Samples;
  readonly #expand: ExpandPhase;
  readonly #insert: InsertPhase;
  readonly #fp = new Uint32Array(2);

  /** Worker `worker` of `workers`. */
  constructor(instance: ModelInstance, worker: number, workers: number, options: { exact?: boolean } = {}) {
    // instantiate refuses a model whose action indices would not fit in a key (MAX_ACTION_INSTANCES).
    const shared = workers > 1, exact = options.exact === true;
    this.#worker = worker;
    this.#workers = workers;
    this.#width = instance.words;
    this.#shard = exact
      ? new ExactStateSet(instance.words, 1 << 16, { shared })
      : new FingerprintSet(1 << 16);
    this.#samples = new Samples(instance, worker, { shared });
    const outboxes = new Outboxes(this.#shard, worker, workers, instance.words, instance.actions.length, {
      shared,
      exact,
    });
    this.#expand = new ExpandPhase(instance, worker, workers, outboxes, this.#samples);
    this.#insert = new InsertPhase(instance, this.#shard, { shared });
  }

  /** The shard this worker owns. */
  get shard(): VisitedSet {
    return this.#shard;
  }

  /** Runs one phase's task. */
  run(
    phase: "expand" | "insert" | "restore",
    task: ExpandTask | InsertTask | RestoreTask,
  ): ExpandReport | InsertReport {
    return phase === "expand"
      ? this.expand(task as ExpandTask)
      : phase === "insert"
      ? this.insert(task as InsertTask)
      : this.restore(task as RestoreTask);
  }

  /** Phase 1: expands the blocks of the segment this worker claims. */
  expand(task: ExpandTask): ExpandReport {
    return this.#expand.run(task);
  }

  /** Phase 2: checks another worker's samples again, then inserts this shard's inboxes. */
  insert(task: InsertTask): InsertReport {
    if (task.recheck) this.#samples.recheck(task.recheck, task.depth - 1);
    return this.#insert.run(task);
  }

  /**
   * Refills this worker's shard from a checkpoint's visited states (fingerprint pairs, or packed
   * states in exact mode), keeping those it owns.
   */
  restore(task: RestoreTask): InsertReport {
    const fp = this.#fp, width = this.#width, workers = this.#workers, worker = this.#worker;
    const data = task.visited;
    const exact = !this.#shard.lossy;
    const step = exact ? width : 2;
    for (let at = 0; at < data.length; at += step) {
      if (exact) fingerprint(data, at, width, fp);
      else {
        fp[0] = data[at]!;
        fp[1] = data[at + 1]!;
      }
      if (ownerOf(fp[0]!, workers) === worker) this.#shard.insert(data, at, fp);
    }
    return {
      added: { data: new Uint32Array(0), length: 0 },
      addedKeys: { data: new Uint32Array(0), length: 0 },
      findings: [],
      shard: this.#shard.snapshot(),
      shardBytes: this.#shard.bytes,
    };
  }
}
