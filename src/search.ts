/**
 * Breadth-first search, level by level, over packed states.
 *
 * The coordinator below reads top to bottom, once per segment of a level: the workers claim blocks of
 * the segment and expand them (src/level_worker.ts) -> barrier -> decide transition properties and
 * deadlocks -> each worker inserts the successors its shard owns -> barrier -> merge the new states by
 * key into the next level, recording each one's parent id and action -> decide invariants and
 * witnesses -> check limits. Levels finish in order, so the first violation of each property is at
 * the smallest depth: every counterexample is a shortest one; and since keys order states exactly as
 * a sequential search finds them, the counts, ids and counterexamples are the same for any number of
 * workers.
 *
 * The coordinator is a generator that yields each phase's tasks: `search` runs them on one in-thread
 * worker, `searchParallel` (src/parallel_search.ts) on the calling thread and worker threads. One
 * loop, two drivers.
 *
 * The merge of a segment's new states is the one piece of a segment that only the calling thread
 * does. Nothing in the next segment's expand phase reads what it writes (the next level, the parents
 * and actions of new states), so it is handed to the driver with that phase's tasks, and the calling
 * thread runs it while the other workers have started expanding: they claim the blocks it would have
 * taken, and no worker waits for the merge. Whatever does read the merged data (a checkpoint, the
 * progress line, the end of a level, the outcome) runs the pending merge first.
 *
 * @module
 */

import { ChunkedArray } from "./chunked_array.ts";
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
  type RestoreTask,
  type Run,
  type SampleBatch,
} from "./level_worker.ts";
import {
  identityOf,
  prepareCheckpointDir,
  recordsOf,
  type SearchState,
  writeCheckpoint,
} from "./checkpoint.ts";
import { InputError } from "./errors.ts";
import { fileProblem } from "./file_errors.ts";
import { heartbeat, searchDone } from "./heartbeat.ts";
import { checkRestored } from "./restored_search.ts";
import { ChunkPool, FrontierStore } from "./frontier_store.ts";
import type { ModelInstance } from "./model.ts";
import { isSafety, PROPERTY_KINDS, type PropertyKindRule } from "./properties.ts";
import { createView } from "./state_view.ts";
import { modelFailure } from "./model_failure.ts";
import { TracedError } from "./failure_site.ts";
import { traceToFailure } from "./trace.ts";
import { entryPieces, type VisitedReader, type VisitedSnapshot } from "./visited_set.ts";

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
  /** Memory budget in bytes: the frontier spills past a fifth of it; the run stops before exceeding it. */
  readonly memoryBytes?: number;
  /** Bytes of each BFS level kept in memory before it spills (default: a fifth of the budget). */
  readonly frontierMemoryBytes?: number;
  /** States expanded per phase (default 2^16); a checkpoint can be taken between any two. */
  readonly segmentStates?: number;
  /** Directory for spilled frontier chunks (default: the system's temporary directory). */
  readonly spillDir?: string;
  /** Write checkpoints into this directory (every `checkpointEverySeconds`, on a limit, on interrupt). */
  readonly checkpointDir?: string;
  readonly checkpointEverySeconds?: number;
  /** Also write a checkpoint when the search ends. */
  readonly checkpointFinal?: boolean;
  /** A checkpoint to continue from (read with readCheckpoint). */
  readonly resume?: SearchState;
  /** Polled between segments: true stops the run with a checkpoint (SIGINT). */
  readonly interrupted?: () => boolean;
  /** Told of problems the run continues through, such as a periodic checkpoint that failed. */
  readonly onWarning?: (message: string) => void;
}

/** A snapshot of a running search. */
export interface Progress {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  /** States waiting to be expanded (this level's rest and the next level so far). */
  readonly queue: number;
  /** Of those, how many are spilled to disk. */
  readonly spilledStates: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly memoryBytes: number;
  readonly memoryBudget: number;
  readonly collisionProbability: number;
}

/** Which limit stopped the search, if any. */
export type LimitHit = "max-states" | "max-depth" | "time" | "memory" | "interrupted" | undefined;

