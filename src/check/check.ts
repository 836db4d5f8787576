/**
 * `check(model, options)`: the one entry point. It binds parameters, runs the search, rebuilds the
 * counterexamples, and returns a plain result object: verdicts per property, counts, timings and the
 * probability that a fingerprint collision hid a state.
 *
 * @module
 */

import type { Fields, Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import { instantiate, type Model, type ModelInstance } from "../model/model.ts";
import type { Params } from "../model/params.ts";
import {
  isLiveness,
  isSafety,
  type PropertyKind,
  type PropertyStatus,
  statusOf,
} from "../model/properties.ts";
import type { ModelRef } from "../model/model_ref.ts";
import { searchParallel, type WorkerPool } from "../search/parallel_search.ts";
import {
  type Counts,
  type LimitHit,
  search,
  searchInThread,
  type SearchOptions,
  type SearchOutcome,
} from "../search/search.ts";
import { checkSymmetry } from "../model/symmetry.ts";
import { rebuildTrace, type Trace } from "../trace/trace.ts";
import { decideLiveness, refuseUnsoundLiveness } from "../liveness/liveness_run.ts";
import type { LivenessSummary } from "../liveness/liveness_run.ts";

/** Options of `check`: parameter values and search options. */
export interface CheckOptions extends SearchOptions {
  /** Parameter values; the rest take their defaults. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * Threads to search on (default 1: the calling thread). The result is the same for any number. With
   * more than one, each thread imports the model from the module that defined it, which must export it.
   */
  readonly workers?: number;
}

export type { PropertyStatus } from "../model/properties.ts";

/**
 * The verdict of a run: `holds` when every safety property holds and every witness was found,
 * `violated` when a safety property is violated or a witness was not found in the whole space (exit 1),
 * `incomplete` when a limit cut the search before either was decided. `safety` and `witnesses` say which.
 */
export type Verdict = "holds" | "violated" | "incomplete";

/** The safety properties (invariants, transition properties, deadlock) taken together. */
export type SafetyVerdict = "holds" | "violated" | "incomplete";

/** How many of a run's witnesses (`sometimes` properties) were found. */
export interface WitnessCount {
  /** Witnesses the model declares. */
  readonly total: number;
  /** Of those, how many a reachable state satisfies. */
  readonly witnessed: number;
  /** Not witnessed in the whole reachable space. */
  readonly notWitnessed: number;
  /** Neither found nor ruled out, because a limit cut the search. */
  readonly undecided: number;
}

/** One property's result. */
export interface PropertyResult {
  /** The property's name. */
  readonly name: string;
  /** Its kind (see PROPERTY_KINDS). */
  readonly kind: PropertyKind;
  /** What it says, as the model describes it. */
  readonly description: string;
  /** What the search found. */
  readonly status: PropertyStatus;
  /** Number of actions in the (shortest) counterexample or witness. */
  readonly traceLength?: number;
  /** The counterexample (violations) or the witnessing run (witnesses). */
  readonly trace?: Trace;
}

/** How often one declared action fired (over all its parameter values). */
export interface ActionCount {
  /** The declared action. */
  readonly name: string;
  /** Transitions it made, over all its parameter values. */
  readonly fired: number;
}

/** The result of `check`: its counts (see Counts), verdicts and traces. */
export interface CheckResult extends Counts {
  /** The model's name. */
  readonly model: string;
  /** The parameter values the run used (defaults included). */
  readonly params: Readonly<Record<string, Value>>;
  /** The headline: see Verdict. */
  readonly verdict: Verdict;
  /** Whether every safety property holds, one is violated, or the search was cut before deciding. */
  readonly safety: SafetyVerdict;
  /** The witnesses, counted apart from safety: an expected "not witnessed" is not a violation. */
  readonly witnesses: WitnessCount;
  /** The limit that made the run incomplete, if one did. */
  readonly limit?: Exclude<LimitHit, undefined>;
  /** Whether every reachable state was explored. */
  readonly complete: boolean;
  /** Whether full states were stored (no fingerprint collision can hide a state). */
  readonly exact: boolean;
  /** States stored per second. */
  readonly statesPerSecond: number;
  /** Peak resident memory of the process, in bytes. */
  readonly peakMemoryBytes: number;
  /** Bytes held by the visited set and the per-state parent and action arrays. */
  readonly storeBytes: number;
  /** Words per packed state. */
  readonly stateWords: number;
  /**
   * Estimated probability that a fingerprint collision hid a state: n(n-1)/2^65 for n distinct states
   * (see README). 0 in exact mode.
   */
  readonly collisionProbability: number;
  /** TLC's conservative estimate n*g/2^64 for n distinct and g generated states. 0 in exact mode. */
  readonly collisionProbabilityBound: number;
  /** How often each declared action fired. */
  readonly actions: readonly ActionCount[];
  /** Declared actions that never fired: usually a modelling mistake. */
  readonly unfiredActions: readonly string[];
  /** The liveness properties taken together, when the model has any. */
  readonly liveness?: SafetyVerdict;
  /**
   * The liveness pass, when the model has liveness properties and the search explored the whole space:
   * the graph it stored and the time it took.
   */
  readonly livenessGraph?: LivenessSummary;
  /** Every property's result, in the order the model declares them, deadlock last. */
  readonly properties: readonly PropertyResult[];
  /** Threads the search ran on. */
  readonly workers: number;
  /** The last checkpoint the run wrote, if any. */
  readonly checkpoint?: string;
  /**
   * Doubts about the run's soundness: a declared symmetry that sample permutations show the initial
   * states, a property or an action does not respect (the reduction may then hide states).
   */
  readonly warnings: readonly string[];
}

/**
 * Checks a model: explores every reachable state within its bounds and returns each property's status
 * with its shortest counterexample (or witness). The event loop runs between phases of the search, so
 * timers and signals are served while it runs.
 *
 * @example
 * ```ts
 * import { check, defineModel, int } from "../../mod.ts";
 *
 * export const counter = defineModel({
 *   name: "counter",
 *   params: {},
 *   state: () => ({ n: int(0, 3) }),
 *   init: () => {},
 *   actions: (_p, { action }) => [action("inc", { guard: (s) => s.n < 3, effect: (s) => { s.n = s.n + 1; } })],
 *   properties: (_p, { always }) => [always("below_three", (s) => s.n < 3)],
 *   deadlock: false,
 * });
 * const result = await check(counter);
 * console.assert(result.verdict === "violated" && result.properties[0]!.traceLength === 3);
 * ```
 */
export async function check<P extends Params, F extends Fields>(
  model: Model<P, F>,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const instance = instantiate(model as unknown as Model, options.params ?? {});
  const workers = options.workers ?? 1;
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new InputError(`Expected workers to be a whole number of at least 1 but found ${workers}.`);
  }
  if (workers > 1 && model.origin === undefined) {
    throw new InputError(
      `Model ${model.name}: worker threads cannot tell which module defines it; check it with one worker.`,
    );
  }
  // With one worker the search runs in this thread and never reads the reference.
  const ref: ModelRef = { module: model.origin ?? "", modelName: model.name };
  return await checkInstanceParallel(instance, ref, workers, options);
}

