/**
 * Watching a model file while it loads for values that differ from one load to the next: Math.random,
 * crypto's random values, and the clock. Every worker thread of a search imports the model file afresh
 * (src/model/model_ref.ts), so `const K = Math.random() < 0.5 ? 1 : 2` at the top of the file gives each
 * thread its own K: the threads then disagree on what the model does, and the counts and the verdict
 * depend on the draw (with one thread too, from one run to the next). Comparing what the threads
 * compute catches this only where they happen to differ; a call seen while the file loads is caught
 * every time.
 *
 * Only calls from the model's own folder count (a library that seeds itself at load is not the
 * model's business), and the originals are restored when the load returns, so nothing is watched while
 * the search runs (there, expanding sample states twice catches randomness: src/search/samples.ts).
 *
 * @module
 */

import { userFrame } from "../model/model_failure.ts";

/** A watched call made while the model file loaded. */
export interface LoadCall {
  /** What was called, such as `Math.random()`. */
  readonly source: string;
  /** Where, as the module URL, line and column of the calling frame. */
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

/** Patches `owner[key]` (a function) to report calls, and returns the undo. */
function watch(owner: object, key: string, source: string, seen: (source: string) => void): () => void {
  const target = owner as Record<string, unknown>;
  const original = target[key];
  if (typeof original !== "function") return () => {};
  const own = Object.getOwnPropertyDescriptor(owner, key);
  Object.defineProperty(owner, key, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...args: unknown[]) {
      seen(source);
      return Reflect.apply(original, this ?? owner, args);
    },
  });
  return () => {
    if (own) Object.defineProperty(owner, key, own);
    else delete target[key];
  };
}

/**
 * Runs `load` (the import of the model file at `moduleUrl`) with Math.random, crypto.getRandomValues,
 * crypto.randomUUID, Date.now, performance.now and `new Date()` watched. Returns what it loaded and
 * the first watched call made from the model's folder (outside node_modules), if any.
 */
export async function watchLoad<T>(
  moduleUrl: string,
  load: () => Promise<T>,
): Promise<{ value: T; call: LoadCall | undefined }> {
  const folder = moduleUrl.slice(0, moduleUrl.lastIndexOf("/") + 1);
  let call: LoadCall | undefined;
  let active = true;
  const seen = (source: string) => {
    if (!active || call !== undefined) return;
    const frame = userFrame(new Error());
    if (frame === undefined || !frame.url.startsWith(folder) || frame.url.includes("/node_modules/")) return;
    call = { source, ...frame };
  };
  const undo = [
    watch(Math, "random", "Math.random()", seen),
    watch(Date, "now", "Date.now()", seen),
    ...(typeof performance === "object" ? [watch(performance, "now", "performance.now()", seen)] : []),
    ...(typeof crypto === "object"
      ? [
        watch(crypto, "getRandomValues", "crypto.getRandomValues()", seen),
        watch(crypto, "randomUUID", "crypto.randomUUID()", seen),
      ]
      : []),
  ];
  // `new Date()` reads the clock too; a module that keeps the proxy sees the plain Date once the load
  // is over.
  const OriginalDate = globalThis.Date;
  globalThis.Date = new Proxy(OriginalDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) seen("new Date()");
      return Reflect.construct(target, args, newTarget === globalThis.Date ? target : newTarget);
    },
    apply(target, self, args) {
      seen("Date()");
      return Reflect.apply(target, self, args);
    },
  });
  try {
    const value = await load();
    return { value, call };
  } finally {
    active = false;
    globalThis.Date = OriginalDate;
    for (const u of undo.reverse()) u();
  }
}
