/**
 * Breadth-first search, level by level, over packed states.
 *
 * The coordinator below reads top to bottom, once per level: hand each worker a slice of the level to
 * expand (src/level_worker.ts) -> barrier -> decide transition properties and deadlocks -> each worker
 * inserts the successors its shard owns -> barrier -> merge the new states by key into the next level,
 * recording each one's parent id and action -> decide invariants and witnesses -> check limits. Levels
 * finish in order, so the first violation of each property is at the smallest depth: every
 * counterexample is a shortest one; and since keys order states exactly as a sequential search finds
 * them, the counts, ids and counterexamples are the same for any number of workers.
 *
 * The coordinator is a generator that yields each phase's tasks: `search` runs them on one in-thread
 * worker, `searchParallel` (src/parallel_search.ts) on worker threads. One loop, two drivers.
 *
 * @module
 */

import { InputError } from "./errors.ts";
import { fingerprint } from "./fingerprint.ts";
import { GrowableUint32Array } from "./growable_array.ts";
import {
  type ExpandReport,
  type ExpandTask,
  type Finding,
  type InsertReport,
  type InsertTask,
  keyOf,
  LevelWorker,
  NO_PARENT,
  type Records,
} from "./level_worker.ts";
import type { ModelInstance } from "./model.ts";
import { createView, StateValueError } from "./state_view.ts";
import type { VisitedReader, VisitedSnapshot } from "./visited_set.ts";

export { type Finding, NO_PARENT } from "./level_worker.ts";

/** What stops a search early. */
export interface SearchLimits {
  /** Stop (verdict incomplete) once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Do not explore beyond this many steps from an initial state. */
  readonly maxDepth?: number;
  /** Stop after this many seconds. */
  readonly timeLimitSeconds?: number;
}

/** Options of a search. */
export interface SearchOptions extends SearchLimits {
  /** Store full states (no collision can hide a state) instead of 64-bit fingerprints. */
  readonly exact?: boolean;
  /** Stop after the level where the first violation is found instead of deciding every property. */
  readonly stopOnViolation?: boolean;
  /** Called every `progressIntervalSeconds` (default 2) while the search runs. */
  readonly onProgress?: (progress: Progress) => void;
  readonly progressIntervalSeconds?: number;
}

/** A snapshot of a running search. */
export interface Progress {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly memoryBytes: number;
}

/** Which limit stopped the search, if any. */
export type LimitHit = "max-states" | "max-depth" | "time" | undefined;

/** The raw outcome of a search: counts, findings, and what trace rebuilding needs. */
export interface SearchOutcome {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  /** Whether every reachable state was explored. */
  readonly complete: boolean;
  readonly limit: LimitHit;
  /** Findings per property index (the model's properties, then deadlock last when enabled). */
  readonly findings: readonly (Finding | undefined)[];
  readonly fired: readonly number[];
  readonly parents: GrowableUint32Array;
  readonly actionsTaken: GrowableUint32Array;
  /** Reads the visited states (all shards). */
  readonly visited: VisitedReader;
  /** Whether a fingerprint collision could have hidden a state. */
  readonly lossy: boolean;
  /** Bytes of the visited set and the per-state arrays. */
  readonly storeBytes: number;
  readonly peakMemoryBytes: number;
  readonly workers: number;
}

/** One phase for every worker. */
export type PhaseRequest =
  | { readonly phase: "expand"; readonly tasks: readonly ExpandTask[] }
  | { readonly phase: "insert"; readonly tasks: readonly InsertTask[] };

/** The workers' reports, in worker order. */
export type PhaseReply = readonly ExpandReport[] | readonly InsertReport[];

/** Turns a throw in model code (or a value outside a domain) into a one-paragraph InputError. */
export function modelFailure(instance: ModelInstance, where: string, depth: number, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof StateValueError
    ? `set a value outside its domain: ${error.message}`
    : `threw ${(error as Error)?.name ?? "an error"}: ${(error as Error)?.message ?? String(error)}`;
  return new InputError(`Model ${instance.name}, ${where} at depth ${depth}, ${message}.`, { cause: error });
}

function sampleMemory(): number {
  return Deno.memoryUsage().rss;
}

/**
 * The level loop. Yields each phase's tasks, receives the workers' reports; returns the outcome.
 * `workers` is the number of shards and slices.
 */
