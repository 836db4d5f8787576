/**
 * The search's vocabulary: its options and limits, the progress it reports, its outcome, and the
 * phases the level loop hands its drivers.
 *
 * @module
 */

import type { ChunkedArray } from "../store/chunked_array.ts";
import type { SearchState } from "./checkpoint.ts";
import type { Finding } from "../store/keys.ts";
import type { ExpandReport, ExpandTask } from "./expand_phase.ts";
import type { InsertReport, InsertTask } from "./insert_phase.ts";
import type { RestoreTask } from "./level_worker.ts";
import type { VisitedReader } from "../store/visited_set.ts";

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
  /** Seconds between two progress reports (default 2). */
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
  /** Seconds between two periodic checkpoints (default 300). */
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

/**
 * How far a search has come. Its progress, its outcome, a checkpoint and the result of a check all
 * give these counts, under these names.
 */
export interface Counts {
  /** States stored. */
  readonly distinctStates: number;
  /** Transitions taken (successors generated, duplicates included). */
  readonly transitions: number;
  /**
   * Depth of the level being expanded; once the search is over, the number of actions on the longest
   * shortest path from an initial state.
   */
  readonly depth: number;
  /** Seconds the search has taken, those of the runs it resumes included. */
  readonly seconds: number;
}

/** A snapshot of a running search. */
export interface Progress extends Counts {
  /** States waiting to be expanded (this level's rest and the next level so far). */
  readonly queue: number;
  /** States of the level being expanded, and how many of them are still to expand. */
  readonly level: { readonly size: number; readonly left: number };
  /** Of those, how many are spilled to disk. */
  readonly spilledStates: number;
  /** States stored per second. */
  readonly statesPerSecond: number;
  /** Resident memory of the process, in bytes. */
  readonly memoryBytes: number;
  /** The memory budget, in bytes (Infinity without one). */
  readonly memoryBudget: number;
  /** Upper bound on the probability that a fingerprint collision hid a state so far. */
  readonly collisionProbability: number;
}

/** Which limit stopped the search, if any. */
export type LimitHit = "max-states" | "max-depth" | "time" | "memory" | "interrupted" | undefined;

/** The raw outcome of a search: counts, findings, and what trace rebuilding needs. */
export interface SearchOutcome extends Counts {
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
 * The search's per-state arrays, which the level loop fills in as soon as it has them, so that a driver
 * can rebuild the run to the state where model code failed (see `withTrace`).
 */
export interface Trail {
  parents?: ChunkedArray;
  actionsTaken?: ChunkedArray;
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
