/**
 * Writing a trace to disk in both forms, text and ITF JSON, each file whole or not at all: the
 * counterexample of each violated property, the witness of each witnessed `sometimes`, and the run
 * to the state where model code failed.
 *
 * @module
 */

import type { PropertyResult } from "./check.ts";
import { TracedError } from "../trace/failure_site.ts";
import { InputError } from "../errors.ts";
import { findingHeadline } from "../model/properties.ts";
import type { Trace } from "../trace/trace.ts";
import { toItf } from "../trace/trace_itf.ts";
import { formatTraceText } from "../trace/trace_text.ts";
import { writeFileAtomic } from "../store/write_atomic.ts";

/** The headline of a property's trace: `Invariant x is violated.`, `Witness: x holds in the last state.` */
/** The trace file written for each property, by property name. */
export type TracePaths = Readonly<Record<string, string>>;

export function headline(p: PropertyResult): string {
  return findingHeadline(p.kind, p.name);
}

/** Whether a property's result comes with a trace to write: a counterexample or a witness. */
export function hasTraceFiles(p: PropertyResult): boolean {
  return p.trace !== undefined && (p.status === "violated" || p.status === "witnessed");
}

/** Writes `<dir>/<name>.txt` and `<dir>/<name>.itf.json`; returns the ITF path. */
async function writeBoth(dir: string, name: string, trace: Trace, title: string, property?: string) {
  const base = `${dir.replace(/\/+$/, "")}/${name}`;
  const itf = `${base}.itf.json`;
  // The ITF file first: it is what the next run recognises as hvcheck's (src/check/trace_folder.ts), so a run
  // killed in between leaves nothing that run cannot remove.
  await writeFileAtomic(
    itf,
    JSON.stringify(toItf(trace, { ...(property ? { property } : {}), description: title }), null, 1) + "\n",
  );
  await writeFileAtomic(`${base}.txt`, formatTraceText(trace, title));
  return itf;
}

/** Writes `<dir>/<property>.txt` and `<dir>/<property>.itf.json`; returns the ITF path. */
export async function writeTraceFiles(dir: string, p: PropertyResult): Promise<string> {
  if (!p.trace) throw new TypeError(`Property ${p.name} has no trace to write`);
  return await writeBoth(dir, p.name, p.trace, headline(p), p.name);
}

/** Writes the trace of every property that has one (see hasTraceFiles); returns the ITF paths by name. */
export async function writePropertyTraces(
  dir: string,
  properties: readonly PropertyResult[],
): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const p of properties) if (hasTraceFiles(p)) paths[p.name] = await writeTraceFiles(dir, p);
  return paths;
}

/** Base name of the trace written for a model error: no property can have it (they have no `-`). */
export const MODEL_ERROR_TRACE = "model-error";

/**
 * For an error from model code that carries the run to the state where it happened (a TracedError),
 * writes that run to `<dir>/model-error.{txt,itf.json}` and returns the error with the path in its
 * message; returns any other error as it is. A failure to write keeps the original error.
 */
export async function withFailureTrace(dir: string, error: unknown): Promise<unknown> {
  if (!(error instanceof TracedError) || error.trace === undefined) return error;
  const trace = error.trace;
  const steps = trace.actions.length + (trace.failing ? 1 : 0);
  let where: string;
  try {
    const itf = await writeBoth(dir, MODEL_ERROR_TRACE, trace, `Model error: ${error.message}`);
    where = `The run to that state (${steps} steps) is in ${itf.replace(/\.itf\.json$/, ".txt")} and ${itf}.`;
  } catch (cause) {
    where = `The run to that state could not be written: ${(cause as Error)?.message ?? String(cause)}.`;
  }
  return new InputError(`${error.message} ${where}`, { cause: error });
}