/** The raw outcome of a search: counts, findings, and what trace rebuilding needs. */
export interface SearchOutcome {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  /** Whether every reachable state was explored. */
  readonly complete: boolean;
  readonly limit: LimitHit;
  /** Findings per property index (of the instance's properties, deadlock among them). */
  readonly findings: readonly (Finding | undefined)[];
  readonly fired: readonly number[];
  readonly parents: ChunkedArray;
  readonly actionsTaken: ChunkedArray;
  /** Reads the visited states (all shards). */
  readonly visited: VisitedReader;
  /** Whether a fingerprint collision could have hidden a state. */
  readonly lossy: boolean;
  /** Bytes of the visited set and the per-state arrays. */
  readonly storeBytes: number;
  readonly peakMemoryBytes: number;
  readonly workers: number;
  /** The last checkpoint written, if any. */
  readonly checkpoint?: string;
}

/**
 * The search's per-state arrays, which `coordinate` fills in as soon as it has them, so that a driver
 * can rebuild the run to the state where model code failed (see `withTrace`).
 */
export interface Trail {
  parents?: ChunkedArray;
  actionsTaken?: ChunkedArray;
}

/**
 * `error` with the run to where it happened, when it is a TracedError and the run can be rebuilt (a
 * model too broken to replay keeps its error as it is).
 */
export function withTrace(instance: ModelInstance, trail: Trail, error: unknown): unknown {
  if (!(error instanceof TracedError) || error.trace || !trail.parents || !trail.actionsTaken) return error;
  const store = { parents: trail.parents, actionsTaken: trail.actionsTaken };
  try {
    const trace = traceToFailure(instance, store, error.site, "the model error above happened here");
    return new TracedError(error.message, error.site, {
      ...(error.cause === undefined ? {} : { cause: error.cause }),
      trace,
    });
  } catch {
    return error;
  }
}

/** One phase for every worker. */
export type PhaseRequest =
  | {
    readonly phase: "expand";
    readonly tasks: readonly ExpandTask[];
    /** Work for the calling thread to do before its own task, once the other workers have theirs. */
    readonly serial?: () => void;
  }
  | { readonly phase: "insert"; readonly tasks: readonly InsertTask[] }
  | { readonly phase: "restore"; readonly tasks: readonly RestoreTask[] };

/** The workers' reports, in worker order. */
export type PhaseReply = readonly ExpandReport[] | readonly InsertReport[];

function sampleMemory(): number {
  return Deno.memoryUsage().rss;
}

/**
 * A budget must hold this many states at once (a level chunk of each level, the successor batches,
 * the scratch of a merge): fewer, and the run is refused before it allocates anything.
 */
const MIN_STATES_IN_BUDGET = 256;

/** States expanded per phase: bounds the successor batches whatever the level's size. */
const SEGMENT_STATES = 1 << 16;

/** States a worker claims at a time (see LevelWorker's #claim). */
const CLAIM_BLOCK = 256;

/**
 * The level loop. Yields each phase's tasks, receives the workers' reports; returns the outcome.
 * `workers` is the number of shards and slices. A level is expanded in segments of at most
 * SEGMENT_STATES states, each a full expand-insert-merge round: segments are consecutive in key order,
 * so this changes nothing in the result, and it bounds the memory of the successor batches and lets a
 * checkpoint be taken between any two segments.
 */