export function* coordinate(
  instance: ModelInstance,
  options: SearchOptions,
  workers: number,
  shardReader: () => VisitedReader,
): Generator<PhaseRequest, SearchOutcome, PhaseReply> {
  const started = performance.now();
  const width = instance.words;
  const stride = width + 2;
  const properties = instance.properties;
  const deadlockIndex = instance.deadlock ? properties.length : -1;
  const findings: (Finding | undefined)[] = new Array(properties.length + (instance.deadlock ? 1 : 0));
  const maxStates = options.maxStates ?? Infinity;
  const maxDepth = options.maxDepth ?? Infinity;
  const deadline = options.timeLimitSeconds === undefined ? Infinity : Date.now() + options.timeLimitSeconds * 1000;
  const progressEvery = (options.progressIntervalSeconds ?? 2) * 1000;
  const parents = new GrowableUint32Array();
  const actionsTaken = new GrowableUint32Array();
  const fired = new Array<number>(instance.actions.length).fill(0);
  const shared = workers > 1;
  let shards: VisitedSnapshot[] | undefined;
  let storeBytes = 0;
  let peakMemory = sampleMemory();
  let lastProgress = started;

  const undecided = (kind: string) =>
    properties.flatMap((p, i) => (p.kind === kind && findings[i] === undefined ? [i] : []));
  const decideFirst = (candidates: readonly Finding[]) => {
    const best = new Map<number, Finding>();
    for (const f of candidates) {
      const known = best.get(f.property);
      if (!known || keyOf(f.parent, f.action) < keyOf(known.parent, known.action)) best.set(f.property, f);
    }
    for (const [property, finding] of best) findings[property] ??= finding;
  };
  const violationFound = () =>
    findings.some((f, i) => f !== undefined && (i === deadlockIndex || properties[i]!.kind !== "sometimes"));
  const allDecided = () => findings.length > 0 && [...findings.keys()].every((i) => findings[i] !== undefined);

  // Level 0: the initial states, routed to their shards as if a virtual root had produced them.
  const inboxes = Array.from({ length: workers }, () => new GrowableUint32Array(64, { shared }));
  const initWords = new Uint32Array(width);
  const initView = createView(initWords, instance.shape);
  const fp = new Uint32Array(2);
  instance.inits.forEach((init, k) => {
    initWords.fill(0);
    try {
      init(initView, instance.params);
    } catch (error) {
      throw modelFailure(instance, `init${instance.inits.length > 1 ? ` #${k}` : ""}`, 0, error);
    }
    instance.canonicalize?.(initWords);
    fingerprint(initWords, 0, width, fp);
    const inbox = inboxes[workers === 1 ? 0 : (fp[0]! >>> 0) % workers]!;
    inbox.pushWords(initWords, 0, width);
    inbox.pushWords(fp, 0, 2);
    inbox.push(NO_PARENT);
    inbox.push(k);
  });
  let frontier: Records = { data: new Uint32Array(0), length: 0 };
  let distinct = 0, transitions = 0, depth = 0, levelFirstId = 0;
  let limit: LimitHit;
  let stopped = false;

  /** Inserts the inboxes and merges the new states into the next level (cut short by maxStates). */
  function* insertLevel(perShard: Records[][], levelDepth: number): Generator<PhaseRequest, void, PhaseReply> {
    const invariants = undecided("always"), witnesses = undecided("sometimes");
    const reports = (yield {
      phase: "insert",
      tasks: perShard.map((inboxes) => ({ inboxes, depth: levelDepth, invariants, witnesses })),
    }) as readonly InsertReport[];
    shards = reports.map((r) => r.shard);
    storeBytes = reports.reduce((sum, r) => sum + r.shardBytes, 0);
    decideFirst(reports.flatMap((r) => r.findings));
    // Merge the shards' new states by key: the order a sequential search would have found them in.
    const lists = reports.map((r) => r.added);
    const total = lists.reduce((sum, l) => sum + l.length / stride, 0);
    const room = Math.min(total, maxStates - distinct);
    if (room < total) limit = "max-states";
    const merged = new GrowableUint32Array(Math.max(16, room * stride), { shared });
    const heads = lists.map(() => 0);
    for (let n = 0; n < room; n++) {
      let best = -1, bestKey = Infinity;
      for (let s = 0; s < lists.length; s++) {
        const at = heads[s]! * stride;
        if (at >= lists[s]!.length) continue;
        const data = lists[s]!.data;
        const key = keyOf(data[at + width]!, data[at + width + 1]!);
        if (key < bestKey) {
          bestKey = key;
          best = s;
        }
      }
      const data = lists[best]!.data, at = heads[best]!++ * stride;
      merged.pushWords(data, at, stride);
      parents.push(data[at + width]!);
      actionsTaken.push(data[at + width + 1]!);
    }
    levelFirstId = distinct;
    distinct += room;
    frontier = { data: merged.data, length: merged.length };
  }

  yield* insertLevel(inboxes.map((inbox) => [{ data: inbox.data, length: inbox.length }]), 0);

  while (frontier.length > 0 && limit === undefined && !stopped) {
    const levelSize = frontier.length / stride;
    const atDepthLimit = depth >= maxDepth;
    const checkDeadlock = deadlockIndex >= 0 && findings[deadlockIndex] === undefined;
    const transitionChecks = undecided("transition");
    const slice = Math.ceil(levelSize / workers);
    const expandReports = (yield {
      phase: "expand",
      tasks: Array.from({ length: workers }, (_, w): ExpandTask => ({
        frontier,
        from: Math.min(levelSize, w * slice),
        to: Math.min(levelSize, (w + 1) * slice),
        firstId: levelFirstId,
        depth,
        atDepthLimit,
        transitionChecks,
        checkDeadlock,
        deadline,
        ...(shards ? { shards } : {}),
      })),
    }) as readonly ExpandReport[];
    for (const r of expandReports) {
      transitions += r.transitions;
      r.fired.forEach((n, a) => fired[a]! += n);
    }
    decideFirst(expandReports.flatMap((r) => r.findings));
    const deadlocked = expandReports.map((r) => r.deadlock).filter((id) => id >= 0);
    if (deadlocked.length && findings[deadlockIndex] === undefined) {
      const id = Math.min(...deadlocked);
      findings[deadlockIndex] = { property: deadlockIndex, parent: parents.get(id), action: actionsTaken.get(id), length: depth };
    }
    if (expandReports.some((r) => r.timedOut) || Date.now() > deadline) {
      limit = "time";
      break;
    }
    if (atDepthLimit) {
      if (expandReports.some((r) => r.depthLimitHit)) limit = "max-depth";
      break;
    }
    const perShard = Array.from({ length: workers }, (_, s) => expandReports.map((r) => r.outboxes[s]!));
    yield* insertLevel(perShard, depth + 1);
    if (frontier.length > 0) depth++;
    peakMemory = Math.max(peakMemory, sampleMemory());
    if (allDecided() || (options.stopOnViolation && violationFound())) stopped = frontier.length > 0;
    const now = performance.now();
    if (options.onProgress && now - lastProgress >= progressEvery) {
      lastProgress = now;
      const seconds = (now - started) / 1000;
      options.onProgress({
        distinctStates: distinct,
        transitions,
        depth,
        queue: frontier.length / stride,
        seconds,
        statesPerSecond: distinct / seconds,
        memoryBytes: peakMemory,
      });
    }
  }
  peakMemory = Math.max(peakMemory, sampleMemory());
  return {
    distinctStates: distinct,
    transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    complete: !stopped && limit === undefined,
    limit,
    findings,
    fired,
    parents,
    actionsTaken,
    visited: shardReader(),
    lossy: !options.exact,
    storeBytes: storeBytes + parents.bytes + actionsTaken.bytes,
    peakMemoryBytes: peakMemory,
    workers,
  };
}

/** Breadth-first search of `instance` in the calling thread (one worker, the N=1 case of the loop). */
export function search(instance: ModelInstance, options: SearchOptions = {}): SearchOutcome {
  const worker = new LevelWorker(instance, 0, 1, options.exact ? { exact: true } : {});
  const failure = (where: string, depth: number, error: unknown) => modelFailure(instance, where, depth, error);
  const loop = coordinate(instance, options, 1, () => worker.shard);
  let step = loop.next();
  while (!step.done) {
    const request = step.value;
    const reply: PhaseReply = request.phase === "expand"
      ? request.tasks.map((task) => worker.expand(task, failure))
      : request.tasks.map((task) => worker.insert(task, failure));
    step = loop.next(reply);
  }
  return step.value;
}
