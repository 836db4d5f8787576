/**
 * Where the expand phase's successors go: a worker gathers them, fingerprinted, in a batch, and each
 * full batch is sent to the outbox of the shard that owns each successor (src/search/shards.ts),
 * tagged with its key. Two filters run first, both exact (the first occurrence of a state in key order
 * is never the one dropped): the worker's table of recent successors (src/store/recent_successors.ts)
 * drops most duplicates, and successors of the worker's own shard that it already holds are dropped.
 * The others' shards are not read: their owners' insertions find the visited ones, so every probe of
 * the visited set reads lines its own core wrote (but at the depth limit, where nothing is sent and
 * every successor is looked up in the shards as of the last barrier).
 *
 * An outbox is a few runs, each in key order: a worker's blocks come in increasing order but for those
 * it takes over from another worker's region, which start a new run (`startRun`).
 *
 * @module
 */

import { GrowableUint32Array } from "../store/growable_array.ts";
import type { Records } from "../store/keys.ts";
import { RecentSuccessors } from "../store/recent_successors.ts";
import {
  snapshotReader,
  type VisitedReader,
  type VisitedSet,
  type VisitedSnapshot,
} from "../store/visited_set.ts";
import { ownerOf } from "./shards.ts";

/**
 * Successors gathered before their lookups: enough for many cache misses to overlap. The batch is
 * sent once it holds this many, after the state that filled it, so it has room for one state's more.
 */
export const BATCH = 64;

/** What a segment's routing needs to know. */
export interface RouteTask {
  /** Id of the segment's first state. */
  readonly firstId: number;
  /** States in the segment. */
  readonly size: number;
  /** Nothing is sent at the depth limit: the successors are only looked up. */
  readonly atDepthLimit: boolean;
  /** The shards as of the last barrier, for the lookups at the depth limit (absent elsewhere). */
  readonly shards?: readonly VisitedSnapshot[];
}

/** What the expand phase sends, per owning shard. */
export interface Sent {
  /** One outbox per shard: W words, fp (2), parent, action per successor. */
  readonly outboxes: readonly Records[];
  /** Per outbox, the offsets (in words) where a new run of increasing keys starts. */
  readonly runStarts: readonly (readonly number[])[];
}

/** One worker's batch of successors and its outboxes, one per shard. */
export class Outboxes {
  /** Successors fingerprinted and waiting to be sent: W words, fp (2), parent, action each. */
  readonly batch: Uint32Array;
  /** Successors in the batch. */
  batched = 0;
  /** Whether some successor seen at the depth limit was not visited yet: the bound cut the search. */
  depthLimitHit = false;
  readonly #worker: number;
  readonly #workers: number;
  readonly #width: number;
  readonly #shard: VisitedSet;
  readonly #boxes: GrowableUint32Array[];
  #runStarts: number[][] = [];
  /** Absent in exact mode: it matches fingerprints, and two states may share one. */
  readonly #recent: RecentSuccessors | undefined;
  /** Offsets into the batch of the successors the recent table does not cover. */
  readonly #pending: Int32Array;
  readonly #fp = new Uint32Array(2);
  #task: RouteTask | undefined;
  /** Reads this worker's shard through the kind of reader the others' get, so lookups stay monomorphic. */
  #own: VisitedReader | undefined;
  /** Readers of every shard, made at the depth limit, the only place the expand phase reads others' shards. */
  #readers: VisitedReader[] | undefined;
  /** Where touched slots' contents go, so that the reads that warm the cache are not optimised away. */
  #touched = 0;