export function* coordinate(
  instance: ModelInstance,
  options: SearchOptions,
  workers: number,
  shardReader: () => VisitedReader,
  trail: Trail = {},
): Generator<PhaseRequest, SearchOutcome, PhaseReply> {
  const started = performance.now();
  heartbeat();
  const width = instance.words;
  const properties = instance.properties;
  const deadlockIndex = properties.findIndex((p) => p.kind === "deadlock");
  const findings: (Finding | undefined)[] = new Array(properties.length);
  const maxStates = options.maxStates ?? Infinity;
  const maxDepth = options.maxDepth ?? Infinity;
  const deadline = options.timeLimitSeconds === undefined
    ? Infinity
    : Date.now() + options.timeLimitSeconds * 1000;
  const progressEvery = (options.progressIntervalSeconds ?? 2) * 1000;
  const budget = options.memoryBytes ?? Infinity;
  const checkpointEvery = (options.checkpointEverySeconds ?? 300) * 1000;
  const parents = new ChunkedArray();
  const actionsTaken = new ChunkedArray(Math.max(instance.actions.length, instance.inits.length));
  const fired = new Array<number>(instance.actions.length).fill(0);
  trail.parents = parents;
  trail.actionsTaken = actionsTaken;
  const shared = workers > 1;
  /** The next unclaimed state of each worker's region of the segment being expanded. */
  const claim = new Int32Array(shared ? new SharedArrayBuffer(4 * workers) : new ArrayBuffer(4 * workers));
  /** Scratch for merging the shards' new states. */
  const merged = new GrowableUint32Array(1 << 12);
  let shards: VisitedSnapshot[] | undefined;
  let shardBytes = 0;
  let peakMemory = sampleMemory();
  let lastProgress = started;
  let lastCheckpoint = started;
  let checkpointPath: string | undefined;
  let spillDir: string | undefined;
  // Level chunks are the segments: a level is expanded a chunk at a time. A chunk takes at most a
  // fortieth of the budget (an eighth of a level's memory share), so wide states make short segments.
  const stateBytes = 4 * width;
  if (stateBytes * MIN_STATES_IN_BUDGET > budget) {
    throw new InputError(
      `A state of model ${instance.name} takes ${stateBytes} bytes (${width} words), and the memory budget of ` +
        `${budget} bytes cannot hold the ${MIN_STATES_IN_BUDGET} states a search keeps at once; give a ` +
        `larger --memory or make the state smaller.`,
    );
  }
  const chunkStates = Math.max(
    1,
    Math.min(options.segmentStates ?? SEGMENT_STATES, Math.floor(budget / 40 / stateBytes)),
  );
  const pool = new ChunkPool(width, chunkStates, { shared });
  const newStore = () =>
    new FrontierStore(pool, {
      // The frontier keeps a fifth of the budget in memory; the rest of a level spills to disk.
      memoryLimit: options.frontierMemoryBytes ??
        (Number.isFinite(budget) ? Math.max(1 << 20, budget / 5) : Infinity),
      spillDir: () => spillDir ??= makeSpillDir(options.spillDir),
    });

  /** Undecided properties checked on `on` (see PROPERTY_KINDS), those whose finding is a `finding`. */
  const undecided = (on: PropertyKindRule["checkedOn"], finding?: PropertyKindRule["finding"]) =>
    properties.flatMap((p, i) => {
      const rule = PROPERTY_KINDS[p.kind];
      const wanted = rule.checkedOn === on && (finding === undefined || rule.finding === finding);
      return wanted && findings[i] === undefined ? [i] : [];
    });
  const decideFirst = (candidates: readonly Finding[]) => {
    const best = new Map<number, Finding>();
    for (const f of candidates) {
      const known = best.get(f.property);
      if (!known || keyOf(f.parent, f.action) < keyOf(known.parent, known.action)) best.set(f.property, f);
    }
    for (const [property, finding] of best) findings[property] ??= finding;
  };
  const violationFound = () => findings.some((f, i) => f !== undefined && isSafety(properties[i]!.kind));
  const allDecided = () =>
    findings.length > 0 && [...findings.keys()].every((i) => findings[i] !== undefined);

  let current = newStore(), next = newStore();
  let distinct = 0, transitions = 0, depth = 0;
  let currentFirstId = 0, nextFirstId = 0;
  let secondsBefore = 0;
  let limit: LimitHit;
  let stopped = false;
  /** The last segment's merge, when it has not run yet, and how many states it appends. */
  let pendingMerge: (() => void) | undefined;
  let pendingStates = 0;
  const finishMerge = () => {
    pendingMerge?.();
    pendingMerge = undefined;
    pendingStates = 0;
  };

  /** Inserts the inboxes; the new states are merged by key into the next level by `pendingMerge`. */
  function* insertSegment(
    perShard: Run[][],
    levelDepth: number,
    recheck: readonly SampleBatch[] = [],
  ): Generator<PhaseRequest, void, PhaseReply> {
    const invariants = undecided("state", "violation"), witnesses = undecided("state", "witness");
    const reports = (yield {
      phase: "insert",
      tasks: perShard.map((inboxes, s) => ({
        inboxes,
        depth: levelDepth,
        invariants,
        witnesses,
        ...(recheck[s] ? { recheck: recheck[s] } : {}),
      })),
    }) as readonly InsertReport[];
    shards = reports.map((r) => r.shard);
    shardBytes = reports.reduce((sum, r) => sum + r.shardBytes, 0);
    decideFirst(reports.flatMap((r) => r.findings));
    const total = reports.reduce((sum, r) => sum + r.added.length / width, 0);
    const room = Math.min(total, maxStates - distinct);
    if (room < total) limit = "max-states";
    pendingMerge = () => mergeByKey(reports, room, width, next, parents, actionsTaken, merged);
    pendingStates = room;
    distinct += room;
  }

  const state = (): SearchState => ({
    distinct,
    transitions,
    depth,
    currentFirstId,
    nextFirstId,
    seconds: secondsBefore + (performance.now() - started) / 1000,
    findings: findings.map((f) => f ?? null),
    fired,
    parents: parents.pieces(),
    actions: actionsTaken.pieces(),
    visited: { [Symbol.iterator]: () => visitedPieces(shards ?? [], width) },
    current: current.pieces(),
    next: next.pieces(),
  });
  const identity = identityOf(instance, options.exact === true);
  const warn = options.onWarning ?? ((message: string) => console.error(`hvcheck: warning: ${message}`));
  /**
   * Writes a checkpoint. One that fails (a full disk, a read-only folder) leaves the previous one in
   * place, which stays the run's checkpoint; the run goes on, or stops as it was about to.
   */
  const checkpoint = () => {
    if (options.checkpointDir === undefined) return;
    finishMerge();
    lastCheckpoint = performance.now();
    try {
      checkpointPath = writeCheckpoint(options.checkpointDir, identity, state());
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      warn(
        `${error.message} ` +
          (checkpointPath ? `The previous checkpoint ${checkpointPath} is kept.` : `No checkpoint is kept.`),
      );
    }
  };
  if (options.checkpointDir !== undefined) prepareCheckpointDir(options.checkpointDir, identity);

  if (options.resume) {
    // Continue where a checkpoint stopped: counters, findings, per-state arrays, shards, levels.
    const saved = options.resume;
    distinct = saved.distinct;
    transitions = saved.transitions;
    depth = saved.depth;
    currentFirstId = saved.currentFirstId;
    nextFirstId = saved.nextFirstId;
    secondsBefore = saved.seconds;
    saved.findings.forEach((f, i) => findings[i] = f ?? undefined);
    saved.fired.forEach((n, a) => fired[a] = n);
    for (const piece of saved.parents) for (const p of piece) parents.push(p);
    for (const piece of saved.actions) for (const a of piece) actionsTaken.push(a);
    for (const piece of recordsOf(saved.current, width)) current.append(piece, 0, piece.length / width);
    for (const piece of recordsOf(saved.next, width)) next.append(piece, 0, piece.length / width);
    let visitedEntries = 0;
    for (const piece of recordsOf(saved.visited, options.exact ? width : 2)) {
      visitedEntries += piece.length / (options.exact ? width : 2);
      const reports = (yield {
        phase: "restore",
        tasks: Array.from({ length: workers }, () => ({ visited: piece })),
      }) as readonly InsertReport[];
      shards = reports.map((r) => r.shard);
      shardBytes = reports.reduce((sum, r) => sum + r.shardBytes, 0);
      heartbeat();
    }
    // Nothing restored is believed before it agrees with itself and with the model.
    checkRestored(instance, {
      distinct,
      depth,
      currentFirstId,
      nextFirstId,
      current: current.length,
      next: next.length,
      visited: visitedEntries,
      fired: saved.fired.length,
      findings: saved.findings.length,
      expectedFindings: findings.length,
      parents,
      actionsTaken,
      reader: shardReader(),
      found: findings,
    });
  } else {
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
    yield* insertSegment(inboxes.map((inbox) => [{ data: inbox.data, from: 0, to: inbox.length }]), 0);
    finishMerge();
    [current, next] = [next, current];
    nextFirstId = distinct;
  }

  levels: while ((current.length > 0 || next.length > 0) && limit === undefined && !stopped) {
    const atDepthLimit = depth >= maxDepth;
    for (let segment = current.first(); segment !== undefined; segment = current.first()) {
      const segmentSize = segment.length / width;
      const checkDeadlock = undecided("deadlock").length > 0;
      const transitionChecks = undecided("transition"), assertionChecks = undecided("effect");
      for (let w = 0; w < workers; w++) claim[w] = Math.floor((w * segmentSize) / workers);
      const serial = pendingMerge;
      pendingMerge = undefined;
      pendingStates = 0;
      const expandReports = (yield {
        phase: "expand",
        ...(serial ? { serial } : {}),
        tasks: Array.from({ length: workers }, (): ExpandTask => ({
          frontier: segment,
          size: segmentSize,
          claim,
          block: CLAIM_BLOCK,
          firstId: currentFirstId,
          depth,
          atDepthLimit,
          transitionChecks,
          assertionChecks,
          checkDeadlock,
          deadline,
          ...(shards && atDepthLimit ? { shards } : {}),
        })),
      }) as readonly ExpandReport[];
      heartbeat();
      for (const r of expandReports) {
        transitions += r.transitions;
        r.fired.forEach((n, a) => fired[a]! += n);
      }
      decideFirst(expandReports.flatMap((r) => r.findings));
      const deadlocked = expandReports.map((r) => r.deadlock).filter((id) => id >= 0);
      if (deadlocked.length && findings[deadlockIndex] === undefined) {
        const id = Math.min(...deadlocked);
        findings[deadlockIndex] = {
          property: deadlockIndex,
          parent: parents.get(id),
          action: actionsTaken.get(id),
          length: depth,
        };
      }
      if (expandReports.some((r) => r.timedOut) || Date.now() > deadline) {
        limit = "time";
        break levels;
      }
      if (atDepthLimit) {
        if (expandReports.some((r) => r.depthLimitHit)) limit = "max-depth";
        currentFirstId += segmentSize;
        current.releaseFirst();
        continue;
      }
      const perShard = Array.from({ length: workers }, (_, s) =>
        expandReports.flatMap((r) => {
          const { data, length } = r.outboxes[s]!, starts = r.runStarts[s]!;
          return [0, ...starts].map((from, k): Run => ({ data, from, to: starts[k] ?? length }));
        }));
      // Each worker expands again the sample states the previous worker expanded (with one worker, its
      // own, later): what differs between two evaluations or two threads is seen (see #recordSample).
      const recheck = expandReports.map((_, w): SampleBatch => {
        const from = (w + workers - 1) % workers, { data, length } = expandReports[from]!.samples;
        return { data, length, worker: from };
      });
      yield* insertSegment(perShard, depth + 1, recheck);
      currentFirstId += segmentSize;
      current.releaseFirst();
      if (limit !== undefined) break levels;

      const memory = sampleMemory();
      peakMemory = Math.max(peakMemory, memory);
      // What the next segment may add must still fit: its new states, which make some of the visited
      // tables grow by half in place (one at a time: an eighth of the set is room for 16 of the 64),
      // a chunk of each per-state array and a level chunk; and this segment's new states, which the
      // merge still to run appends (W words, a parent id and an action index each).
      // And a checkpoint written at the stop: its compressed streams (parents, actions, levels) leave up
      // to about their input's size in buffers the garbage collector has not reclaimed yet (measured on
      // page_ownership N=11 at a 160 MiB budget: 16 MiB for 19 MiB of input).
      const checkpointReserve = options.checkpointDir === undefined
        ? 0
        : 4 * (parents.length + actionsTaken.length) + 4 * width * (current.length + next.length);
      const growth = shardBytes / 8 + parents.chunkBytes + actionsTaken.chunkBytes + pool.chunkWords * 4 +
        pendingStates * (4 * width + 8) + checkpointReserve;
      if (memory + growth > budget) {
        limit = "memory";
        checkpoint();
        break levels;
      }
      if (options.interrupted?.()) {
        limit = "interrupted";
        checkpoint();
        break levels;
      }
      const now = performance.now();
      if (options.checkpointDir !== undefined && now - lastCheckpoint >= checkpointEvery) checkpoint();
      if (options.onProgress && now - lastProgress >= progressEvery) {
        finishMerge();
        lastProgress = now;
        const seconds = secondsBefore + (now - started) / 1000;
        const usage = next.usage;
        options.onProgress({
          distinctStates: distinct,
          transitions,
          depth,
          queue: current.length + next.length,
          spilledStates: usage.spilledStates + current.usage.spilledStates,
          seconds,
          statesPerSecond: distinct / seconds,
          memoryBytes: memory,
          memoryBudget: budget,
          collisionProbability: options.exact ? 0 : (distinct * (distinct - 1)) / 2 ** 65,
        });
      }
    }
    finishMerge();
    if (atDepthLimit) break;
    // The level is done: the next one becomes current.
    current.dispose();
    [current, next] = [next, newStore()];
    currentFirstId = nextFirstId;
    nextFirstId = distinct;
    if (current.length > 0) depth++;
    if (allDecided() || (options.stopOnViolation && violationFound())) stopped = current.length > 0;
  }
  finishMerge();
  if (limit === undefined && options.checkpointDir !== undefined && options.checkpointFinal) checkpoint();
  current.dispose();
  next.dispose();
  if (spillDir) Deno.removeSync(spillDir, { recursive: true });
  peakMemory = Math.max(peakMemory, sampleMemory());
  searchDone();
  return {
    distinctStates: distinct,
    transitions,
    depth,
    seconds: secondsBefore + (performance.now() - started) / 1000,
    complete: !stopped && limit === undefined,
    limit,
    findings,
    fired,
    parents,
    actionsTaken,
    visited: shardReader(),
    lossy: !options.exact,
    storeBytes: shardBytes + parents.bytes + actionsTaken.bytes,
    peakMemoryBytes: peakMemory,
    workers,
    ...(checkpointPath ? { checkpoint: checkpointPath } : {}),
  };
}

