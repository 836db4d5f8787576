/**
 * What `check` prints: the gate table (a row per gate, with why it was missed and its warnings), the
 * `--verbose` details, the closing tally, and the `--json` array.
 *
 * @module
 */

import { describeExpectation, describeStatus, type GateResult, matches } from "../check/gate_runner.ts";
import type { CheckResult } from "../check/check.ts";
import type { TracePaths } from "./command.ts";
import { formatCount, formatWitnesses, propertyJson } from "./report.ts";

/** Columns of the gate table: name, safety got and expected, witnesses got and expected, counts, ok. */
const widths = [56, 10, 10, 9, 9, 12, 6, 8, 0];

/** The header rows of the gate table. */
export const tableHeader: readonly (readonly string[])[] = [
  ["", "safety", "", "witnesses", "", "", "", "", ""],
  ["gate", "got", "expected", "got", "expected", "states", "depth", "seconds", ""],
];

/** Rows padded to the gate table's columns. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" ").trimEnd()).join("\n");
}

/**
 * The gate table's "safety" column: safety and liveness together, as a gate's expectation counts any
 * expected violation (see gate_runner.ts).
 */
function violations(r: CheckResult): string {
  const both = [r.safety, r.liveness ?? "holds"];
  return both.includes("violated") ? "violated" : both.includes("incomplete") ? "incomplete" : "holds";
}

/** One gate's row, then why it was missed and its warnings, and with `verbose` its details. */
export function formatGateRow(result: GateResult, verbose: boolean): string {
  const r = result.result;
  return [
    formatTable([[
      result.gate.name,
      violations(r),
      result.expected.safety,
      formatWitnesses(r.witnesses),
      formatWitnesses(result.expected.witnesses),
      formatCount(r.distinctStates),
      String(r.depth),
      r.seconds.toFixed(2),
      result.met ? "ok" : "MISSED",
    ]]),
    ...result.problems.map((problem) => `    ${problem}`),
    ...r.warnings.map((warning) => `    warning: ${warning}`),
    ...(verbose ? [formatGateDetails(result)] : []),
  ].join("\n");
}

/** `check --verbose`: a gate's parameters and, per property, its kind, the expectation and the result. */
export function formatGateDetails(result: GateResult): string {
  const params = Object.entries(result.result.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines = [`    params: ${params || "(defaults)"}`];
  lines.push(`    ${"property".padEnd(40)} ${"kind".padEnd(10)} ${"expected".padEnd(22)} got`);
  for (const p of result.result.properties) {
    const e = Object.hasOwn(result.gate.expect, p.name) ? result.gate.expect[p.name] : undefined;
    const expected = e === undefined ? "(none)" : describeExpectation(e);
    const ok = e !== undefined && matches(e, p) ? "" : "  MISSED";
    lines.push(
      `    ${p.name.padEnd(40)} ${p.kind.padEnd(10)} ${expected.padEnd(22)} ${describeStatus(p)}${ok}`,
    );
  }
  return lines.join("\n");
}

/** The line under the table: how many gates were met, and which were missed. */
export function formatCheckSummary(results: readonly GateResult[]): string {
  const missed = results.filter((r) => !r.met);
  return missed.length === 0
    ? `${results.length} gates met, 0 missed.`
    : `${results.length - missed.length} gates met, ${missed.length} missed: ${
      missed.map((r) => r.gate.name).join(", ")
    }.`;
}

/** One gate as `check --json` prints it; `paths` are its traces written. */
export function gateJson(r: GateResult, paths: TracePaths): unknown {
  return {
    gate: r.gate.name,
    model: r.gate.model,
    params: r.result.params,
    expected: Object.fromEntries(
      Object.entries(r.gate.expect).map(([k, e]) => [k, describeExpectation(e)]),
    ),
    verdict: r.result.verdict,
    safety: r.result.safety,
    ...(r.result.liveness ? { liveness: r.result.liveness } : {}),
    expectedSafety: r.expected.safety,
    witnesses: r.result.witnesses,
    expectedWitnesses: r.expected.witnesses,
    met: r.met,
    problems: r.problems,
    distinctStates: r.result.distinctStates,
    minStates: r.gate.minStates,
    transitions: r.result.transitions,
    depth: r.result.depth,
    seconds: r.result.seconds,
    why: r.gate.why,
    warnings: r.result.warnings,
    properties: r.result.properties.map((p) => {
      const e = Object.hasOwn(r.gate.expect, p.name) ? r.gate.expect[p.name] : undefined;
      return {
        ...propertyJson(p, paths[p.name]),
        ...(e !== undefined ? { expected: describeExpectation(e), met: matches(e, p) } : { met: false }),
      };
    }),
  };
}
