/**
 * The levels of a breadth-first search: the level being expanded (`current`), the one being filled
 * (`next`), the ids of their first states, and the per-state arrays (each stored state's parent id and
 * action index, in id order) from which traces are rebuilt.
 *
 * A level is expanded a segment (one chunk of the store) at a time. A segment's new states are merged
 * into `next` by key, and that merge is deferred: nothing the next segment's expand phase reads is
 * written by it, so the calling thread runs it while the other workers expand (`takeMerge`). Whatever
 * reads the merged data (a checkpoint, the progress line, the end of a level) calls `finishMerge`.
 *
 * @module
 */

import { ChunkedArray } from "../store/chunked_array.ts";
import { fileProblem } from "../store/file_errors.ts";
import { ChunkPool, FrontierStore } from "../store/frontier_store.ts";
import { GrowableUint32Array } from "../store/growable_array.ts";
import { KeyMerge } from "../store/key_merge.ts";
import type { Records } from "../store/keys.ts";
import type { InsertReport } from "./insert_phase.ts";

/** How the levels are laid out in memory and on disk. */
export interface LevelOptions {
  /** Words per state. */
  readonly width: number;
  /** Largest action or init index, so the action array can be as narrow as it may. */
  readonly maxAction: number;
  /** States per chunk: one segment. */
  readonly chunkStates: number;
  /** Bytes of a level kept in memory before it spills. */
  readonly memoryLimit: number;
  /** Where spilled chunks go (default: the system's temporary folder). */
  readonly spillDir: string | undefined;
  /** Whether the chunks are shared with worker threads. */
  readonly shared: boolean;
}

/** The current and next level, their ids, and every stored state's parent and action. */
export class Levels {
  readonly parents = new ChunkedArray();
  readonly actions: ChunkedArray;
  readonly pool: ChunkPool;
  /** Distinct states stored, those of a pending merge included. */
  distinct = 0;
  /** Depth of the current level. */
  depth = 0;
  /** Id of the current segment's first state. */
  currentFirstId = 0;
  /** Id of the next level's first state. */
  nextFirstId = 0;
  current: FrontierStore;
  next: FrontierStore;
  readonly #options: LevelOptions;
  readonly #merged = new GrowableUint32Array(1 << 12);
  #pendingMerge: (() => void) | undefined;
  #pendingStates = 0;
  #spillDir: string | undefined;

  constructor(options: LevelOptions) {
    this.#options = options;
    this.actions = new ChunkedArray(options.maxAction);
    this.pool = new ChunkPool(options.width, options.chunkStates, { shared: options.shared });
    this.current = this.#newStore();
    this.next = this.#newStore();
  }

  #newStore(): FrontierStore {
    return new FrontierStore(this.pool, {
      memoryLimit: this.#options.memoryLimit,
      spillDir: () => this.#spillDir ??= makeSpillDir(this.#options.spillDir),
    });
  }

  /** Whether some state is waiting to be expanded. */
  get hasWork(): boolean {
    return this.current.length > 0 || this.next.length > 0;
  }

  /** States waiting: the rest of this level and the next level so far. */
  get queue(): number {
    return this.current.length + this.next.length;
  }

  #levelSize = 0;

  /**
   * States of the level being expanded, all told. After a resume, whose checkpoint does not record it,
   * the states the level had left then.
   */
  get levelSize(): number {
    return Math.max(this.#levelSize, this.nextFirstId - this.currentFirstId);
  }

  /** Of those, how many are on disk. */
  get spilledStates(): number {
    return this.current.usage.spilledStates + this.next.usage.spilledStates;
  }

  /** States a merge that has not run yet will append. */
  get pendingStates(): number {
    return this.#pendingStates;
  }

  /** The current level's next segment, or undefined at the end of the level. */
  segment(): Records | undefined {
    return this.current.first();
  }

  /** The segment of `size` states is expanded: its chunk goes back to the pool. */
  finishSegment(size: number): void {
    this.currentFirstId += size;
    this.current.releaseFirst();
  }

  /**
   * The first `count` new states of the shards' reports join the next level, merged by key, when
   * `finishMerge` (or the caller of `takeMerge`) runs the merge.
   */
  addLater(reports: readonly InsertReport[], count: number): void {
    const width = this.#options.width;
    this.#pendingMerge = () =>
      mergeByKey(reports, count, width, this.next, this.parents, this.actions, this.#merged);
    this.#pendingStates = count;
    this.distinct += count;
  }

  /** The pending merge, for the calling thread to run while the other workers expand. */
  takeMerge(): (() => void) | undefined {
    const merge = this.#pendingMerge;
    this.#pendingMerge = undefined;
    this.#pendingStates = 0;
    return merge;
  }

  /** Runs the pending merge, if any. */
  finishMerge(): void {
    this.takeMerge()?.();
  }

  /** The initial states are stored: they become the current level. */
  startFirstLevel(): void {
    this.finishMerge();
    [this.current, this.next] = [this.next, this.current];
    this.nextFirstId = this.distinct;
    this.#levelSize = this.nextFirstId - this.currentFirstId;
  }

  /** The current level is done: the next becomes current. Returns whether it has states. */
  advance(): boolean {
    this.finishMerge();
    this.current.dispose();
    [this.current, this.next] = [this.next, this.#newStore()];
    this.currentFirstId = this.nextFirstId;
    this.nextFirstId = this.distinct;
    this.#levelSize = this.nextFirstId - this.currentFirstId;
    if (this.current.length === 0) return false;
    this.depth++;
    return true;
  }

  /** Frees the levels and removes the spill folder. */
  dispose(): void {
    this.current.dispose();
    this.next.dispose();
    if (this.#spillDir) Deno.removeSync(this.#spillDir, { recursive: true });
  }
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

/**
 * Appends the first `count` of the shards' new states to the next level, merged by key (the order a
 * sequential search finds them in), and their parents and actions to the per-state arrays. The states
 * are merged into `merged` (scratch) and appended at once, not one append per state.
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
  // Each report's keys are a run of (parent, action) pairs; its states are W words each, in the same order.
  const merge = new KeyMerge(2, 0);
  merge.start(reports.map((r) => ({ data: r.addedKeys.data, from: 0, to: r.addedKeys.length })));
  for (let n = 0, at = 0; n < count && merge.next(); n++, at += width) {
    const source = reports[merge.run]!.added.data;
    for (let w = 0, from = (merge.at / 2) * width; w < width; w++) target[at + w] = source[from + w]!;
    parents.push(merge.parent);
    actions.push(merge.action);
  }
  next.append(target, 0, count);
}
