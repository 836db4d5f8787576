/**
 * The worker thread of a parallel search: it imports the model, owns one shard of the visited set,
 * and runs the phases the level loop (src/search/breadth_first.ts) hands it, through
 * src/search/parallel_search.ts (see src/search/level_worker.ts). Model errors go back as messages, to
 * be reported like any other bad input.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { TracedError } from "../trace/failure_site.ts";
import { LevelWorker } from "./level_worker.ts";
import { digestDifference, type DigestPart, instanceDigest } from "../model/instance_digest.ts";
import { instantiate } from "../model/model.ts";
import { displayPath } from "../model/model_failure.ts";
import { type ModelRef, resolveModelRef } from "../model/model_ref.ts";

/** Messages from the main thread. */
export type WorkerRequest =
  | {
    readonly type: "init";
    readonly ref: ModelRef;
    readonly params: Readonly<Record<string, unknown>>;
    readonly index: number;
    readonly count: number;
    readonly exact: boolean;
    /** What the main thread's instance computes, to compare with this thread's. */
    readonly digest: readonly DigestPart[];
  }
  | { readonly type: "expand"; readonly task: Parameters<LevelWorker["expand"]>[0] }
  | { readonly type: "insert"; readonly task: Parameters<LevelWorker["insert"]>[0] }
  | { readonly type: "restore"; readonly task: Parameters<LevelWorker["restore"]>[0] };

let worker: LevelWorker | undefined;

/** This thread's side of the channel: a worker's global scope, typed here (a package on JSR may not pull
 * in the deno.worker lib with a triple-slash directive). */
const thread = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: unknown): void;
};

thread.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  try {
    switch (request.type) {
      case "init": {
        const instance = instantiate(await resolveModelRef(request.ref), request.params);
        const differs = digestDifference(
          request.digest,
          instanceDigest(instance),
          "the main thread",
          `worker thread ${request.index}`,
        );
        if (differs !== undefined) throw threadsDiffer(instance.name, request.ref, differs);
        worker = new LevelWorker(instance, request.index, request.count, { exact: request.exact });
        thread.postMessage({ type: "ready" });
        return;
      }
      default:
        thread.postMessage({ type: "report", report: worker!.run(request.type, request.task) });
        return;
    }
  } catch (error) {
    thread.postMessage({
      type: "error",
      input: error instanceof InputError,
      message: (error as Error)?.message ?? String(error),
      stack: (error as Error)?.stack,
      ...(error instanceof TracedError ? { site: error.site } : {}),
    });
  }
};

/** The error of a worker thread whose load of the model computes what the main thread's does not. */
function threadsDiffer(name: string, ref: ModelRef, differs: string): InputError {
  const file = "module" in ref ? `the model file ${displayPath(ref.module)}` : `the module of model ${name}`;
  return new InputError(
    `Model ${name} computes different results in different threads (module-level randomness or global ` +
      `state?): ${differs}. Each worker thread loads ${file} afresh, so a value computed when it loads ` +
      `(from Math.random, the clock or a global variable) must not change what the model does.`,
  );
}
