/**
 * One worker's share of a breadth-first level. The search (src/search/search.ts) runs each level in two
 * phases separated by barriers, with the same code whether the workers are threads or, for one
 * worker, plain objects in the calling thread:
 *
 * 1. expand: each worker claims blocks of its own region of the segment, in order, then helps the
 *    others with the rest of theirs (so nobody waits for a slow region). For each state a worker
 *    evaluates guards and effects, checks transition properties, canonicalises and fingerprints each
 *    successor, and drops those its table of recent successors covers (src/store/recent_successors.ts) and
 *    those its own shard holds. The rest go to the outbox of the shard that owns their fingerprint,
 *    tagged with their key: (parent id, action index). An outbox is a few runs, each in key order.
 * 2. insert: each worker merges its inboxes' runs by key and inserts them, in that order,
 *    into the shard it owns; the first occurrence of a fingerprint is the one with the smallest key,
 *    whichever worker expanded it, and a successor already visited is found by its insertion. New
 *    states are checked against invariants and witnesses and appended to the worker's list of new
 *    states, still in key order.
 *
 * Only the owner of a shard reads or writes it (but at the depth limit, where the expand phase looks
 * every successor up to tell whether the bound cut anything off): a worker looks up the successors its
 * own shard owns before sending them, and sends the others as they are, for their owner's insertion to
 * find the visited ones. Every probe of the visited set then reads lines its own core wrote, and with
 * one worker the search is what it was. Looking up every successor in the expand phase had cost two
 * workers 24% more CPU time than two one-worker runs at once (page_ownership N=10, perf), 82% of the
 * difference in the lookups (+34%) and in insertions of slots the other core had just read (15 times
 * as much).
 *
 * The search then merges the workers' new lists by key: that is exactly the order a sequential BFS
 * discovers them in, so ids, parents, the next level and the counterexamples chosen are identical
 * for every number of workers.
 *
 * @module
 */

import { compileActions } from "../model/compiled_actions.ts";
import { ExactStateSet } from "../store/exact_state_set.ts";
import { FingerprintSet } from "../store/fingerprint_set.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { GrowableUint32Array } from "../store/growable_array.ts";
import type { ModelInstance } from "../model/model.ts";
import { createReadonlyView, createView, toValue } from "../state/state_view.ts";
import {
  snapshotReader,
  type VisitedReader,
  type VisitedSet,
  type VisitedSnapshot,
} from "../store/visited_set.ts";
import { InputError } from "../errors.ts";
import { atSite } from "../trace/failure_site.ts";
import { modelFailure, notBoolean } from "../model/model_failure.ts";
import { AssertionSignal } from "../model/properties.ts";
import { RecentSuccessors } from "../store/recent_successors.ts";
import { Stepper } from "../model/step.ts";
import { type Finding, type KeyedRun, type Records } from "../store/keys.ts";
import { ownerOf } from "./shards.ts";

/** Successors gathered before their visited-set lookups: enough to overlap many cache misses. */
const BATCH = 64;

/** Inbox entries merged before their insertions, so their cache misses overlap. */
const INSERT_BATCH = 16;

/**
 * Every state with a smaller id is expanded twice (see `#recordSample`): all of the first levels of
 * most models, where a mistake shows first.
 */
const SAMPLE_FIRST = 4096;

/** Past SAMPLE_FIRST, a state is expanded twice when the top bits of its id's hash are zero: 1 in 1024. */
const SAMPLE_SHIFT = 22;

/** Whether state `id` is expanded twice: deterministic, and the same for any number of workers. */
export function sampled(id: number): boolean {
  return id < SAMPLE_FIRST || (Math.imul(id, 0x9e3779b1) >>> SAMPLE_SHIFT) === 0;
}

/** What the expand phase needs. */
export interface ExpandTask {
  /** A segment of the level: W words per state. */
  readonly frontier: Records;
  /** States in the segment. */
  readonly size: number;
  /**
   * Shared by the workers: the next unclaimed state of each region (region w starts at
   * `floor(w * size / workers)`).
   */
  readonly claim: Int32Array;
  /** States claimed at a time. */
  readonly block: number;
  /** Id of the segment's first state. */
  readonly firstId: number;
  readonly depth: number;
  /** States at the depth limit are not expanded; a new successor marks the run incomplete. */
  readonly atDepthLimit: boolean;
  /** Undecided transition properties. */
  readonly transitionChecks: readonly number[];
  readonly checkDeadlock: boolean;
  /** Date.now() after which the worker stops early. */
  readonly deadline: number;
  /** Undecided assertions: each is reported at its first failure in this run of keys. */
  readonly assertionChecks?: readonly number[];
  /** The shards as of the last barrier, for the lookups at the depth limit (absent elsewhere). */
  readonly shards?: readonly VisitedSnapshot[];
}

