/**
 * The insert phase of one worker: the successors every worker sent to the shard it owns, merged by
 * key and inserted in that order. The first occurrence of a fingerprint is then the one with the
 * smallest key, whichever worker expanded it, and a successor already visited is found by its
 * insertion. New states are checked against the undecided invariants and witnesses and listed, still
 * in key order, for the search to merge into the next level.
 *
 * @module
 */

import type { ModelInstance } from "../model/model.ts";
import { modelFailure, notBoolean } from "../model/model_failure.ts";
import { createReadonlyView } from "../state/state_view.ts";
import { GrowableUint32Array } from "../store/growable_array.ts";
import { KeyMerge } from "../store/key_merge.ts";
import type { Finding, KeyedRun, Records } from "../store/keys.ts";
import type { VisitedSet, VisitedSnapshot } from "../store/visited_set.ts";
import { atSite } from "../trace/failure_site.ts";
import type { SampleBatch } from "./samples.ts";

/**
 * Inbox entries merged before their insertions, so that their cache misses overlap. A batch is a method
 * call of its own, so V8 optimises it as a whole function: as one long-running loop nest it ran in code
 * compiled on the stack for its inner merge loop, which V8 threw away each time that loop exited.
 */
const INSERT_BATCH = 16;

/** What the insert phase needs. */
export interface InsertTask {
  /** This shard's successors from every worker, as runs each in key order. */
  readonly inboxes: readonly KeyedRun[];
  readonly depth: number;
  readonly invariants: readonly number[];
  readonly witnesses: readonly number[];
  /** Another worker's (or, with one worker, this one's) samples of the segment, to expand again. */
  readonly recheck?: SampleBatch;
}

/** What the insert phase reports. */
export interface InsertReport {
  /** New states in key order: W words each. */
  readonly added: Records;
  /** Their keys, in the same order: parent id, action index. */
  readonly addedKeys: Records;
  /** Invariant violations and witnesses, the first (smallest key) of each property. */
  readonly findings: readonly Finding[];
  readonly shard: VisitedSnapshot;
  readonly shardBytes: number;
}

/** One worker's insertions into the shard it owns. */
export class InsertPhase {
  readonly #instance: ModelInstance;
  readonly #width: number;
  readonly #shard: VisitedSet;
  /** Inbox entries: W words, fp (2), then the key. */
  readonly #merge: KeyMerge;
  readonly #added: GrowableUint32Array;
  readonly #addedKeys: GrowableUint32Array;
  /** The current batch: the inbox and offset of each entry, in key order. */
  readonly #batchFrom = new Int32Array(INSERT_BATCH);
  readonly #batchAt = new Int32Array(INSERT_BATCH);
  /** A new state, and the read-only view the properties read it through. */
  readonly #state: Uint32Array;
  readonly #stateView: unknown;
  readonly #fp = new Uint32Array(2);
  // The phase's progress: fields, not locals of `run`, because each batch is a call of its own.
  #inboxes: readonly Uint32Array[] = [];
  #depth = 0;
  /** Undecided invariants and witnesses: each is checked on new states until it is found. */
  #invariants: readonly number[] = [];
  #witnesses: readonly number[] = [];
  #findings: Finding[] = [];
  /** Where touched slots' contents go, so that the reads that warm the cache are not optimised away. */
  #touched = 0;

  constructor(instance: ModelInstance, shard: VisitedSet, options: { shared: boolean }) {
    this.#instance = instance;
    this.#width = instance.words;
    this.#shard = shard;
    this.#merge = new KeyMerge(this.#width + 4, this.#width + 2);
    this.#added = new GrowableUint32Array(1 << 12, options);
    this.#addedKeys = new GrowableUint32Array(1 << 12, options);
    this.#state = new Uint32Array(this.#width);
    this.#stateView = createReadonlyView(this.#state, instance.shape);
  }

  /** Inserts this shard's inboxes, in key order, a batch at a time. */
  run(task: InsertTask): InsertReport {
    const added = this.#added, addedKeys = this.#addedKeys;
    added.clear();
    addedKeys.clear();
    this.#merge.start(task.inboxes);
    this.#inboxes = task.inboxes.map((run) => run.data);
    this.#depth = task.depth;
    this.#invariants = [...task.invariants];
    this.#witnesses = [...task.witnesses];
    this.#findings = [];
    while (this.#insertBatch());
    return {
      added: { data: added.data, length: added.length },
      addedKeys: { data: addedKeys.data, length: addedKeys.length },
      findings: this.#findings,
      shard: this.#shard.snapshot(),
      shardBytes: this.#shard.bytes,
    };
  }

  /** Merges the next INSERT_BATCH inbox entries by key and inserts them; false when none was left. */
  #insertBatch(): boolean {
    const width = this.#width, fp = this.#fp, shard = this.#shard, merge = this.#merge;
    const added = this.#added, addedKeys = this.#addedKeys, inboxes = this.#inboxes;
    const from = this.#batchFrom, offsets = this.#batchAt;
    let n = 0;
    for (; n < INSERT_BATCH && merge.next(); n++) {
      from[n] = merge.run;
      offsets[n] = merge.at;
    }
    if (n === 0) return false;
    // Touch their home slots before inserting them, so the cache misses overlap.
    let touched = this.#touched;
    for (let k = 0; k < n; k++) {
      const data = inboxes[from[k]!]!, at = offsets[k]!;
      fp[0] = data[at + width]!;
      fp[1] = data[at + width + 1]!;
      touched ^= shard.touch(fp);
    }
    this.#touched = touched;
    for (let k = 0; k < n; k++) {
      const data = inboxes[from[k]!]!, at = offsets[k]!;
      fp[0] = data[at + width]!;
      fp[1] = data[at + width + 1]!;
      if (!shard.insert(data, at, fp)) continue;
      const parent = data[at + width + 2]!, action = data[at + width + 3]!;
      added.pushWords(data, at, width);
      addedKeys.push(parent);
      addedKeys.push(action);
      if (this.#invariants.length + this.#witnesses.length > 0) this.#checkNew(data, at, parent, action);
    }
    return true;
  }

  /** Checks the undecided invariants and witnesses on a new state (`width` words of `data` at `at`). */
  #checkNew(data: Uint32Array, at: number, parent: number, action: number): void {
    const state = this.#state;
    for (let w = 0; w < this.#width; w++) state[w] = data[at + w]!;
    const depth = this.#depth, findings = this.#findings, before = findings.length;
    for (const property of this.#invariants) {
      if (!this.#holds(property, parent, action)) findings.push({ property, parent, action, length: depth });
    }
    for (const property of this.#witnesses) {
      if (this.#holds(property, parent, action)) findings.push({ property, parent, action, length: depth });
    }
    if (findings.length === before) return;
    // A property's first finding (the smallest key) decides it for the rest of the phase.
    const found = new Set(findings.slice(before).map((f) => f.property));
    this.#invariants = this.#invariants.filter((p) => !found.has(p));
    this.#witnesses = this.#witnesses.filter((p) => !found.has(p));
  }

  /** Whether state property `property` holds of the new state, reached by `action` from `parent`. */
  #holds(property: number, parent: number, action: number): boolean {
    const { predicate, name } = this.#instance.properties[property] as { predicate: unknown; name: string };
    try {
      const result = (predicate as (s: unknown) => boolean)(this.#stateView);
      return typeof result === "boolean" ? result : notBoolean(result);
    } catch (error) {
      throw atSite(modelFailure(this.#instance, `property ${name}`, this.#depth, error), {
        parent,
        reached: action,
      });
    }
  }
}