/**
 * A fresh folder for a run's spilled levels, inside `parent` (created when first needed; default the
 * system's temporary folder). A folder that cannot be made is bad input naming it.
 */
function makeSpillDir(parent: string | undefined): string {
  try {
    if (parent !== undefined) Deno.mkdirSync(parent, { recursive: true });
    return Deno.makeTempDirSync({
      prefix: "hvcheck-spill-",
      ...(parent !== undefined ? { dir: parent } : {}),
    });
  } catch (error) {
    throw fileProblem(error, `Could not create a spill folder in ${parent ?? "the temporary folder"}`) ??
      error;
  }
}

/** Every shard's entries, a piece at a time. */
function* visitedPieces(shards: readonly VisitedSnapshot[], width: number): Generator<Uint32Array> {
  for (const shard of shards) yield* entryPieces(shard, width);
}

/**
 * Appends the first `count` of the shards' new states to the next level, merged by key (the order a
 * sequential search finds them in), and their parents and actions to the per-state arrays. The states
 * are merged into `merged` (scratch) and appended at once: an append per state cost 3x as much.
 */
function mergeByKey(
  reports: readonly InsertReport[],
  count: number,
  width: number,
  next: FrontierStore,
  parents: ChunkedArray,
  actions: ChunkedArray,
  merged: GrowableUint32Array,
): void {
  if (reports.length === 1) {
    const keys = reports[0]!.addedKeys.data;
    next.append(reports[0]!.added.data, 0, count);
    for (let n = 0; n < count; n++) {
      parents.push(keys[2 * n]!);
      actions.push(keys[2 * n + 1]!);
    }
    return;
  }
  merged.clear();
  merged.reserve(count * width);
  const target = merged.data;
  const heads = new Array<number>(reports.length).fill(0);
  for (let n = 0, at = 0; n < count; n++, at += width) {
    let best = -1, bestParent = 0, bestAction = 0;
    for (let s = 0; s < reports.length; s++) {
      const keys = reports[s]!.addedKeys, head = 2 * heads[s]!;
      if (head >= keys.length) continue;
      const parent = keys.data[head]!, action = keys.data[head + 1]!;
      if (best < 0 || parent < bestParent || (parent === bestParent && action < bestAction)) {
        best = s;
        bestParent = parent;
        bestAction = action;
      }
    }
    const source = reports[best]!.added.data;
    for (let w = 0, from = heads[best]! * width; w < width; w++) target[at + w] = source[from + w]!;
    heads[best]!++;
    parents.push(bestParent);
    actions.push(bestAction);
  }
  next.append(target, 0, count);
}