/** What the expand phase reports. */
export interface ExpandReport {
  /**
   * Successors to insert, one outbox per owning shard: W words, fp (2), parent, action. Those no recent
   * send covers, but for this worker's own shard only those not visited yet.
   */
  readonly outboxes: readonly Records[];
  /**
   * Per outbox, the offsets (in words) where a new run of increasing keys starts: a worker's blocks
   * are in increasing order but for those it takes over from another worker's region.
   */
  readonly runStarts: readonly (readonly number[])[];
  readonly transitions: number;
  readonly fired: readonly number[];
  /** Violations of transition properties found: the smallest-key one of each property is among them. */
  readonly findings: readonly Finding[];
  /** Smallest id of a deadlocked state among those expanded, or -1. */
  readonly deadlock: number;
  readonly depthLimitHit: boolean;
  /** Whether the deadline cut the slice short. */
  readonly timedOut: boolean;
  /** States expanded. */
  readonly expanded: number;
  /** The sample states this worker expanded and what it found, for another to expand again. */
  readonly samples: Records;
}

/** Sample records (see `#recordSample`) from the expand phase of worker `worker`. */
export interface SampleBatch extends Records {
  readonly worker: number;
}

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

/** What restoring a shard from a checkpoint needs. */
export interface RestoreTask {
  /** Fingerprint pairs, or packed states in exact mode. */
  readonly visited: Uint32Array;
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

/** A worker: its model instance, the shard it owns, and scratch space for both phases. */
export class LevelWorker {
  readonly #instance: ModelInstance;
  readonly #index: number;
  readonly #count: number;
  readonly #shard: VisitedSet;
  readonly #width: number;
  readonly #outboxes: GrowableUint32Array[];
  readonly #added: GrowableUint32Array;
  readonly #addedKeys: GrowableUint32Array;
  readonly #current: Uint32Array;
  readonly #next: Uint32Array;
  readonly #nextView: unknown;
  /** Read-only views over the same words, for guards, properties, terminal and withinBoundary. */
  readonly #currentReadonly: unknown;
  readonly #nextReadonly: unknown;
  readonly #compiled;
  readonly #enabled: Int32Array;
  readonly #fp = new Uint32Array(2);
  readonly #fired: number[];
  readonly #batch: Uint32Array;
  /** Offsets into the batch of the successors no recent send covers. */
  readonly #pending: Int32Array;
  /** Absent in exact mode: it matches fingerprints, and two states may share one. */
  readonly #recent: RecentSuccessors | undefined;
  /** The insert phase's current batch: the inbox and offset of each entry, in key order. */
  readonly #mergedFrom = new Int32Array(INSERT_BATCH);
  readonly #mergedAt = new Int32Array(INSERT_BATCH);
  readonly #hasBackground: boolean;
  /** Turns a throw in model code into bad input naming the model, where and at what depth. */
  readonly #failure: (where: string, depth: number, error: unknown) => Error;
  /** Sample records of the segment being expanded: see `#recordSample`. */
  readonly #samples: GrowableUint32Array;
  /** Property index of each assertion name. */
  readonly #assertions: Map<string, number>;
  #stepper: Stepper | undefined;

  constructor(instance: ModelInstance, index: number, count: number, options: { exact?: boolean } = {}) {
    // instantiate refuses a model whose action indices would not fit in a key (MAX_ACTION_INSTANCES).
    const shared = count > 1;
    this.#instance = instance;
    this.#failure = (where, depth, error) => modelFailure(instance, where, depth, error);
    this.#samples = new GrowableUint32Array(1 << 10, { shared });
    this.#assertions = new Map(
      instance.properties.flatMap((p, i) => (p.kind === "assertion" ? [[p.name, i] as const] : [])),
    );
    this.#index = index;
    this.#count = count;
    this.#width = instance.words;
    this.#shard = options.exact
      ? new ExactStateSet(instance.words, 1 << 16, { shared })
      : new FingerprintSet(1 << 16);
    this.#recent = options.exact ? undefined : new RecentSuccessors();
    this.#outboxes = Array.from({ length: count }, () => new GrowableUint32Array(1 << 12, { shared }));
    this.#added = new GrowableUint32Array(1 << 12, { shared });
    this.#addedKeys = new GrowableUint32Array(1 << 12, { shared });
    this.#current = new Uint32Array(this.#width);
    this.#next = new Uint32Array(this.#width);
    this.#nextView = createView(this.#next, instance.shape);
    this.#currentReadonly = createReadonlyView(this.#current, instance.shape);
    this.#nextReadonly = createReadonlyView(this.#next, instance.shape);
    this.#compiled = compileActions(instance.actions);
    this.#enabled = new Int32Array(Math.max(1, instance.actions.length));
    this.#fired = new Array<number>(instance.actions.length).fill(0);
    this.#hasBackground = instance.actions.some((a) => a.background);
    this.#pending = new Int32Array(BATCH + instance.actions.length);
    this.#batch = new Uint32Array((BATCH + instance.actions.length) * (this.#width + 4));
  }

