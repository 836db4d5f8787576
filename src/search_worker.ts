/**
 * The worker thread of a parallel search: it imports the model, owns one shard of the visited set,
 * and runs the phases src/search.ts hands it (see src/level_worker.ts). Model errors go back as
 * messages, to be reported like any other bad input.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { InputError } from "./errors.ts";
import { TracedError } from "./failure_site.ts";
import { LevelWorker } from "./level_worker.ts";
import { instantiate } from "./model.ts";
import { type ModelRef, resolveModelRef } from "./model_ref.ts";

/** Messages from the main thread. */
export type WorkerRequest =
  | {
    readonly type: "init";
    readonly ref: ModelRef;
    readonly params: Readonly<Record<string, unknown>>;
    readonly index: number;
    readonly count: number;
    readonly exact: boolean;
  }
  | { readonly type: "expand"; readonly task: Parameters<LevelWorker["expand"]>[0] }
  | { readonly type: "insert"; readonly task: Parameters<LevelWorker["insert"]>[0] }
  | { readonly type: "restore"; readonly task: Parameters<LevelWorker["restore"]>[0] };

let worker: LevelWorker | undefined;

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  try {
    switch (request.type) {
      case "init": {
        const instance = instantiate(await resolveModelRef(request.ref), request.params);
        worker = new LevelWorker(instance, request.index, request.count, { exact: request.exact });
        self.postMessage({ type: "ready" });
        return;
      }
      default:
        self.postMessage({ type: "report", report: worker!.run(request.type, request.task) });
        return;
    }
  } catch (error) {
    self.postMessage({
      type: "error",
      input: error instanceof InputError,
      message: (error as Error)?.message ?? String(error),
      stack: (error as Error)?.stack,
      ...(error instanceof TracedError ? { site: error.site } : {}),
    });
  }
};
