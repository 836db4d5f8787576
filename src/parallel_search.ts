/**
 * The parallel driver of the search loop: the same coordinator as `search` (src/search.ts), with its
 * phases run by Deno worker threads that share the levels, the successor batches and the visited
 * shards through SharedArrayBuffers. Each phase is a barrier: every worker reports before the next
 * phase starts, so the shards are only read while nobody writes them.
 *
 * @module
 */

import { InputError } from "./errors.ts";
import { ExactStateSet } from "./exact_state_set.ts";
import { FingerprintSet } from "./fingerprint_set.ts";
import type { ModelInstance } from "./model.ts";
import type { ModelRef } from "./model_ref.ts";
import { coordinate, type PhaseReply, type SearchOptions, type SearchOutcome } from "./search.ts";
import type { WorkerRequest } from "./search_worker.ts";
import type { VisitedReader, VisitedSnapshot } from "./visited_set.ts";

type WorkerReply =
  | { type: "ready" }
  | { type: "report"; report: unknown }
  | { type: "error"; input: boolean; message: string; stack?: string };

/**
 * Worker threads, each answering one request at a time. A pool outlives one search: `check` runs every
 * gate on one pool, so the threads start (and import the model library) once.
 */
export class WorkerPool {
  readonly #workers: Worker[];

  constructor(count: number) {
    const url = new URL("./search_worker.ts", import.meta.url).href;
    this.#workers = Array.from({ length: count }, () => new Worker(url, { type: "module" }));
  }

  /** Number of threads. */
  get size(): number {
    return this.#workers.length;
  }

  /** Sends request i to worker i; resolves with the reports in worker order. */
  all(requests: readonly WorkerRequest[]): Promise<unknown[]> {
    return Promise.all(requests.map((request, i) =>
      new Promise<unknown>((resolve, reject) => {
        const worker = this.#workers[i]!;
        worker.onmessage = (event: MessageEvent<WorkerReply>) => {
          const reply = event.data;
          if (reply.type === "error") {
            reject(
              reply.input
                ? new InputError(reply.message)
                : new Error(`Worker ${i}: ${reply.message}\n${reply.stack}`),
            );
          } else resolve(reply.type === "report" ? reply.report : undefined);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error(`Worker ${i} failed: ${event.message}`));
        };
        worker.postMessage(request);
      })
    ));
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
  }
}

/** Reads every shard: a state lives in the shard its fingerprint names. */
export function shardedReader(shards: readonly VisitedSnapshot[]): VisitedReader {
  const readers = shards.map((s) =>
    s.kind === "fingerprint" ? FingerprintSet.reader(s) : ExactStateSet.reader(s)
  );
  const of = (fp: Uint32Array) => readers[(fp[0]! >>> 0) % readers.length]!;
  return { has: (words, offset, fp) => of(fp).has(words, offset, fp), touch: (fp) => of(fp).touch(fp) };
}

/**
 * Breadth-first search of `instance` on `workers` threads (a count, or a pool to reuse); `ref` tells the
 * threads where the model is.
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
    await pool.all(Array.from({ length: count }, (_, index) => ({
      type: "init",
      ref,
      params: instance.params,
      index,
      count,
      exact: options.exact === true,
    })));
    let shards: readonly VisitedSnapshot[] = [];
    const loop = coordinate(instance, options, count, () => shardedReader(shards));
    let step = loop.next();
    while (!step.done) {
      const request = step.value;
      const reports = await pool.all(
        request.tasks.map((task) => ({ type: request.phase, task }) as WorkerRequest),
      );
      if (request.phase !== "expand") shards = (reports as { shard: VisitedSnapshot }[]).map((r) => r.shard);
      step = loop.next(reports as unknown as PhaseReply);
    }
    return step.value;
  } finally {
    if (typeof workers === "number") pool.close();
  }
}