  /** The shard this worker owns. */
  get shard(): VisitedSet {
    return this.#shard;
  }

  /**
   * Refills this worker's shard from a checkpoint's visited states (fingerprint pairs, or packed
   * states in exact mode), keeping those it owns.
   */
  restore(task: RestoreTask): InsertReport {
    const fp = this.#fp, width = this.#width, count = this.#count, index = this.#index;
    const data = task.visited;
    const exact = !this.#shard.lossy;
    const step = exact ? width : 2;
    for (let at = 0; at < data.length; at += step) {
      if (exact) fingerprint(data, at, width, fp);
      else {
        fp[0] = data[at]!;
        fp[1] = data[at + 1]!;
      }
      if (ownerOf(fp[0]!, count) === index) this.#shard.insert(data, at, fp);
    }
    return {
      added: { data: new Uint32Array(0), length: 0 },
      addedKeys: { data: new Uint32Array(0), length: 0 },
      findings: [],
      shard: this.#shard.snapshot(),
      shardBytes: this.#shard.bytes,
    };
  }

  /**
   * Readers of every shard: the others' shared buffers and, through the same kind of reader (so the
   * lookups stay monomorphic), this worker's own; no shard changes during the expand phase.
   */
  #readers(shards: readonly VisitedSnapshot[] | undefined): VisitedReader[] {
    return Array.from(
      { length: this.#count },
      (_, i) => snapshotReader(i === this.#index || !shards ? this.#shard.snapshot() : shards[i]!),
    );
  }

  /**
   * Claims the next block of the segment; returns its start, or -1 when none is left, and leaves its
   * end in `claimedEnd`. The segment is cut into one region per worker; a worker claims blocks of its
   * own region in order, then helps the others with theirs. Contiguous regions keep neighbouring
   * states, which share successors, on one worker, where its table of recent successors drops their
   * duplicates (page_ownership N=9, two workers: blocks dealt out in turn sent 62% more successors to
   * the insert phase than one worker does, regions with help at the end 18%); small blocks at the end
   * let the workers finish together.
   */
  #claim(task: ExpandTask): number {
    for (let k = 0; k < this.#count; k++) {
      const region = (this.#index + k) % this.#count;
      const regionEnd = Math.floor(((region + 1) * task.size) / this.#count);
      if (Atomics.load(task.claim, region) >= regionEnd) continue;
      const start = Atomics.add(task.claim, region, task.block);
      if (start >= regionEnd) continue;
      claimedEnd = Math.min(regionEnd, start + task.block);
      return start;
    }
    return -1;
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

  /**
   * Phase 1: expand the blocks of the segment this worker claims, a block at a time. Blocks are a
   * method of their own, called thousands of times, so V8 optimises it as a whole function (see
   * `insert` for what a long-running loop nest cost).
   */
  expand(task: ExpandTask): ExpandReport {
    for (const outbox of this.#outboxes) outbox.clear();
    this.#samples.clear();
    this.#fired.fill(0);
    this.#recent?.startSegment(task.firstId, task.size);
    const phase: ExpandPhase = {
      task,
      own: snapshotReader(this.#shard.snapshot()),
      transitionChecks: [...task.transitionChecks],
      assertionChecks: [...(task.assertionChecks ?? [])],
      findings: [],
      transitions: 0,
      deadlock: -1,
      depthLimitHit: false,
      expanded: 0,
      batched: 0,
    };
    const runStarts = this.#outboxes.map(() => [] as number[]);
    let timedOut = false;
    for (let end = 0;;) {
      const start = this.#claim(task);
      if (start < 0) break;
      if (Date.now() > task.deadline) {
        timedOut = true;
        phase.batched = 0; // the level is abandoned: its successors are not needed
        break;
      }
      if (start < end) {
        // A block before the ones expanded so far (taken from another worker's region) starts a new run
        // of keys in every outbox; transition properties are checked again, to find their smallest-key
        // violation.
        this.#flushPhase(phase);
        this.#outboxes.forEach((outbox, s) => runStarts[s]!.push(outbox.length));
        phase.transitionChecks = [...task.transitionChecks];
        phase.assertionChecks = [...(task.assertionChecks ?? [])];
      }
      end = claimedEnd;
      this.#expandBlock(phase, start, end);
    }
    this.#flushPhase(phase);
    return {
      outboxes: this.#outboxes.map((o) => ({ data: o.data, length: o.length })),
      runStarts,
      transitions: phase.transitions,
      fired: [...this.#fired],
      findings: phase.findings,
      deadlock: phase.deadlock,
      depthLimitHit: phase.depthLimitHit,
      timedOut,
      expanded: phase.expanded,
      samples: { data: this.#samples.data, length: this.#samples.length },
    };
  }

  /** Looks up and sends the successors batched so far. */
  #flushPhase(phase: ExpandPhase): void {
    if (phase.batched > 0 && this.#flush(phase, phase.batched)) {
      phase.depthLimitHit = true;
    }
    phase.batched = 0;
  }

  /**
   * Records what expanding sample state `id` (its words at `at` in `frontier`) gave: the enabled
   * actions, the fingerprint of each successor (batch entries `from` to `to`) and the state
   * properties' values. Another worker expands it again in the insert phase and compares (`#recheck`),
   * so that a guard, effect or property that depends on anything but the state (Math.random, a mutable
   * global, a module-level value that differs per thread) is caught during the search, whether or not
   * a trace is ever rebuilt through that state. Record: id, enabled count, successor count, W words,
   * the enabled action indices, then action, fp[0], fp[1] per successor, then one word per state
   * property.
   */
  #recordSample(
    frontier: Uint32Array,
    at: number,
    id: number,
    enabledCount: number,
    from: number,
    to: number,
  ): void {
    const samples = this.#samples, width = this.#width, batch = this.#batch, stride = width + 4;
    samples.push(id);
    samples.push(enabledCount);
    samples.push(to - from);
    samples.pushWords(frontier, at, width);
    for (let e = 0; e < enabledCount; e++) samples.push(this.#enabled[e]!);
    for (let k = from; k < to; k++) {
      const entry = k * stride;
      samples.push(batch[entry + width + 3]!);
      samples.push(batch[entry + width]!);
      samples.push(batch[entry + width + 1]!);
    }
    const state = frontier.subarray(at, at + width);
    const stepper = this.#stepper ??= new Stepper(this.#instance);
    for (const p of this.#instance.properties) {
      if (p.kind === "always" || p.kind === "sometimes") samples.push(stepper.holds(p, state, 0) ? 1 : 0);
    }
  }

  /**
   * Expands the sample states of `batch` again and compares with what their first expansion gave. An
   * error names the sample state, so that the run to it is written.
   */
  #recheck(batch: SampleBatch, depth: number): void {
    try {
      this.#recheckSamples(batch, depth);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw atSite(error, { state: this.#sampleId });
    }
  }

  /** Id of the sample state `#recheckSamples` is on. */
  #sampleId = 0;

  #recheckSamples(batch: SampleBatch, depth: number): void {
    const instance = this.#instance, width = this.#width, data = batch.data;
    const stepper = this.#stepper ??= new Stepper(instance);
    const state = new Uint32Array(width), fp = new Uint32Array(2);
    const stateProperties = instance.properties.filter((p) => p.kind === "always" || p.kind === "sometimes");
    for (let at = 0; at < batch.length;) {
      const id = this.#sampleId = data[at]!, enabledCount = data[at + 1]!, successors = data[at + 2]!;
      at += 3;
      state.set(data.subarray(at, at + width));
      at += width;
      const enabled = Array.from(data.subarray(at, at + enabledCount));
      at += enabledCount;
      const first = new Map<number, string>();
      for (let k = 0; k < successors; k++, at += 3) first.set(data[at]!, `${data[at + 1]}:${data[at + 2]}`);
      const values = Array.from(data.subarray(at, at + stateProperties.length));
      at += stateProperties.length;
      const seen = (what: string): never => {
        throw nondeterminism(instance, id, depth, state, what, batch.worker, this.#index);
      };
      for (const act of instance.actions) {
        const now = stepper.enabled(state, act, depth);
        if (now !== enabled.includes(act.index)) {
          seen(
            `action ${act.text} was ${now ? "disabled" : "enabled"} the first time and is ${
              now ? "enabled" : "disabled"
            } the second`,
          );
        }
        if (!now) continue;
        const effect = stepper.apply(state, act, depth);
        const before = first.get(act.index);
        if (effect.asserted) {
          if (before !== undefined) {
            seen(
              `action ${act.text} made a state the first time and fails assertion ${effect.asserted.name} the second`,
            );
          }
          continue;
        }
        if (before === undefined) {
          seen(
            `action ${act.text} failed an assertion the first time and makes ${
              show(instance, stepper.next)
            } the second`,
          );
        }
        const successor = stepper.next.slice();
        instance.canonicalize?.(stepper.next);
        fingerprint(stepper.next, 0, width, fp);
        if (before !== `${fp[0]}:${fp[1]}`) {
          // A transition property that writes the successor it is given also changes what is stored:
          // say so rather than call it nondeterminism (the stepper throws when one writes).
          for (const p of instance.properties) {
            if (p.kind === "transition") stepper.transitionHolds(p, state, act, successor, depth);
          }
          seen(
            `action ${act.text} leads to different states the two times (the second time to ${
              show(instance, stepper.next)
            })`,
          );
        }
      }
      stateProperties.forEach((p, k) => {
        const now = stepper.holds(p as never, state, depth);
        if ((values[k] === 1) !== now) {
          seen(`property ${p.name} was ${!now} the first time and is ${now} the second`);
        }
      });
      if (instance.terminal !== undefined) this.#sampleTerminal(state, depth);
    }
  }

  /**
   * Evaluates the terminal predicate on sample state `state`. The search asks it only of states where
   * no action is enabled, so a terminal that writes the state, throws or returns a non-boolean would go
   * unseen in a model that never deadlocks; on the samples it is seen and named.
   */
  #sampleTerminal(state: Uint32Array, depth: number): void {
    this.#current.set(state);
    try {
      this.#instance.terminal!(this.#currentReadonly);
    } catch (error) {
      throw this.#failure("terminal predicate", depth, error);
    }
  }

  /** Records the failure of an assertion by action `a`'s effect in state `id`. */
  #asserted(phase: ExpandPhase, signal: AssertionSignal, id: number, a: number, depth: number): void {
    const index = this.#assertions.get(signal.name);
    const act = this.#instance.actions[a]!;
    if (index === undefined) {
      throw atSite(
        new InputError(
          `Model ${this.#instance.name}, action ${act.text} at depth ${depth}: its effect failed assertion ` +
            `${JSON.stringify(signal.name)}, which the model does not declare (declare it with ` +
            `assertion(${JSON.stringify(signal.name)}) among its properties).`,
        ),
        { state: id, failing: a },
      );
    }
    if (!phase.assertionChecks.includes(index)) return;
    phase.findings.push({ property: index, parent: id, action: a, length: depth + 1 });
    phase.assertionChecks = phase.assertionChecks.filter((p) => p !== index);
  }

  /** Expands states `start` to `end` (offsets in the segment). */
  #expandBlock(phase: ExpandPhase, start: number, end: number): void {
    const { task, findings } = phase;
    const failure = this.#failure;
    const instance = this.#instance, width = this.#width;
    const current = this.#current, next = this.#next, fp = this.#fp;
    const currentView = this.#currentReadonly, nextView = this.#nextView, after = this.#nextReadonly;
    const actions = instance.actions, properties = instance.properties;
    const canonicalize = instance.canonicalize;
    const frontier = task.frontier.data;
    let transitionChecks = phase.transitionChecks;
    let transitions = phase.transitions, deadlock = phase.deadlock;
    // Successors of several states, fingerprinted before any is looked up.
    const batchStride = width + 4;
    const batch = this.#batch;
    let batched = phase.batched;
    for (let i = start; i < end; i++) {
      const id = task.firstId + i;
      for (let w = 0, at = i * width; w < width; w++) current[w] = frontier[at + w]!;
      if (instance.withinBoundary) {
        let inside: boolean;
        try {
          inside = instance.withinBoundary(currentView);
        } catch (error) {
          throw atSite(failure("withinBoundary predicate", task.depth, error) as InputError, { state: id });
        }
        if (!inside) continue;
      }
      const firstSuccessor = batched;
      let enabledCount: number;
      try {
        enabledCount = this.#compiled.enabled(currentView, this.#enabled);
      } catch (error) {
        throw atSite(guardFailure(instance, currentView, task.depth, error, failure) as InputError, {
          state: id,
        });
      }
      let progress = enabledCount;
      if (this.#hasBackground) {
        for (let e = 0; e < enabledCount; e++) if (actions[this.#enabled[e]!]!.background) progress--;
      }
      if (progress === 0 && task.checkDeadlock && (deadlock < 0 || id < deadlock)) {
        let fine = false;
        try {
          fine = instance.terminal !== undefined && instance.terminal(currentView);
        } catch (error) {
          throw atSite(failure("terminal predicate", task.depth, error) as InputError, { state: id });
        }
        if (!fine) deadlock = id;
      }
      for (let e = 0; e < enabledCount; e++) {
        const a = this.#enabled[e]!;
        for (let w = 0; w < width; w++) next[w] = current[w]!;
        try {
          this.#compiled.apply(a, nextView);
        } catch (error) {
          if (error instanceof AssertionSignal) {
            if (!task.atDepthLimit) this.#asserted(phase, error, id, a, task.depth);
            continue;
          }
          throw atSite(failure(`action ${actions[a]!.text}`, task.depth, error) as InputError, {
            state: id,
            failing: a,
          });
        }
        if (!task.atDepthLimit) {
          transitions++;
          this.#fired[a]!++;
          for (let k = 0; k < transitionChecks.length; k++) {
            const index = transitionChecks[k]!;
            const property = properties[index] as { predicate: unknown; name: string };
            let ok: boolean;
            try {
              ok = (property.predicate as (s: unknown, a: unknown, n: unknown) => boolean)(
                currentView,
                actions[a]!.label,
                after,
              );
              if (typeof ok !== "boolean") notBoolean(ok);
            } catch (error) {
              throw atSite(
                failure(
                  `property ${property.name} on action ${actions[a]!.text}`,
                  task.depth,
                  error,
                ) as InputError,
                { state: id, failing: a },
              );
            }
            if (!ok) {
              findings.push({ property: index, parent: id, action: a, length: task.depth + 1 });
              transitionChecks = transitionChecks.filter((p) => p !== index);
              k--;
            }
          }
        }
        // Transition properties saw the concrete successor; the visited set sees its orbit.
        if (canonicalize !== undefined) canonicalize(next);
        const at = batched * batchStride;
        for (let w = 0; w < width; w++) batch[at + w] = next[w]!;
        fingerprint(next, 0, width, fp);
        batch[at + width] = fp[0]!;
        batch[at + width + 1] = fp[1]!;
        batch[at + width + 2] = id;
        batch[at + width + 3] = a;
        batched++;
      }
      if (!task.atDepthLimit && sampled(id)) {
        this.#recordSample(frontier, i * width, id, enabledCount, firstSuccessor, batched);
      }
      if (batched >= BATCH) {
        if (this.#flush(phase, batched)) phase.depthLimitHit = true;
        batched = 0;
      }
    }
    phase.expanded += end - start;
    phase.transitionChecks = transitionChecks;
    phase.transitions = transitions;
    phase.deadlock = deadlock;
    phase.batched = batched;
  }

  /**
   * Sends a batch of successors to their shards' outboxes, but for those a recent send covers and those
   * this worker's own shard already holds. Only successors of its own shard are looked up, touching
   * every home slot before looking any up, so the cache misses overlap; the rest are sent as they are,
   * and their owner's insertion finds the visited ones. So no worker reads a shard another core writes
   * (see the module doc). At the depth limit nothing is sent: returns whether some successor is not
   * visited yet. A method, not a closure: variables a closure writes live in a heap context, and the
   * expand loop's counters must stay in registers.
   */
  #flush(phase: ExpandPhase, batched: number): boolean {
    const batch = this.#batch, fp = this.#fp, width = this.#width, count = this.#count, index = this.#index;
    const pending = this.#pending;
    const batchStride = width + 4;
    let uncovered = 0;
    // Successors covered by a recent send (most duplicates) need no lookup and no place in an outbox.
    const recent = this.#recent;
    if (recent === undefined) {
      for (let k = 0; k < batched; k++) pending[uncovered++] = k * batchStride;
    } else {
      for (let k = 0; k < batched; k++) touchSink ^= recent.touch(batch[k * batchStride + width + 1]!);
      for (let k = 0; k < batched; k++) {
        const at = k * batchStride;
        if (recent.covered(batch[at + width]!, batch[at + width + 1]!, batch[at + width + 2]!)) continue;
        pending[uncovered++] = at;
      }
    }
    if (phase.task.atDepthLimit) return this.#anyUnvisited(phase, uncovered);
    const own = phase.own;
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      if (ownerOf(fp[0]!, count) === index) touchSink ^= own.touch(fp);
    }
    const outboxes = this.#outboxes;
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      const owner = ownerOf(fp[0]!, count);
      if (owner === index && own.has(batch, at, fp)) continue;
      outboxes[owner]!.pushWords(batch, at, batchStride);
    }
    return false;
  }

  /**
   * Whether one of the first `uncovered` successors `#pending` names is not in the visited set (the
   * shards as of the last barrier). Touches every home slot before looking any up, so the cache misses
   * overlap.
   */
  #anyUnvisited(phase: ExpandPhase, uncovered: number): boolean {
    const batch = this.#batch, fp = this.#fp, width = this.#width, count = this.#count;
    const pending = this.#pending;
    const readers = phase.readers ??= this.#readers(phase.task.shards);
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      touchSink ^= readers[ownerOf(fp[0]!, count)]!.touch(fp);
    }
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      if (!readers[ownerOf(fp[0]!, count)]!.has(batch, at, fp)) return true;
    }
    return false;
  }

  /**
   * Phase 2: insert this shard's inboxes, in key order, a batch at a time. The batches are a method of
   * their own, called hundreds of thousands of times, so V8 optimises it as a whole function: as one
   * long-running loop nest it ran, with two workers, in code compiled on stack for its inner merge loop,
   * which V8 threw away each time that loop exited (24,000 times in a run of page_ownership N=11).
   */
  insert(task: InsertTask): InsertReport {
    const added = this.#added, addedKeys = this.#addedKeys;
    added.clear();
    addedKeys.clear();
    if (task.recheck) this.#recheck(task.recheck, task.depth - 1);
    const phase: InsertPhase = {
      inboxes: task.inboxes,
      heads: task.inboxes.map((run) => run.from),
      depth: task.depth,
      invariants: [...task.invariants],
      witnesses: [...task.witnesses],
      findings: [],
    };
    while (this.#insertBatch(phase));
    return {
      added: { data: added.data, length: added.length },
      addedKeys: { data: addedKeys.data, length: addedKeys.length },
      findings: phase.findings,
      shard: this.#shard.snapshot(),
      shardBytes: this.#shard.bytes,
    };
  }

  /** Merges the next INSERT_BATCH inbox entries by key and inserts them; false when none was left. */
  #insertBatch(phase: InsertPhase): boolean {
    const width = this.#width, fp = this.#fp, shard = this.#shard;
    const added = this.#added, addedKeys = this.#addedKeys;
    const stride = width + 4;
    const { inboxes, heads } = phase;
    const from = this.#mergedFrom, offsets = this.#mergedAt;
    // The next entries in key order (each inbox is in key order: merge them by their heads).
    let n = 0;
    for (; n < INSERT_BATCH; n++) {
      let best = -1, bestParent = 0, bestAction = 0;
      for (let s = 0; s < inboxes.length; s++) {
        const at = heads[s]!;
        if (at >= inboxes[s]!.to) continue;
        const data = inboxes[s]!.data;
        const parent = data[at + width + 2]!, action = data[at + width + 3]!;
        if (best < 0 || parent < bestParent || (parent === bestParent && action < bestAction)) {
          best = s;
          bestParent = parent;
          bestAction = action;
        }
      }
      if (best < 0) break;
      from[n] = best;
      offsets[n] = heads[best]!;
      heads[best]! += stride;
    }
    if (n === 0) return false;
    // Touch their home slots before inserting them, so the cache misses overlap.
    for (let k = 0; k < n; k++) {
      const data = inboxes[from[k]!]!.data, at = offsets[k]!;
      fp[0] = data[at + width]!;
      fp[1] = data[at + width + 1]!;
      touchSink ^= shard.touch(fp);
    }
    for (let k = 0; k < n; k++) {
      const data = inboxes[from[k]!]!.data, at = offsets[k]!;
      fp[0] = data[at + width]!;
      fp[1] = data[at + width + 1]!;
      if (!shard.insert(data, at, fp)) continue;
      const parent = data[at + width + 2]!, action = data[at + width + 3]!;
      added.pushWords(data, at, width);
      addedKeys.push(parent);
      addedKeys.push(action);
      if (phase.invariants.length + phase.witnesses.length > 0) {
        this.#checkNew(phase, data, at, parent, action);
      }
    }
    return true;
  }

  /** Checks the undecided invariants and witnesses on a new state (`width` words of `data` at `at`). */
  #checkNew(phase: InsertPhase, data: Uint32Array, at: number, parent: number, action: number): void {
    const next = this.#next;
    for (let w = 0; w < this.#width; w++) next[w] = data[at + w]!;
    const { depth, findings } = phase, before = findings.length;
    for (const property of phase.invariants) {
      if (!this.#holds(property, depth, parent, action)) {
        findings.push({ property, parent, action, length: depth });
      }
    }
    for (const property of phase.witnesses) {
      if (this.#holds(property, depth, parent, action)) {
        findings.push({ property, parent, action, length: depth });
      }
    }
    if (findings.length === before) return;
    // A property's first finding (the smallest key) decides it for the rest of the phase.
    const found = new Set(findings.slice(before).map((f) => f.property));
    phase.invariants = phase.invariants.filter((p) => !found.has(p));
    phase.witnesses = phase.witnesses.filter((p) => !found.has(p));
  }

  /** Whether state property `property` holds of the state in `next`, reached by `action` from `parent`. */
  #holds(property: number, depth: number, parent: number, action: number): boolean {
    const { predicate, name } = this.#instance.properties[property] as { predicate: unknown; name: string };
    try {
      const result = (predicate as (s: unknown) => boolean)(this.#nextReadonly);
      return typeof result === "boolean" ? result : notBoolean(result);
    } catch (error) {
      throw atSite(this.#failure(`property ${name}`, depth, error) as InputError, {
        parent,
        reached: action,
      });
    }
  }
}

