/**
 * Breadth-first search, level by level, over packed states: the loop below, once per segment of a
 * level (at most 2^16 states):
 *
 *   expand (every worker claims blocks of the segment: guards, effects, transition properties,
 *   fingerprints; successors go to the shard that owns them) -> decide transition properties and
 *   deadlock -> insert (each worker inserts its shard's successors in key order and checks the new
 *   states' invariants and witnesses) -> decide them -> merge the new states by key into the next
 *   level -> limits, memory, checkpoint, progress.
 *
 * Levels finish in order, so the first violation of each property is at the smallest depth (every
 * counterexample is a shortest one), and since keys order states exactly as a sequential search finds
 * them, the counts, ids and counterexamples are the same for any number of workers.
 *
 * The loop is a generator that yields each phase's tasks and receives the workers' reports: one loop,
 * whatever runs the phases (src/search/search.ts in the calling thread, src/search/parallel_search.ts
 * on threads); each worker's part of a phase is src/search/level_worker.ts. Its collaborators: the
 * levels and their deferred merge (src/search/levels.ts), the findings (src/search/findings.ts), the
 * limits, budget, checkpoints and progress (src/search/run_control.ts).
 *
 * @module
 */

import { identityOf, recordsOf, type SearchState } from "./checkpoint.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { Findings } from "./findings.ts";
import { GrowableUint32Array } from "../store/growable_array.ts";
import { heartbeat, searchDone } from "./heartbeat.ts";
import { type KeyedRun, NO_PARENT } from "../store/keys.ts";
import { resetClaims } from "./block_claims.ts";
import type { ExpandReport, ExpandTask } from "./expand_phase.ts";
import type { InsertReport } from "./insert_phase.ts";
import type { SampleBatch } from "./samples.ts";
import { Levels } from "./levels.ts";
import type { ModelInstance } from "../model/model.ts";
import { modelFailure } from "../model/model_failure.ts";
import { checkRestored } from "./restored_search.ts";
import { levelMemory, RunControl, segmentStates } from "./run_control.ts";
import type {
  Counts,
  PhaseReply,
  PhaseRequest,
  SearchOptions,
  SearchOutcome,
  Trail,
} from "./search_types.ts";
import { ownerOf } from "./shards.ts";
import { createView } from "../state/state_view.ts";
import { entryPieces, type VisitedReader, type VisitedSnapshot } from "../store/visited_set.ts";

/** States a worker claims at a time (see src/search/block_claims.ts). */
const CLAIM_BLOCK = 256;

/** What the loop adds up from the phases' reports, for the counts, the outcome and a checkpoint. */
interface Totals {
  transitions: number;
  readonly fired: number[];
  /** The shards as of the last insert phase, and their size. */
  shards: VisitedSnapshot[];
  shardBytes: number;
}

/**
 * The level loop. `workers` is the number of shards and slices; `shardReader` reads every shard once
 * the search is over; `trail` receives the per-state arrays as soon as they exist, so that a driver can
 * rebuild the run to a model error.
 */
