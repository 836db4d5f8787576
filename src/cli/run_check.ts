/**
 * `check [GATE...]`: runs the proof gates (the named ones, or all but those tagged slow) one after the
 * other on one pool of threads, and hands back each gate's row as it is met or missed, then its traces
 * for `OUT/traces/<gate>/`, and with `--junit FILE` and `--html FILE` the results as JUnit XML and an HTML
 * report. Exit 1 when a gate is missed.
 *
 * @module
 */

import { type CommandContext, type CommandRun, EXIT, file, out, type TracePaths, traces } from "./command.ts";
import type { CheckArgs } from "./cli_options.ts";
import type { Gate } from "../check/gate.ts";
import { type GateResult, runGate } from "../check/gate_runner.ts";
import { withFailureTrace } from "../check/trace_files.ts";
import { InputError } from "../errors.ts";
import { WorkerPool } from "../search/parallel_search.ts";
import type { SearchOptions } from "../search/search.ts";
import { closest } from "../state/names.ts";
import { formatJunit } from "../report/junit.ts";
import { actorsOf } from "../model/actors.ts";
import { instantiate } from "../model/model.ts";
import { reportFiles } from "./report_files.ts";
import { formatCheckSummary, formatGateRow, formatTable, gateJson, tableHeader } from "./report_check.ts";

/** The gates `names` (each a known gate, or an InputError with the closest one), or by default all but slow ones. */
export function selectGates(gates: readonly Gate[], names: readonly string[], slow: boolean): Gate[] {
  const known = new Map(gates.map((g) => [g.name, g]));
  for (const name of names) {
    if (!known.has(name)) {
      const guess = closest(name, [...known.keys()]);
      throw new InputError(
        `Unknown gate "${name}".${guess ? ` Did you mean ${guess}?` : ""} Gates: ${
          [...known.keys()].join(", ")
        }.`,
      );
    }
  }
  return names.length
    ? names.map((name) => known.get(name)!)
    : gates.filter((g) => slow || !g.tags?.includes("slow"));
}

/** Runs `check`. */
export async function* runCheck(args: CheckArgs, context: CommandContext): CommandRun {
  const { json, verbose, junit, html, out: outDir } = args.options;
  const { library, onProgress } = context;
  const selected = selectGates(library.gates, args.positionals, args.options.slow);
  const count = args.options.workers;
  // One pool of threads serves every gate: they start and load the model library once.
  const workers = count > 1 ? new WorkerPool(count) : 1;
  const options: SearchOptions & { workers: number | WorkerPool } = {
    workers,
    ...(onProgress ? { onProgress } : {}),
  };
  const results: GateResult[] = [];
  const tracePaths = new Map<GateResult, TracePaths>();
  if (!json) yield out(formatTable(tableHeader));
  try {
    for (const gate of selected) {
      const dir = `${outDir}/traces/${gate.name}`;
      const result = await runGate(gate, library, options).catch(async (error) => {
        throw await withFailureTrace(dir, error);
      });
      results.push(result);
      // The row comes before the traces are written, so a failing write cannot hide it.
      if (!json) yield out(formatGateRow(result, verbose));
      tracePaths.set(result, yield traces(dir, result.result));
    }
  } finally {
    if (typeof workers !== "number") workers.close();
  }
  yield out(
    json
      ? JSON.stringify(results.map((r) => gateJson(r, tracePaths.get(r) ?? {})), null, 2)
      : formatCheckSummary(results),
  );
  if (junit !== undefined) yield file(junit, formatJunit(results, tracePaths));
  if (html !== undefined) {
    const runs = results.map((r) => ({
      name: r.gate.name,
      result: r.result,
      gate: r,
      actorOf: actorsOf(instantiate(library.models.get(r.gate.model)!, r.gate.params)),
    }));
    for (const output of reportFiles(html, "hvcheck check", runs)) yield output;
  }
  return results.every((r) => r.met) ? EXIT.ok : EXIT.violated;
}