/** The expand phase's progress through the blocks a worker claims. */
interface ExpandPhase {
  readonly task: ExpandTask;
  /** Reads this worker's own shard, through the kind of reader the others' get (lookups stay monomorphic). */
  readonly own: VisitedReader;
  /** Readers of every shard, made at the depth limit, the only place the expand phase reads other shards. */
  readers?: readonly VisitedReader[];
  /** Undecided transition properties: each is checked until its first violation in this run of keys. */
  transitionChecks: readonly number[];
  /** Undecided assertions: each is reported at its first failure in this run of keys. */
  assertionChecks: readonly number[];
  readonly findings: Finding[];
  transitions: number;
  /** Smallest id of a deadlocked state expanded, or -1. */
  deadlock: number;
  depthLimitHit: boolean;
  expanded: number;
  /** Successors in the batch, waiting for their lookups. */
  batched: number;
}

/** The insert phase's progress through its inboxes and properties. */
interface InsertPhase {
  readonly inboxes: readonly KeyedRun[];
  /** Offset of each inbox's next entry. */
  readonly heads: number[];
  readonly depth: number;
  /** Undecided invariants and witnesses: each is checked on new states until it is found. */
  invariants: readonly number[];
  witnesses: readonly number[];
  readonly findings: Finding[];
}