export function* breadthFirst(
  instance: ModelInstance,
  options: SearchOptions,
  workers: number,
  shardReader: () => VisitedReader,
  trail: Trail = {},
): Generator<PhaseRequest, SearchOutcome, PhaseReply> {
  heartbeat();
  const width = instance.words;
  const levels = levelsFor(instance, options, workers);
  trail.parents = levels.parents;
  trail.actionsTaken = levels.actions;
  const findings = new Findings(instance.properties);
  const totals: Totals = { transitions: 0, fired: instance.actions.map(() => 0), shards: [], shardBytes: 0 };
  const identity = identityOf(instance, options.exact === true);
  const counts = (): Counts => ({
    distinctStates: levels.distinct,
    transitions: totals.transitions,
    depth: levels.depth,
    seconds: control.seconds,
  });
  const state = (): SearchState => checkpointState(counts(), levels, findings, totals, width);
  const control: RunControl = new RunControl(options, levels, identity, counts, state);
  /** The next unclaimed state of each worker's region of the segment being expanded. */
  const claim = new Int32Array(
    workers > 1 ? new SharedArrayBuffer(4 * workers) : new ArrayBuffer(4 * workers),
  );

  /** Inserts the shards' inboxes; their new states join the next level when the merge runs. */
  function* insert(
    inboxes: KeyedRun[][],
    depth: number,
    recheck: readonly SampleBatch[] = [],
  ): Generator<PhaseRequest, void, PhaseReply> {
    const invariants = findings.undecided("state", "violation"),
      witnesses = findings.undecided("state", "witness");
    const tasks = inboxes.map((runs, s) => ({
      inboxes: runs,
      depth,
      invariants,
      witnesses,
      ...(recheck[s] ? { recheck: recheck[s] } : {}),
    }));
    const reports = (yield { phase: "insert", tasks }) as readonly InsertReport[];
    keepShards(totals, reports);
    findings.decide(reports.flatMap((r) => r.findings));
    levels.addLater(reports, control.roomFor(reports.reduce((sum, r) => sum + r.added.length / width, 0)));
  }

  if (options.resume) {
    yield* resume(instance, options, workers, levels, findings, totals, control, shardReader);
  } else {
    yield* insert(initialInboxes(instance, workers), 0);
    levels.startFirstLevel();
  }

  levels: while (levels.hasWork && control.running) {
    const atDepthLimit = levels.depth >= control.maxDepth;
    for (let segment = levels.segment(); segment !== undefined; segment = levels.segment()) {
      const size = segment.length / width;
      resetClaims(claim, size);
      const task: ExpandTask = {
        frontier: segment,
        size,
        claim,
        block: CLAIM_BLOCK,
        firstId: levels.currentFirstId,
        depth: levels.depth,
        atDepthLimit,
        ...checksFor(findings),
        deadline: control.deadline,
        ...(atDepthLimit && totals.shards.length ? { shards: totals.shards } : {}),
      };
      const merge = levels.takeMerge();
      const expanded = (yield {
        phase: "expand",
        ...(merge ? { serial: merge } : {}),
        tasks: Array.from({ length: workers }, () => task),
      }) as readonly ExpandReport[];
      heartbeat();
      count(totals, expanded);
      findings.decide(expanded.flatMap((r) => r.findings));
      findings.decideDeadlock(expanded.map((r) => r.deadlock), levels.parents, levels.actions, levels.depth);
      if (control.timeUp(expanded.some((r) => r.timedOut))) break levels;
      if (atDepthLimit) {
        if (expanded.some((r) => r.depthLimitHit)) control.limit = "max-depth";
        levels.finishSegment(size);
        continue;
      }
      yield* insert(routeToShards(expanded, workers), levels.depth + 1, samplesToRecheck(expanded, workers));
      levels.finishSegment(size);
      if (!control.running || control.afterSegment(totals.shardBytes)) break levels;
    }
    if (atDepthLimit || !levels.advance()) break;
    if (findings.allDecided() || (options.stopOnViolation && findings.violationFound())) {
      control.stopped = true;
    }
  }
  levels.finishMerge();
  control.finish();
  levels.dispose();
  searchDone();
  return outcome(counts(), levels, findings, totals, control, shardReader(), options, workers);
}

/** The properties the expand phase checks: those still undecided. */
function checksFor(
  findings: Findings,
): Pick<ExpandTask, "transitionChecks" | "assertionChecks" | "checkDeadlock"> {
  return {
    transitionChecks: findings.undecided("transition"),
    assertionChecks: findings.undecided("effect"),
    checkDeadlock: findings.undecided("deadlock").length > 0,
  };
}

function outcome(
  counts: Counts,
  levels: Levels,
  findings: Findings,
  totals: Totals,
  control: RunControl,
  visited: VisitedReader,
  options: SearchOptions,
  workers: number,
): SearchOutcome {
  return {
    ...counts,
    complete: control.running,
    limit: control.limit,
    findings: findings.list,
    fired: totals.fired,
    parents: levels.parents,
    actionsTaken: levels.actions,
    visited,
    lossy: !options.exact,
    storeBytes: totals.shardBytes + levels.parents.bytes + levels.actions.bytes,
    peakMemoryBytes: control.peakMemory,
    workers,
    ...(control.checkpointPath ? { checkpoint: control.checkpointPath } : {}),
  };
}

function levelsFor(instance: ModelInstance, options: SearchOptions, workers: number): Levels {
  return new Levels({
    width: instance.words,
    maxAction: Math.max(instance.actions.length, instance.inits.length),
    chunkStates: segmentStates(instance.name, instance.words, options),
    memoryLimit: levelMemory(options),
    spillDir: options.spillDir,
    shared: workers > 1,
  });
}

function count(totals: Totals, expanded: readonly ExpandReport[]): void {
  for (const r of expanded) {
    totals.transitions += r.transitions;
    r.fired.forEach((n, a) => totals.fired[a]! += n);
  }
}

function keepShards(totals: Totals, reports: readonly InsertReport[]): void {
  totals.shards = reports.map((r) => r.shard);
  totals.shardBytes = reports.reduce((sum, r) => sum + r.shardBytes, 0);
}