/**
 * Checks a model in the calling thread, synchronously: `check` with one worker, for scripts and tests
 * that do not await.
 *
 * @example
 * ```ts
 * import { checkSync, defineModel, int } from "../../mod.ts";
 *
 * const flip = defineModel({
 *   name: "flip",
 *   params: {},
 *   state: () => ({ n: int(0, 1) }),
 *   init: () => {},
 *   actions: (_p, { action }) => [action("flip", { effect: (s) => { s.n = 1 - s.n; } })],
 * });
 * console.assert(checkSync(flip).distinctStates === 2);
 * ```
 */
export function checkSync<P extends Params, F extends Fields>(
  model: Model<P, F>,
  options: Omit<CheckOptions, "workers"> = {},
): CheckResult {
  const instance = instantiate(model as unknown as Model, options.params ?? {});
  return checkInstance(instance, options);
}

/** Checks a model already bound to its parameters, in the calling thread. */
export function checkInstance(instance: ModelInstance, options: SearchOptions = {}): CheckResult {
  refuseUnsoundLiveness(instance, options);
  return summarize(instance, search(instance, options), options);
}

/**
 * Checks a model on `workers` threads (1: in the calling thread; or a pool of threads to reuse). `ref`
 * tells the threads where to import the model from. The result is the same as `checkInstance`'s but for the timings.
 */
export async function checkInstanceParallel(
  instance: ModelInstance,
  ref: ModelRef,
  workers: number | WorkerPool,
  options: SearchOptions = {},
): Promise<CheckResult> {
  refuseUnsoundLiveness(instance, options);
  if (typeof workers === "number" && workers <= 1) {
    return summarize(instance, await searchInThread(instance, options), options);
  }
  return summarize(instance, await searchParallel(instance, ref, workers, options), options);
}