/** Runs the loop's phases on one worker in the calling thread; `pause` runs between phases. */
function* inThread(instance: ModelInstance, options: SearchOptions): Generator<void, SearchOutcome, void> {
  const worker = new LevelWorker(instance, 0, 1, options.exact ? { exact: true } : {});
  const trail: Trail = {};
  const loop = coordinate(instance, options, 1, () => worker.shard, trail);
  let step = loop.next();
  while (!step.done) {
    const request = step.value;
    let reply: PhaseReply;
    try {
      if (request.phase === "expand") request.serial?.();
      reply = request.tasks.map((task) => worker.run(request.phase, task)) as PhaseReply;
    } catch (error) {
      throw withTrace(instance, trail, error);
    }
    yield;
    step = loop.next(reply);
  }
  return step.value;
}

/** Breadth-first search of `instance` in the calling thread (one worker, the N=1 case of the loop). */
export function search(instance: ModelInstance, options: SearchOptions = {}): SearchOutcome {
  const run = inThread(instance, options);
  let step = run.next();
  while (!step.done) step = run.next();
  return step.value;
}

/**
 * The same search, letting the event loop run between phases, so that a signal (Ctrl-C) or a timer
 * can be handled while it runs.
 */
export async function searchInThread(
  instance: ModelInstance,
  options: SearchOptions = {},
): Promise<SearchOutcome> {
  const run = inThread(instance, options);
  let step = run.next();
  while (!step.done) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    step = run.next();
  }
  return step.value;
}
