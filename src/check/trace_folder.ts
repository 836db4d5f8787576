/**
 * The trace folder of one gate or model (`out/traces/<name>/`): a run writes its counterexamples there
 * and removes the ones an earlier run left, so the folder only holds what the last run found. Only files
 * hvcheck wrote for the same model are removed: an `.itf.json` whose `#meta.source` names hvcheck and
 * whose `#meta.model` is the model, and its `.txt` twin.
 *
 * @module
 */

import type { CheckResult, PropertyResult } from "./check.ts";
import { fileProblem } from "../store/file_errors.ts";
import { hasTraceFiles, writeTraceFiles } from "./trace_files.ts";

/** Whether a property's trace is written to the folder: a counterexample or a witness. */
export function writesTrace(p: PropertyResult): boolean {
  return hasTraceFiles(p);
}

/** The trace names (file names without `.itf.json`) in `dir` that hvcheck wrote for `model`. */
async function hvcheckTraces(dir: string, model: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".itf.json")) continue;
      try {
        const doc = JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`));
        const meta = doc?.["#meta"];
        if (typeof meta?.source === "string" && meta.source.startsWith("hvcheck ") && meta.model === model) {
          names.push(entry.name.slice(0, -".itf.json".length));
        }
      } catch {
        // not JSON, or unreadable: not a file hvcheck wrote whole, so leave it
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names;
}

/**
 * Writes the traces of a run of `result.model` to `dir` and removes the traces an earlier run of that
 * model wrote there that this run did not write again; returns the ITF path of each written trace by
 * property name.
 */
export async function replaceTraces(
  dir: string,
  result: Pick<CheckResult, "model" | "properties">,
): Promise<Record<string, string>> {
  const { model, properties } = result;
  const folder = dir.replace(/\/+$/, "");
  const paths: Record<string, string> = Object.create(null); // a property may be named toString
  for (const p of properties) {
    if (!writesTrace(p)) continue;
    try {
      paths[p.name] = await writeTraceFiles(folder, p);
    } catch (error) {
      // A full disk or a read-only folder is the user's to fix: name the trace and the folder.
      throw fileProblem(error, `Could not write the trace of ${p.name} into ${folder}`) ?? error;
    }
  }
  for (const name of await hvcheckTraces(folder, model)) {
    if (Object.hasOwn(paths, name)) continue;
    await Deno.remove(`${folder}/${name}.itf.json`);
    await Deno.remove(`${folder}/${name}.txt`).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
  return paths;
}