/** Verdicts, counterexamples and counts from a search's raw outcome. */
function summarize(instance: ModelInstance, outcome: SearchOutcome, options: SearchOptions): CheckResult {
  const liveness = decideLiveness(instance, outcome, options);
  const properties = instance.properties.map(({ name, kind, description }, i): PropertyResult => {
    const p = { name, kind, description };
    const decided = liveness?.verdicts.get(i);
    if (decided) {
      const { status, trace } = decided;
      return trace ? { ...p, status, traceLength: trace.actions.length, trace } : { ...p, status };
    }
    const finding = outcome.findings[i];
    const status = statusOf(kind, finding !== undefined, outcome.complete);
    if (!finding) return { ...p, status };
    const trace = rebuildTrace(instance, outcome, finding);
    return { ...p, status, traceLength: finding.length, trace };
  });
  const failed = properties.some((p) => p.status === "violated" || p.status === "not witnessed");
  // Every property decided before the space was exhausted (all witnessed, say) is a definite answer.
  const decided = properties.every((p) => p.status !== "incomplete");
  const limit = outcome.limit ?? liveness?.stopped;
  const complete = outcome.complete && liveness?.stopped === undefined;
  const verdict: Verdict = failed ? "violated" : complete || (decided && !limit) ? "holds" : "incomplete";
  const { safety, witnesses, liveness: livenessVerdict } = splitVerdict(properties);
  const fired = new Map<string, number>(instance.actionNames.map((name) => [name, 0]));
  instance.actions.forEach((a, i) => fired.set(a.label.name, fired.get(a.label.name)! + outcome.fired[i]!));
  const actions = [...fired].map(([name, count]) => ({ name, fired: count }));
  const n = outcome.distinctStates;
  const g = outcome.transitions + instance.inits.length;
  const lossy = outcome.lossy;
  return {
    model: instance.name,
    params: instance.params,
    verdict,
    safety,
    witnesses,
    ...(limit ? { limit } : {}),
    complete,
    exact: !lossy,
    distinctStates: n,
    transitions: outcome.transitions,
    depth: outcome.depth,
    seconds: outcome.seconds,
    statesPerSecond: outcome.seconds > 0 ? n / outcome.seconds : n,
    peakMemoryBytes: Math.max(outcome.peakMemoryBytes, liveness?.peakMemoryBytes ?? 0),
    storeBytes: outcome.storeBytes,
    stateWords: instance.words,
    collisionProbability: lossy ? Math.min(1, (n * (n - 1)) / 2 ** 65) : 0,
    collisionProbabilityBound: lossy ? Math.min(1, (n * g) / 2 ** 64) : 0,
    actions,
    unfiredActions: actions.filter((a) => a.fired === 0).map((a) => a.name),
    ...(livenessVerdict ? { liveness: livenessVerdict } : {}),
    ...(liveness?.summary ? { livenessGraph: liveness.summary } : {}),
    properties,
    workers: outcome.workers,
    ...(outcome.checkpoint ? { checkpoint: outcome.checkpoint } : {}),
    warnings: [...(instance.canonicalize ? checkSymmetry(instance) : []), ...(liveness?.warnings ?? [])],
  };
}

/** Safety, liveness and witnesses apart, as the kinds table says (src/model/properties.ts). */
export function splitVerdict(
  properties: readonly PropertyResult[],
): { safety: SafetyVerdict; witnesses: WitnessCount; liveness?: SafetyVerdict } {
  const together = (group: readonly PropertyResult[]): SafetyVerdict =>
    group.some((p) => p.status === "violated")
      ? "violated"
      : group.some((p) => p.status === "incomplete")
      ? "incomplete"
      : "holds";
  const safetyProperties = properties.filter((p) => isSafety(p.kind) && !isLiveness(p.kind));
  const livenessOnes = properties.filter((p) => isLiveness(p.kind));
  const positive = properties.filter((p) => !isSafety(p.kind));
  const safety = together(safetyProperties);
  const count = (status: PropertyStatus) => positive.filter((p) => p.status === status).length;
  return {
    ...(livenessOnes.length > 0 ? { liveness: together(livenessOnes) } : {}),
    safety,
    witnesses: {
      total: positive.length,
      witnessed: count("witnessed"),
      notWitnessed: count("not witnessed"),
      undecided: count("incomplete"),
    },
  };
}
