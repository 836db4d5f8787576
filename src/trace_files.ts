/**
 * Writing a counterexample to disk in both forms, text and ITF JSON, each file whole or not at all.
 *
 * @module
 */

import type { PropertyResult } from "./check.ts";
import { toItf } from "./trace_itf.ts";
import { formatTraceText } from "./trace_text.ts";
import { writeFileAtomic } from "./write_atomic.ts";

/** The headline of a property's counterexample: `Invariant x is violated.` */
export function headline(p: PropertyResult): string {
  switch (p.kind) {
    case "always":
      return `Invariant ${p.name} is violated.`;
    case "transition":
      return `Transition property ${p.name} is violated by the last step.`;
    case "deadlock":
      return "Deadlock reached: no action is enabled and the state is not terminal.";
    case "sometimes":
      return `Witness for ${p.name}.`;
  }
}

/** Writes `<dir>/<property>.txt` and `<dir>/<property>.itf.json`; returns the ITF path. */
export async function writeTraceFiles(dir: string, p: PropertyResult): Promise<string> {
  if (!p.trace) throw new TypeError(`Property ${p.name} has no trace to write`);
  const base = `${dir.replace(/\/+$/, "")}/${p.name}`;
  const itf = `${base}.itf.json`;
  await writeFileAtomic(`${base}.txt`, formatTraceText(p.trace, headline(p)));
  await writeFileAtomic(
    itf,
    JSON.stringify(toItf(p.trace, { property: p.name, description: headline(p) }), null, 1) + "\n",
  );
  return itf;
}
