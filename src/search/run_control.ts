/**
 * The policy around the level loop: the limits (states, depth, time), the memory budget, Ctrl-C, the
 * checkpoint cadence and the progress line. The loop asks it once per segment whether to go on; it
 * decides, writes a checkpoint where the run stops or its period is up, and reports progress.
 *
 * @module
 */

import {
  type CheckpointIdentity,
  prepareCheckpointDir,
  type SearchState,
  writeCheckpoint,
} from "./checkpoint.ts";
import { InputError } from "../errors.ts";
import type { Levels } from "./levels.ts";
import type { Counts, LimitHit, Progress, SearchOptions } from "./search_types.ts";

/** The budget must hold this many states at once (a level chunk of each level, the batches, a merge). */
const MIN_STATES_IN_BUDGET = 256;

/** States expanded per segment: bounds the successor batches whatever the level's size. */
const SEGMENT_STATES = 1 << 16;

function residentMemory(): number {
  return Deno.memoryUsage().rss;
}

/**
 * States per segment for states of `width` words under `options`: a chunk takes at most a fortieth of
 * the budget (an eighth of a level's share), so wide states make short segments. A budget that cannot
 * hold even a few hundred states is refused before anything is allocated.
 */
export function segmentStates(name: string, width: number, options: SearchOptions): number {
  const budget = options.memoryBytes ?? Infinity, stateBytes = 4 * width;
  if (stateBytes * MIN_STATES_IN_BUDGET > budget) {
    throw new InputError(
      `A state of model ${name} takes ${stateBytes} bytes (${width} words), and the memory budget of ` +
        `${budget} bytes cannot hold the ${MIN_STATES_IN_BUDGET} states a search keeps at once; give a ` +
        `larger --memory or make the state smaller.`,
    );
  }
  return Math.max(1, Math.min(options.segmentStates ?? SEGMENT_STATES, Math.floor(budget / 40 / stateBytes)));
}

/** Bytes of a level kept in memory before it spills: a fifth of the budget. */
export function levelMemory(options: SearchOptions): number {
  const budget = options.memoryBytes ?? Infinity;
  return options.frontierMemoryBytes ?? (Number.isFinite(budget) ? Math.max(1 << 20, budget / 5) : Infinity);
}

/** Limits, budget, checkpoints and progress of one search. */
export class RunControl {
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly deadline: number;
  /** Which limit stopped the run, if one did. */
  limit: LimitHit;
  /** Whether the run stopped with states left to expand because every property was decided. */
  stopped = false;
  /** The last checkpoint written. */
  checkpointPath: string | undefined;
  peakMemory = residentMemory();
  readonly #options: SearchOptions;
  readonly #levels: Levels;
  readonly #identity: CheckpointIdentity;
  readonly #counts: () => Counts;
  readonly #state: () => SearchState;
  readonly #started = performance.now();
  /** Seconds of the runs this one resumes. */
  #secondsBefore = 0;
  #lastProgress = this.#started;
  #lastCheckpoint = this.#started;

  /** `counts` and `state` give the search's counts and its checkpoint state as they stand. */
  constructor(
    options: SearchOptions,
    levels: Levels,
    identity: CheckpointIdentity,
    counts: () => Counts,
    state: () => SearchState,
  ) {
    this.#options = options;
    this.#levels = levels;
    this.#identity = identity;
    this.#counts = counts;
    this.#state = state;
    this.maxStates = options.maxStates ?? Infinity;
    this.maxDepth = options.maxDepth ?? Infinity;
    this.deadline = options.timeLimitSeconds === undefined
      ? Infinity
      : Date.now() + options.timeLimitSeconds * 1000;
    if (options.checkpointDir !== undefined) prepareCheckpointDir(options.checkpointDir, identity);
  }

  /** Whether the loop goes on to another level. */
  get running(): boolean {
    return this.limit === undefined && !this.stopped;
  }

  /** Seconds since the search began, those of the runs it resumes included. */
  get seconds(): number {
    return this.#secondsBefore + (performance.now() - this.#started) / 1000;
  }

  /** The search resumes a checkpoint whose runs took `seconds`. */
  resumed(seconds: number): void {
    this.#secondsBefore = seconds;
  }

