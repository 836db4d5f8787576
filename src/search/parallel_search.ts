/**
 * The parallel driver of the level loop (src/search/breadth_first.ts): the loop `search` runs in the
 * calling thread (src/search/search.ts), with its phases run by the calling thread (worker 0) and Deno
 * worker threads (workers 1 to N-1) that share the levels, the successor batches and the visited
 * shards through SharedArrayBuffers. Each phase is
 * a barrier: every worker reports before the next phase starts, so the shards are only read while
 * nobody writes them.
 *
 * The calling thread takes a share of the work rather than waiting for the threads: N workers are N
 * threads, not N + 1, so one V8 isolate fewer competes for the cores and caches, and worker 0's
 * phases need no messages.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { instanceDigest } from "../model/instance_digest.ts";
import { LevelWorker } from "./level_worker.ts";
import type { ModelInstance } from "../model/model.ts";
import type { ModelRef } from "../model/model_ref.ts";
import { breadthFirst } from "./breadth_first.ts";
import type { PhaseReply, SearchOptions, SearchOutcome, Trail } from "./search_types.ts";
import { withTrace } from "./search.ts";
import { shardedReader } from "./shards.ts";
import { type FailureSite, TracedError } from "../trace/failure_site.ts";
import type { WorkerRequest } from "./search_worker.ts";
import type { VisitedSnapshot } from "../store/visited_set.ts";

type WorkerReply =
  | { type: "ready" }
  | { type: "report"; report: unknown }
  | { type: "error"; input: boolean; message: string; stack?: string; site?: FailureSite };

/**
 * The threads of workers 1 to N-1 of a search (worker 0 is the calling thread), each answering one
 * request at a time. A pool outlives one search: `check` runs every gate on one pool, so the threads
 * start (and import the model library) once.
 */
export class WorkerPool {
  readonly #threads: Worker[];

  /** The threads for searches of `workers` workers. */
  constructor(workers: number) {
    const url = new URL("./search_worker.ts", import.meta.url).href;
    this.#threads = Array.from({ length: workers - 1 }, () => new Worker(url, { type: "module" }));
  }

  /** Number of workers, the calling thread included. */
  get size(): number {
    return this.#threads.length + 1;
  }

  /**
   * Sends request i to the thread of worker i + 1; resolves with the reports in worker order once
   * every thread has answered (so no answer is left to arrive during a later request), or rejects with
   * the error of the first worker that failed.
   */
  async all(requests: readonly WorkerRequest[]): Promise<unknown[]> {
    const settled = await Promise.allSettled(
      requests.map((request, i) =>
        new Promise<unknown>((resolve, reject) => {
          const worker = this.#threads[i]!;
          worker.onmessage = (event: MessageEvent<WorkerReply>) => {
            const reply = event.data;
            if (reply.type === "error") {
              reject(
                reply.input
                  ? (reply.site ? new TracedError(reply.message, reply.site) : new InputError(reply.message))
                  : new Error(`Worker ${i + 1}: ${reply.message}\n${reply.stack}`),
              );
            } else resolve(reply.type === "report" ? reply.report : undefined);
          };
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error(`Worker ${i + 1} failed: ${event.message}`));
          };
          worker.postMessage(request);
        })
      ),
    );
    const failed = settled.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value);
  }

  close(): void {
    for (const worker of this.#threads) worker.terminate();
  }
}

/**
 * Breadth-first search of `instance` on `workers` workers (a count, or a pool to reuse): the calling
 * thread and `workers - 1` threads; `ref` tells the threads where the model is.
 */
export async function searchParallel(
  instance: ModelInstance,
  ref: ModelRef,
  workers: number | WorkerPool,
  options: SearchOptions = {},
): Promise<SearchOutcome> {
  const pool = typeof workers === "number" ? new WorkerPool(workers) : workers;
  const count = pool.size;
  try {
    // Each thread binds the model and starts an empty shard: a pool may have served another search.
    const exact = options.exact === true;
    const digest = count > 1 ? instanceDigest(instance) : [];
    await pool.all(Array.from({ length: count - 1 }, (_, i) => ({
      type: "init",
      ref,
      params: instance.params,
      index: i + 1,
      count,
      exact,
      digest,
    })));
    const local = new LevelWorker(instance, 0, count, { exact });
    let shards: readonly VisitedSnapshot[] = [];
    const trail: Trail = {};
    const loop = breadthFirst(instance, options, count, () => shardedReader(shards), trail);
    let step = loop.next();
    while (!step.done) {
      const request = step.value, { phase, tasks } = request;
      // The threads start on their tasks (posted now), while this thread does the coordinator's
      // serial work, if any, then runs worker 0's task.
      const threads = pool.all(tasks.slice(1).map((task) => ({ type: phase, task }) as WorkerRequest))
        .then((reports) => ({ reports }), (error: unknown) => ({ error }));
      let mine: unknown, failed: { error: unknown } | undefined;
      try {
        if (request.phase === "expand") request.serial?.();
        mine = local.run(phase, tasks[0]!);
      } catch (error) {
        failed = { error };
      }
      const others = await threads;
      if (failed) throw withTrace(instance, trail, failed.error);
      if ("error" in others) throw withTrace(instance, trail, others.error);
      const reports = [mine, ...others.reports];
      if (phase !== "expand") shards = (reports as { shard: VisitedSnapshot }[]).map((r) => r.shard);
      step = loop.next(reports as unknown as PhaseReply);
    }
    return step.value;
  } finally {
    if (typeof workers === "number") pool.close();
  }
}