  constructor(
    shard: VisitedSet,
    worker: number,
    workers: number,
    width: number,
    actions: number,
    options: { shared: boolean; exact: boolean },
  ) {
    this.#shard = shard;
    this.#worker = worker;
    this.#workers = workers;
    this.#width = width;
    this.#recent = options.exact ? undefined : new RecentSuccessors();
    this.#boxes = Array.from(
      { length: workers },
      () => new GrowableUint32Array(1 << 12, { shared: options.shared }),
    );
    this.#pending = new Int32Array(BATCH + actions);
    this.batch = new Uint32Array((BATCH + actions) * (width + 4));
  }

  /** Empties the outboxes for a new segment. */
  startSegment(task: RouteTask): void {
    for (const box of this.#boxes) box.clear();
    this.#runStarts = this.#boxes.map(() => []);
    this.#recent?.startSegment(task.firstId, task.size);
    this.#task = task;
    this.#own = snapshotReader(this.#shard.snapshot());
    this.#readers = undefined;
    this.batched = 0;
    this.depthLimitHit = false;
  }

  /** Sends the batch, then starts a new run of keys in every outbox. */
  startRun(): void {
    this.flush();
    this.#boxes.forEach((box, s) => this.#runStarts[s]!.push(box.length));
  }

  /** Drops the batch: the segment is abandoned (the time limit is up), so its successors are not needed. */
  discard(): void {
    this.batched = 0;
  }

  /** Sends (or, at the depth limit, looks up) the successors batched so far. */
  flush(): void {
    if (this.batched > 0 && this.#send(this.batched)) this.depthLimitHit = true;
    this.batched = 0;
  }

  /** What the segment sent. */
  sent(): Sent {
    return {
      outboxes: this.#boxes.map((o) => ({ data: o.data, length: o.length })),
      runStarts: this.#runStarts,
    };
  }

  /**
   * Sends `batched` successors to their shards' outboxes, but for those the recent table covers and
   * those this worker's own shard holds. Every home slot of a batch is touched before any is looked up,
   * so the cache misses overlap. At the depth limit nothing is sent: returns whether some successor is
   * not visited yet.
   */
  #send(batched: number): boolean {
    const batch = this.batch, fp = this.#fp, width = this.#width, workers = this.#workers;
    const worker = this.#worker, pending = this.#pending, stride = width + 4;
    let touched = this.#touched, uncovered = 0;
    const recent = this.#recent;
    if (recent === undefined) {
      for (let k = 0; k < batched; k++) pending[uncovered++] = k * stride;
    } else {
      for (let k = 0; k < batched; k++) touched ^= recent.touch(batch[k * stride + width + 1]!);
      for (let k = 0; k < batched; k++) {
        const at = k * stride;
        if (recent.covered(batch[at + width]!, batch[at + width + 1]!, batch[at + width + 2]!)) continue;
        pending[uncovered++] = at;
      }
    }
    this.#touched = touched;
    if (this.#task!.atDepthLimit) return this.#anyUnvisited(uncovered);
    const own = this.#own!;
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      if (ownerOf(fp[0]!, workers) === worker) touched ^= own.touch(fp);
    }
    this.#touched = touched;
    const boxes = this.#boxes;
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      const owner = ownerOf(fp[0]!, workers);
      if (owner === worker && own.has(batch, at, fp)) continue;
      boxes[owner]!.pushWords(batch, at, stride);
    }
    return false;
  }

  /** Whether one of the first `uncovered` successors `#pending` names is in no shard (as of the last barrier). */
  #anyUnvisited(uncovered: number): boolean {
    const batch = this.batch, fp = this.#fp, width = this.#width, workers = this.#workers;
    const pending = this.#pending;
    const readers = this.#readers ??= this.#allReaders(this.#task!.shards);
    let touched = this.#touched;
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      touched ^= readers[ownerOf(fp[0]!, workers)]!.touch(fp);
    }
    this.#touched = touched;
    for (let k = 0; k < uncovered; k++) {
      const at = pending[k]!;
      fp[0] = batch[at + width]!;
      fp[1] = batch[at + width + 1]!;
      if (!readers[ownerOf(fp[0]!, workers)]!.has(batch, at, fp)) return true;
    }
    return false;
  }

  /**
   * Readers of every shard: the others' shared buffers and, through the same kind of reader (so the
   * lookups stay monomorphic), this worker's own; no shard changes during the expand phase.
   */
  #allReaders(shards: readonly VisitedSnapshot[] | undefined): VisitedReader[] {
    return Array.from(
      { length: this.#workers },
      (_, i) => snapshotReader(i === this.#worker || !shards ? this.#shard.snapshot() : shards[i]!),
    );
  }
}
