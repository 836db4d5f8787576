/**
 * The worker thread of src/cli/hang_finder.ts: it explores the model naively with every model function
 * wrapped to note, in shared memory, which one runs, so that the thread that watches it can name the
 * one that does not return.
 *
 * @module
 */

import { instantiate, type ModelInstance } from "../model/model.ts";
import { type ModelRef, resolveModelRef } from "../model/model_ref.ts";
import { exploreNaively } from "../crosscheck/naive_explorer.ts";

/** The message the watching thread sends. */
export interface HangRequest {
  readonly ref: ModelRef;
  readonly params: Readonly<Record<string, unknown>>;
  /** [calls started, index of the function running or -1]: see src/cli/hang_finder.ts. */
  readonly slots: SharedArrayBuffer;
}

/** The messages this thread sends back. */
export type HangReply =
  | { readonly type: "names"; readonly names: readonly string[] }
  | { readonly type: "done" }
  | { readonly type: "failed"; readonly message: string };

type Fn = (...args: never[]) => unknown;

/** `instance` with every model function wrapped to note its index in `slots` while it runs. */
function watched(instance: ModelInstance, slots: Int32Array, names: string[]): ModelInstance {
  const wrap = <F extends Fn>(name: string, f: F): F => {
    const index = names.push(name) - 1;
    return ((...args: never[]) => {
      Atomics.add(slots, 0, 1);
      Atomics.store(slots, 1, index);
      try {
        return f(...args);
      } finally {
        Atomics.store(slots, 1, -1);
      }
    }) as F;
  };
  const maybe = <F extends Fn>(name: string, f: F | undefined) => f === undefined ? undefined : wrap(name, f);
  return {
    ...instance,
    inits: instance.inits.map((f, i) => wrap(instance.inits.length > 1 ? `init #${i + 1}` : "init", f)),
    actions: instance.actions.map((a) => ({
      ...a,
      guard: maybe(`the guard of action ${a.text}`, a.guard),
      effect: wrap(`the effect of action ${a.text}`, a.effect),
    })),
    properties: instance.properties.map((p) =>
      "predicate" in p && typeof p.predicate === "function"
        ? { ...p, predicate: wrap(`property ${p.name}`, p.predicate as Fn) } as typeof p
        : p
    ),
    terminal: maybe("terminal", instance.terminal),
    withinBoundary: maybe("withinBoundary", instance.withinBoundary),
  };
}

/** This thread's side of the channel: a worker's global scope, typed here because a package on JSR may not
 * pull in the deno.worker lib with a triple-slash directive. */
const thread = self as unknown as {
  onmessage: ((event: MessageEvent<HangRequest>) => void) | null;
  postMessage(message: HangReply): void;
};

thread.onmessage = async (event: MessageEvent<HangRequest>) => {
  const { ref, params, slots } = event.data;
  try {
    const names: string[] = [];
    const instance = watched(instantiate(await resolveModelRef(ref), params), new Int32Array(slots), names);
    thread.postMessage({ type: "names", names } satisfies HangReply);
    exploreNaively(instance);
    thread.postMessage({ type: "done" } satisfies HangReply);
  } catch (error) {
    thread.postMessage(
      { type: "failed", message: String((error as Error)?.message ?? error) } satisfies HangReply,
    );
  }
};
