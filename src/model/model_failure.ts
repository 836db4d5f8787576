/**
 * How a throw in model code reaches the user: as bad input naming the model, where it happened, at
 * what depth and at which line of the user's file, never as a stack trace.
 *
 * @module
 */

import { describe } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import type { ModelInstance } from "./model.ts";
import { StateValueError, StateWriteError, UndeclaredNameError } from "../state/state_view.ts";

/** A guard, property, terminal or withinBoundary that returned something other than a boolean. */
export class PredicateResultError extends TypeError {
  /** What it returned. */
  readonly result: unknown;
  constructor(result: unknown) {
    super(
      `returned ${result === undefined ? "undefined" : `${describe(result)} (a ${typeof result})`} where a ` +
        `boolean (true or false) is expected${result === undefined ? " (is a return missing?)" : ""}`,
    );
    this.name = "PredicateResultError";
    this.result = result;
  }
}

/** Throws a PredicateResultError: for the rare path where a predicate returned a non-boolean. */
export function notBoolean(result: unknown): never {
  throw new PredicateResultError(result);
}

/** Returns `result` when it is a boolean, else throws a PredicateResultError. */
export function asBoolean(result: unknown): boolean {
  return typeof result === "boolean" ? result : notBoolean(result);
}

/** The engine's own files: the modules under src/, but for tests and their models (src/testdata/). */
const engine = new URL("../", import.meta.url).href;

function isEngine(url: string): boolean {
  if (url.startsWith("ext:") || url.startsWith("node:")) return true;
  if (!url.startsWith(engine)) return false;
  const file = url.slice(engine.length);
  return !file.startsWith("testdata/") && !file.endsWith("_test.ts");
}

const framePattern = /^at (?:.* \()?(.+):(\d+):(\d+)\)?$/;

/** A frame of a stack trace: its module's URL, line and column. */
export interface StackFrame {
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

/** The frames of a stack trace that name a module, innermost first. */
export function stackFrames(stack: string | undefined): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of (stack ?? "").split("\n")) {
    const frame = line.trim();
    if (!frame.startsWith("at ") || frame.includes("eval at ") || frame.includes("<anonymous>")) continue;
    const match = framePattern.exec(frame);
    if (match) frames.push({ url: match[1]!, line: Number(match[2]), column: Number(match[3]) });
  }
  return frames;
}

/** Whether `url` is one of the engine's own modules under src/ (not a test, not a test model). */
export function isEngineModule(url: string): boolean {
  return url.startsWith(engine) && isEngine(url);
}

/** The URL of the first module outside the engine on `stack`: the module that called into it. */
export function callerModule(stack: string | undefined): string | undefined {
  const url = userFrame({ stack })?.url;
  return url !== undefined && /^(file|https?):/.test(url) ? url : undefined;
}

/** The first stack frame of `error` outside the engine: its module's URL, line and column. */
export function userFrame(error: unknown): StackFrame | undefined {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== "string") return undefined;
  return stackFrames(stack).find((frame) => !isEngine(frame.url));
}

/**
 * Where in the user's code `error` was thrown: the first stack frame outside the engine, as
 * `models/foo.ts:12:7` (relative to the working folder when inside it), or undefined.
 */
export function userLocation(error: unknown): string | undefined {
  const frame = userFrame(error);
  return frame === undefined ? undefined : `${displayPath(frame.url)}:${frame.line}:${frame.column}`;
}

/** A module URL as a path for messages: relative to the working folder when inside it. */
export function displayPath(url: string): string {
  if (!url.startsWith("file:")) return url;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
  try {
    const cwd = Deno.cwd().replace(/\/*$/, "/");
    if (path.startsWith(cwd)) return path.slice(cwd.length);
  } catch {
    // No read permission for the working folder: the absolute path says the same.
  }
  return path;
}

/** Turns a throw in model code (or a value outside a domain) into a one-paragraph InputError. */
export function modelFailure(
  instance: ModelInstance,
  where: string,
  depth: number,
  error: unknown,
): InputError {
  if (error instanceof InputError) return error;
  // A non-boolean result is caught by the engine, whose frames say nothing about the user's code.
  const location = error instanceof PredicateResultError ? undefined : userLocation(error);
  const at = location === undefined ? "" : ` (at ${location})`;
  if (
    error instanceof StateWriteError || error instanceof UndeclaredNameError ||
    error instanceof PredicateResultError
  ) {
    return new InputError(`Model ${instance.name}: the ${where} ${error.message}, at depth ${depth}${at}.`, {
      cause: error,
    });
  }
  const message = error instanceof StateValueError
    ? `set a value outside its domain: ${error.message}`
    : `threw ${thrown(error)}`;
  return new InputError(`Model ${instance.name}, ${where} at depth ${depth}, ${message}${at}.`, {
    cause: error,
  });
}

/** What was thrown: `TypeError: message` for an error, else the value itself (`throw 42` threw 42). */
function thrown(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  if (error instanceof Error || (typeof error === "object" && typeof message === "string")) {
    const name = (error as { name?: unknown }).name;
    return `${typeof name === "string" && name !== "" ? name : "an error"}: ${message}`;
  }
  return describe(error);
}
