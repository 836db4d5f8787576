/**
 * The expand phase of one worker: for each state of the blocks it claims (src/search/block_claims.ts),
 * the enabled actions, their effects, the transition properties and assertions on each step, deadlock,
 * and each successor canonicalised, fingerprinted and batched for its shard (src/search/outboxes.ts).
 * Sample states are recorded for a second expansion (src/search/samples.ts).
 *
 * A property's findings are kept only up to its first in each run of keys: the smallest-key one of
 * each property is then among them, whoever expanded what.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { compileActions, type CompiledActions } from "../model/compiled_actions.ts";
import type { ModelInstance } from "../model/model.ts";
import { modelFailure, notBoolean } from "../model/model_failure.ts";
import { AssertionSignal } from "../model/properties.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { createReadonlyView, createView } from "../state/state_view.ts";
import type { Finding, Records } from "../store/keys.ts";
import { atSite } from "../trace/failure_site.ts";
import { BlockClaims, type ClaimTask } from "./block_claims.ts";
import { BATCH, type Outboxes, type RouteTask, type Sent } from "./outboxes.ts";
import { sampled, type Samples } from "./samples.ts";

/** What the expand phase needs. */
export interface ExpandTask extends ClaimTask, RouteTask {
  /** A segment of the level: W words per state. */
  readonly frontier: Records;
  readonly depth: number;
  /** Undecided transition properties. */
  readonly transitionChecks: readonly number[];
  readonly checkDeadlock: boolean;
  /** Date.now() after which the worker stops early. */
  readonly deadline: number;
  /** Undecided assertions: each is reported at its first failure in this run of keys. */
  readonly assertionChecks?: readonly number[];
}

/** What the expand phase reports. */
export interface ExpandReport extends Sent {
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

/** One worker's expansion of the blocks it claims. */
export class ExpandPhase {
  readonly #instance: ModelInstance;
  readonly #width: number;
  readonly #claims: BlockClaims;
  readonly #outboxes: Outboxes;
  readonly #samples: Samples;
  readonly #compiled: CompiledActions;
  /** Indices of the actions enabled in the state being expanded. */
  readonly #enabled: Int32Array;
  readonly #hasBackground: boolean;
  /** Property index of each assertion name. */
  readonly #assertions: Map<string, number>;
  /** The state being expanded, and the successor being made. */
  readonly #current: Uint32Array;
  readonly #next: Uint32Array;
  readonly #nextView: unknown;
  /** Read-only views over the same words, for guards, properties, terminal and withinBoundary. */
  readonly #currentReadonly: unknown;
  readonly #nextReadonly: unknown;
  readonly #fp = new Uint32Array(2);
  // The segment's progress: fields, not locals of `run`, because each block is a call of its own.
  /** Per action instance, how often it fired. */
  readonly #fired: number[];
  /** Undecided transition properties: each is checked until its first violation in this run of keys. */
  #transitionChecks: readonly number[] = [];
  /** Undecided assertions: each is reported at its first failure in this run of keys. */
  #assertionChecks: readonly number[] = [];
  #findings: Finding[] = [];
  #transitions = 0;
  /** Smallest id of a deadlocked state expanded, or -1. */
  #deadlock = -1;
  #expanded = 0;

  constructor(
    instance: ModelInstance,
    worker: number,
    workers: number,
    outboxes: Outboxes,
    samples: Samples,
  ) {
    this.#instance = instance;
    this.#width = instance.words;
    this.#claims = new BlockClaims(worker, workers);
    this.#outboxes = outboxes;
    this.#samples = samples;
    this.#compiled = compileActions(instance.actions);
    this.#enabled = new Int32Array(Math.max(1, instance.actions.length));
    this.#hasBackground = instance.actions.some((a) => a.background);
    this.#assertions = new Map(
      instance.properties.flatMap((p, i) => (p.kind === "assertion" ? [[p.name, i] as const] : [])),
    );
    this.#current = new Uint32Array(this.#width);
    this.#next = new Uint32Array(this.#width);
    this.#nextView = createView(this.#next, instance.shape);
    this.#currentReadonly = createReadonlyView(this.#current, instance.shape);
    this.#nextReadonly = createReadonlyView(this.#next, instance.shape);
    this.#fired = new Array<number>(instance.actions.length).fill(0);
  }

