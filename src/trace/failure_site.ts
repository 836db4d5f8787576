/**
 * Where in the search model code failed, so that the user sees the run that led there: a throwing
 * guard, an effect that wrote a value outside its domain, a property that threw, a nondeterminism
 * seen on a sample state. The worker that saw it knows only ids and action indices; the search,
 * which keeps the parents, rebuilds the trace (src/trace/trace.ts, `traceToFailure`) and the command line
 * writes it beside the counterexamples.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Trace } from "./trace.ts";

/**
 * A state the search reached: stored state `state`, or the one `reached` from stored state `parent`
 * (a new state, not stored yet); `failing` is the action that failed there, if one did.
 */
export type FailureSite =
  | { readonly state: number; readonly failing?: number }
  | { readonly parent: number; readonly reached: number; readonly failing?: number };

/** Bad input from model code at a state the search reached; `trace` is the run to it, once rebuilt. */
export class TracedError extends InputError {
  readonly site: FailureSite;
  readonly trace: Trace | undefined;
  constructor(message: string, site: FailureSite, options: ErrorOptions & { trace?: Trace } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "TracedError";
    this.site = site;
    this.trace = options.trace;
  }
}

/** `error` (an InputError from model code) located at `site`. */
export function atSite(error: InputError, site: FailureSite): TracedError {
  if (error instanceof TracedError) return error;
  return new TracedError(error.message, site, error.cause === undefined ? {} : { cause: error.cause });
}
