/**
 * Running the level loop (src/search/breadth_first.ts) in the calling thread: one worker, the N=1 case of
 * the same loop that src/search/parallel_search.ts runs on threads. Re-exports the search's vocabulary.
 *
 * @module
 */

import { breadthFirst } from "./breadth_first.ts";
import { LevelWorker } from "./level_worker.ts";
import type { ModelInstance } from "../model/model.ts";
import type { PhaseReply, SearchOptions, SearchOutcome, Trail } from "./search_types.ts";
import { TracedError } from "../trace/failure_site.ts";
import { traceToFailure } from "../trace/trace.ts";

export type * from "./search_types.ts";
export { type Finding, NO_PARENT } from "../store/keys.ts";

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

/** Runs the loop's phases on one worker in the calling thread, yielding between phases. */
function* inThread(instance: ModelInstance, options: SearchOptions): Generator<void, SearchOutcome, void> {
  const worker = new LevelWorker(instance, 0, 1, options.exact ? { exact: true } : {});
  const trail: Trail = {};
  const loop = breadthFirst(instance, options, 1, () => worker.shard, trail);
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