/** Level 0: the initial states, routed to their shards as if a virtual root had produced them. */
function initialInboxes(instance: ModelInstance, workers: number): KeyedRun[][] {
  const width = instance.words;
  const inboxes = Array.from({ length: workers }, () => new GrowableUint32Array(64, { shared: workers > 1 }));
  const words = new Uint32Array(width), view = createView(words, instance.shape), fp = new Uint32Array(2);
  instance.inits.forEach((init, k) => {
    words.fill(0);
    try {
      init(view, instance.params);
    } catch (error) {
      throw modelFailure(instance, `init${instance.inits.length > 1 ? ` #${k}` : ""}`, 0, error);
    }
    instance.canonicalize?.(words);
    fingerprint(words, 0, width, fp);
    const inbox = inboxes[ownerOf(fp[0]!, workers)]!;
    inbox.pushWords(words, 0, width);
    inbox.pushWords(fp, 0, 2);
    inbox.push(NO_PARENT);
    inbox.push(k);
  });
  return inboxes.map((inbox) => [{ data: inbox.data, from: 0, to: inbox.length }]);
}

/** Each shard's inbox: the runs of every worker's outbox for it. */
function routeToShards(expanded: readonly ExpandReport[], workers: number): KeyedRun[][] {
  return Array.from({ length: workers }, (_, s) =>
    expanded.flatMap((r) => {
      const { data, length } = r.outboxes[s]!, starts = r.runStarts[s]!;
      return [0, ...starts].map((from, k): KeyedRun => ({ data, from, to: starts[k] ?? length }));
    }));
}

/**
 * Each worker expands again the sample states the previous worker expanded (with one worker, its own,
 * later): what differs between two evaluations or two threads is seen (see src/search/samples.ts).
 */
function samplesToRecheck(expanded: readonly ExpandReport[], workers: number): SampleBatch[] {
  return expanded.map((_, w): SampleBatch => {
    const from = (w + workers - 1) % workers, { data, length } = expanded[from]!.samples;
    return { data, length, worker: from };
  });
}

/** What a checkpoint keeps of the search as it stands. */
function checkpointState(
  counts: Counts,
  levels: Levels,
  findings: Findings,
  totals: Totals,
  width: number,
): SearchState {
  return {
    ...counts,
    currentFirstId: levels.currentFirstId,
    nextFirstId: levels.nextFirstId,
    findings: findings.list.map((f) => f ?? null),
    fired: totals.fired,
    parents: levels.parents.pieces(),
    actions: levels.actions.pieces(),
    visited: { [Symbol.iterator]: () => visitedPieces(totals.shards, width) },
    current: levels.current.pieces(),
    next: levels.next.pieces(),
  };
}

/** Every shard's entries, a piece at a time. */
function* visitedPieces(shards: readonly VisitedSnapshot[], width: number): Generator<Uint32Array> {
  for (const shard of shards) yield* entryPieces(shard, width);
}

/**
 * Continues where a checkpoint stopped: counters, findings, per-state arrays, levels, then the visited
 * shards, a piece at a time through the workers. Nothing restored is believed before it agrees with
 * itself and with the model.
 */
function* resume(
  instance: ModelInstance,
  options: SearchOptions,
  workers: number,
  levels: Levels,
  findings: Findings,
  totals: Totals,
  control: RunControl,
  shardReader: () => VisitedReader,
): Generator<PhaseRequest, void, PhaseReply> {
  const saved = options.resume!, width = instance.words;
  levels.distinct = saved.distinctStates;
  levels.depth = saved.depth;
  levels.currentFirstId = saved.currentFirstId;
  levels.nextFirstId = saved.nextFirstId;
  totals.transitions = saved.transitions;
  control.resumed(saved.seconds);
  findings.restore(saved.findings);
  saved.fired.forEach((n, a) => totals.fired[a] = n);
  for (const piece of saved.parents) for (const p of piece) levels.parents.push(p);
  for (const piece of saved.actions) for (const a of piece) levels.actions.push(a);
  for (const piece of recordsOf(saved.current, width)) levels.current.append(piece, 0, piece.length / width);
  for (const piece of recordsOf(saved.next, width)) levels.next.append(piece, 0, piece.length / width);
  let visitedEntries = 0;
  for (const piece of recordsOf(saved.visited, options.exact ? width : 2)) {
    visitedEntries += piece.length / (options.exact ? width : 2);
    const reports = (yield {
      phase: "restore",
      tasks: Array.from({ length: workers }, () => ({ visited: piece })),
    }) as readonly InsertReport[];
    keepShards(totals, reports);
    heartbeat();
  }
  checkRestored(instance, {
    distinctStates: levels.distinct,
    depth: levels.depth,
    currentFirstId: levels.currentFirstId,
    nextFirstId: levels.nextFirstId,
    current: levels.current.length,
    next: levels.next.length,
    visited: visitedEntries,
    fired: saved.fired.length,
    findings: saved.findings.length,
    expectedFindings: findings.list.length,
    parents: levels.parents,
    actionsTaken: levels.actions,
    reader: shardReader(),
    found: findings.list,
  });
}
