/**
 * A model whose guard reads a module-level value that is false in the main thread and true in every
 * worker thread (the same in every run, unlike randomness), and only from n = 60 on: its first steps
 * agree in every thread, so only expanding deep states in two threads shows the difference. Loaded by
 * path (worker threads import the model by reference, see src/model/model_ref.ts).
 *
 * @module
 */

import { defineModel, int } from "../../mod.ts";

/** Whether this copy of the module runs in a worker thread. */
const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";

export const threadDependent = defineModel({
  name: "thread_dependent",
  params: {},
  state: () => ({ n: int(0, 100) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.n < (inWorker ? 100 : 60), effect: (s) => void (s.n = s.n + 1) }),
  ],
  properties: (_p, { always }) => [always("bounded", (s) => s.n <= 100)],
  deadlock: false,
});