  /**
   * Expands the blocks of the segment this worker claims, a block at a time. A block is a method call
   * of its own, so V8 optimises it as a whole function (a long-running loop nest would run in code
   * compiled on the stack for an inner loop, thrown away each time that loop exits).
   */
  run(task: ExpandTask): ExpandReport {
    const outboxes = this.#outboxes, claims = this.#claims;
    outboxes.startSegment(task);
    this.#samples.clear();
    this.#fired.fill(0);
    this.#findings = [];
    this.#transitions = 0;
    this.#deadlock = -1;
    this.#expanded = 0;
    this.#startRun(task);
    let timedOut = false;
    for (let end = 0; claims.next(task);) {
      if (Date.now() > task.deadline) {
        timedOut = true;
        outboxes.discard();
        break;
      }
      if (claims.start < end) {
        // A block before the ones expanded so far (taken from another worker's region) starts a new
        // run of keys in every outbox, where each undecided property's first finding is looked for again.
        outboxes.startRun();
        this.#startRun(task);
      }
      end = claims.end;
      this.#expandBlock(task, claims.start, end);
    }
    outboxes.flush();
    return {
      ...outboxes.sent(),
      transitions: this.#transitions,
      fired: [...this.#fired],
      findings: this.#findings,
      deadlock: this.#deadlock,
      depthLimitHit: outboxes.depthLimitHit,
      timedOut,
      expanded: this.#expanded,
      samples: this.#samples.records,
    };
  }

  /** A new run of keys: every undecided property is checked again. */
  #startRun(task: ExpandTask): void {
    this.#transitionChecks = [...task.transitionChecks];
    this.#assertionChecks = [...(task.assertionChecks ?? [])];
  }

  /** Expands states `start` to `end` (offsets in the segment). */
  #expandBlock(task: ExpandTask, start: number, end: number): void {
    const findings = this.#findings;
    const instance = this.#instance, width = this.#width;
    const current = this.#current, next = this.#next, fp = this.#fp;
    const currentView = this.#currentReadonly, nextView = this.#nextView, after = this.#nextReadonly;
    const actions = instance.actions, properties = instance.properties;
    const canonicalize = instance.canonicalize;
    const frontier = task.frontier.data;
    const outboxes = this.#outboxes;
    // Successors of several states, fingerprinted before any is looked up.
    const batch = outboxes.batch, batchStride = width + 4;
    let batched = outboxes.batched;
    let transitionChecks = this.#transitionChecks;
    let transitions = this.#transitions, deadlock = this.#deadlock;
    for (let i = start; i < end; i++) {
      const id = task.firstId + i;
      for (let w = 0, at = i * width; w < width; w++) current[w] = frontier[at + w]!;
      if (instance.withinBoundary) {
        let inside: boolean;
        try {
          inside = instance.withinBoundary(currentView);
        } catch (error) {
          throw this.#failure("withinBoundary predicate", task.depth, error, { state: id });
        }
        if (!inside) continue;
      }
      const firstSuccessor = batched;
      let enabledCount: number;
      try {
        enabledCount = this.#compiled.enabled(currentView, this.#enabled);
      } catch (error) {
        throw atSite(guardFailure(instance, currentView, task.depth, error), { state: id });
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
          throw this.#failure("terminal predicate", task.depth, error, { state: id });
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
            if (!task.atDepthLimit) this.#asserted(error, id, a, task.depth);
            continue;
          }
          throw this.#failure(`action ${actions[a]!.text}`, task.depth, error, { state: id, failing: a });
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
              throw this.#failure(
                `property ${property.name} on action ${actions[a]!.text}`,
                task.depth,
                error,
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
        this.#samples.record(
          frontier,
          i * width,
          id,
          this.#enabled,
          enabledCount,
          batch,
          firstSuccessor,
          batched,
        );
      }
      if (batched >= BATCH) {
        outboxes.batched = batched;
        outboxes.flush();
        batched = 0;
      }
    }
    this.#expanded += end - start;
    this.#transitionChecks = transitionChecks;
    this.#transitions = transitions;
    this.#deadlock = deadlock;
    outboxes.batched = batched;
  }

  /** Records the failure of an assertion by action `a`'s effect in state `id`. */
  #asserted(signal: AssertionSignal, id: number, a: number, depth: number): void {
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
    if (!this.#assertionChecks.includes(index)) return;
    this.#findings.push({ property: index, parent: id, action: a, length: depth + 1 });
    this.#assertionChecks = this.#assertionChecks.filter((p) => p !== index);
  }

  /** A throw in model code, as bad input naming the model, the place and the state it was expanding. */
  #failure(
    where: string,
    depth: number,
    error: unknown,
    site: { state: number; failing?: number },
  ): InputError {
    return atSite(modelFailure(this.#instance, where, depth, error), site);
  }
}

/** Names the guard that threw: the compiled scan does not say which one did. */
function guardFailure(instance: ModelInstance, state: unknown, depth: number, error: unknown): InputError {
  for (const act of instance.actions) {
    try {
      const result = act.guard === undefined ? true : act.guard(state, act.label.params);
      if (typeof result !== "boolean") notBoolean(result);
    } catch (culprit) {
      return modelFailure(instance, `guard of action ${act.text}`, depth, culprit);
    }
  }
  return modelFailure(instance, "a guard", depth, error);
}