  /** How many of `count` new states the state limit leaves room for (fewer stops the run). */
  roomFor(count: number): number {
    const room = Math.min(count, this.maxStates - this.#levels.distinct);
    if (room < count) this.limit = "max-states";
    return room;
  }

  /** Whether the time limit is up (a worker that saw it stopped early): the run stops. */
  timeUp(workerTimedOut: boolean): boolean {
    if (workerTimedOut || Date.now() > this.deadline) this.limit = "time";
    return this.limit === "time";
  }

  /**
   * After a segment: stops the run (with a checkpoint) when what the next segment may add would not
   * fit the memory budget or Ctrl-C was pressed; otherwise writes a periodic checkpoint and reports
   * progress when their time has come. `shardBytes` is the visited set's size. Returns whether the run
   * stops.
   */
  afterSegment(shardBytes: number): boolean {
    const options = this.#options, levels = this.#levels;
    const memory = residentMemory();
    this.peakMemory = Math.max(this.peakMemory, memory);
    if (memory + this.#growth(shardBytes) > (options.memoryBytes ?? Infinity)) return this.#stop("memory");
    if (options.interrupted?.()) return this.#stop("interrupted");
    const now = performance.now();
    if (
      options.checkpointDir !== undefined &&
      now - this.#lastCheckpoint >= (options.checkpointEverySeconds ?? 300) * 1000
    ) {
      this.checkpoint();
    }
    if (options.onProgress && now - this.#lastProgress >= (options.progressIntervalSeconds ?? 2) * 1000) {
      levels.finishMerge();
      this.#lastProgress = now;
      const { distinctStates, transitions, depth, seconds } = this.#counts();
      options.onProgress(
        {
          distinctStates,
          transitions,
          depth,
          queue: levels.queue,
          level: { size: levels.levelSize, left: levels.current.length },
          spilledStates: levels.spilledStates,
          seconds,
          statesPerSecond: distinctStates / seconds,
          memoryBytes: memory,
          memoryBudget: options.memoryBytes ?? Infinity,
          collisionProbability: options.exact ? 0 : (distinctStates * (distinctStates - 1)) / 2 ** 65,
        } satisfies Progress,
      );
    }
    return false;
  }

  /**
   * What the next segment may add: its new states, which make some of the visited tables grow by half
   * in place (one at a time: an eighth of the set is room for 16 of the 64), a chunk of each per-state
   * array and a level chunk; the new states the pending merge appends (W words, a parent id and an
   * action index each); and, when a checkpoint may be written at the stop, its compressed streams,
   * which leave up to about their input's size in buffers not yet collected.
   */
  #growth(shardBytes: number): number {
    const levels = this.#levels, width = levels.pool.width;
    const checkpointReserve = this.#options.checkpointDir === undefined
      ? 0
      : 4 * (levels.parents.length + levels.actions.length) + 4 * width * levels.queue;
    return shardBytes / 8 + levels.parents.chunkBytes + levels.actions.chunkBytes +
      levels.pool.chunkWords * 4 +
      levels.pendingStates * (4 * width + 8) + checkpointReserve;
  }

  #stop(limit: LimitHit): true {
    this.limit = limit;
    this.checkpoint();
    return true;
  }

  /**
   * Writes a checkpoint. One that fails (a full disk, a read-only folder) leaves the previous one in
   * place, which stays the run's checkpoint; the run goes on, or stops as it was about to.
   */
  checkpoint(): void {
    const options = this.#options;
    if (options.checkpointDir === undefined) return;
    this.#levels.finishMerge();
    this.#lastCheckpoint = performance.now();
    try {
      this.checkpointPath = writeCheckpoint(options.checkpointDir, this.#identity, this.#state());
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const warn = options.onWarning ?? ((message: string) => console.error(`hvcheck: warning: ${message}`));
      warn(
        `${error.message} ` +
          (this.checkpointPath
            ? `The previous checkpoint ${this.checkpointPath} is kept.`
            : `No checkpoint is kept.`),
      );
    }
  }

  /** At the end of a search that stopped at no limit: the final checkpoint, when one is asked for. */
  finish(): void {
    if (this.limit === undefined && this.#options.checkpointFinal) this.checkpoint();
    this.peakMemory = Math.max(this.peakMemory, residentMemory());
  }
}