/** The end of the block `#claim` returned last. */
let claimedEnd = 0;

/** Where touched slots' contents go, so the reads that warm the cache are not optimised away. */
let touchSink = 0;

/** Names the guard that threw: the compiled scan does not say which one did. */
function guardFailure(
  instance: ModelInstance,
  state: unknown,
  depth: number,
  error: unknown,
  failure: (where: string, depth: number, error: unknown) => Error,
): Error {
  for (const act of instance.actions) {
    try {
      const result = act.guard === undefined ? true : act.guard(state, act.label.params);
      if (typeof result !== "boolean") notBoolean(result);
    } catch (culprit) {
      return failure(`guard of action ${act.text}`, depth, culprit);
    }
  }
  return failure("a guard", depth, error);
}

/** The state `words` as JSON. */
function show(instance: ModelInstance, words: Uint32Array): string {
  const copy = words.slice();
  return JSON.stringify(toValue(createView(copy, instance.shape)));
}

/** What a second expansion of sample state `id` showed: the model is not a function of the state. */
function nondeterminism(
  instance: ModelInstance,
  id: number,
  depth: number,
  state: Uint32Array,
  what: string,
  first: number,
  second: number,
): InputError {
  const who = (w: number) => (w === 0 ? "the main thread" : `worker thread ${w}`);
  const where = first === second
    ? `two evaluations in ${who(first)}`
    : `evaluations in ${who(first)}, then in ${who(second)}`;
  return atSite(
    new InputError(
      `Model ${instance.name} is nondeterministic: expanding state #${id} (depth ${depth}), ${
        show(instance, state)
      }, twice (${where}), ${what}. Guards, effects and properties must depend only on the state and ` +
        `the action's parameters: not on Math.random, a global or closure variable that changes, or a ` +
        `module-level value that differs between worker threads.`,
    ),
    { state: id },
  );
}
