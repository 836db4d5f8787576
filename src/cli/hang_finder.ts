/**
 * Naming the model function that does not return. The watchdog (src/cli/sandbox.ts) stops a search whose
 * guard, effect or property never returns, but cannot see which one did not: the child's thread is
 * blocked, and the compiled guard scan notes nothing per call (it is the search's innermost loop). So
 * once the watchdog has stopped such a search, the parent runs the model once more in a fresh
 * least-privilege child (`--find-hang`). There a worker thread explores it naively
 * (src/crosscheck/naive_explorer.ts) with every model function wrapped to note, in shared memory, which one is
 * running (src/cli/hang_worker.ts), and this thread watches: a function that has not returned after
 * HANG_SECONDS is named. Nothing of this runs unless a search has already hung.
 *
 * @module
 */

import type { Io } from "./io.ts";
import type { HangReply, HangRequest } from "./hang_worker.ts";
import { loadModel } from "../load/load_model.ts";
import { instantiate } from "../model/model.ts";
import type { ModelRef } from "../model/model_ref.ts";
import { parseAssignments } from "../model/params.ts";

/** How long a model function may run before it is taken for the one that does not return. */
export const HANG_SECONDS = 1;

/** How long the naive exploration may look for it (in a large model it may not get there). */
export const SEARCH_SECONDS = 10;

/** The line on which the child reports what it found (JSON: a description, or null). */
const REPORT = "hvcheck-hang: ";

/**
 * Explores the model on a worker thread until one of its functions runs for HANG_SECONDS; returns
 * that function's description (`the guard of action oops`), or undefined when every function
 * returned (the exploration ended, failed or ran out of time).
 */
export async function findHang(
  ref: ModelRef,
  params: Readonly<Record<string, unknown>>,
  searchSeconds = SEARCH_SECONDS,
): Promise<string | undefined> {
  const slots = new SharedArrayBuffer(8);
  const view = new Int32Array(slots);
  view[1] = -1;
  const worker = new Worker(new URL("./hang_worker.ts", import.meta.url), { type: "module" });
  let names: readonly string[] = [];
  let ended = false;
  worker.onmessage = (event: MessageEvent<HangReply>) => {
    if (event.data.type === "names") names = event.data.names;
    else ended = true;
  };
  worker.onerror = (event) => {
    event.preventDefault();
    ended = true;
  };
  try {
    worker.postMessage({ ref, params, slots } satisfies HangRequest);
    // The time to look counts from when the worker has the model (loading it may take a while: the
    // parent bounds the whole run).
    let deadline = Infinity;
    let calls = -1, since = Date.now();
    while (!ended && Date.now() < deadline) {
      if (deadline === Infinity && names.length) deadline = Date.now() + searchSeconds * 1000;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = Atomics.load(view, 0);
      if (now !== calls) [calls, since] = [now, Date.now()];
      const running = Atomics.load(view, 1);
      if (running >= 0 && Date.now() - since >= HANG_SECONDS * 1000 && names[running] !== undefined) {
        return names[running];
      }
    }
    return undefined;
  } finally {
    worker.terminate();
  }
}

/**
 * The `--find-hang` child: loads `model` with `--set` values `sets` and prints what findHang found on
 * one line for the parent (hangReported reads it). A model that fails to load or to bind its
 * parameters reports nothing: the run it diagnoses has reported that already, or would have.
 */
export async function reportHang(model: string, sets: readonly string[], io: Io): Promise<number> {
  let found: string | undefined;
  try {
    // Only model files hang unseen: registered models run in the parent, whose own watchdog covers them.
    const { model: loaded, ref } = await loadModel(model, { models: new Map(), modelsModule: "" });
    const params = parseAssignments(loaded.name, loaded.params, sets);
    instantiate(loaded, params);
    found = await findHang(ref, params);
  } catch {
    found = undefined;
  }
  io.out(`${REPORT}${JSON.stringify(found ?? null)}`);
  return 0;
}

/** What a `--find-hang` child found, from its stdout. */
export function hangReported(stdout: string): string | undefined {
  const line = stdout.split("\n").findLast((l) => l.startsWith(REPORT));
  if (line === undefined) return undefined;
  try {
    const found = JSON.parse(line.slice(REPORT.length));
    return typeof found === "string" ? found : undefined;
  } catch {
    return undefined;
  }
}
