/**
 * Human-readable reporting: the progress line, the gate table, the explore summary.
 *
 * @module
 */

import type { CheckResult } from "./check.ts";
import type { Progress } from "./search.ts";

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Bytes as MiB with one decimal. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The progress line shown on stderr while a search runs. */
export function formatProgress(p: Progress): string {
  return `hvcheck: ${formatCount(p.distinctStates)} distinct, ${
    formatCount(p.transitions)
  } generated, depth ${p.depth}, ` +
    `queue ${formatCount(p.queue)}, ${formatCount(p.statesPerSecond)} states/s, ${
      formatBytes(p.memoryBytes)
    }, ` +
    `${p.seconds.toFixed(0)} s`;
}

const widths = [56, 10, 10, 12, 6, 8, 0];

/** Rows padded to the gate table's columns. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" ").trimEnd()).join("\n");
}

/** The summary `explore` prints. */
export function formatResultText(
  result: CheckResult,
  tracePaths: Record<string, string>,
  reproduce: string,
): string {
  const params = Object.entries(result.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines = [
    `Model ${result.model}${params ? ` (${params})` : ""}: ${result.verdict.toUpperCase()}${
      result.limit ? ` (${result.limit} limit hit)` : ""
    }`,
    `  ${formatCount(result.distinctStates)} distinct states, ${
      formatCount(result.transitions)
    } transitions, depth ${result.depth}`,
    `  ${result.seconds.toFixed(2)} s, ${formatCount(result.statesPerSecond)} states/s, peak ${
      formatBytes(result.peakMemoryBytes)
    }, ${(result.storeBytes / Math.max(1, result.distinctStates)).toFixed(1)} bytes/state in the store`,
    result.exact
      ? "  exact mode: no state can be hidden by a collision"
      : `  fingerprint collision probability ~${result.collisionProbability.toExponential(2)} (bound ${
        result.collisionProbabilityBound.toExponential(2)
      }); --exact to rule it out`,
    "Properties:",
  ];
  for (const p of result.properties) {
    const trace = p.traceLength !== undefined && p.status !== "holds" ? ` (${p.traceLength} steps)` : "";
    lines.push(`  ${p.name.padEnd(36)} ${p.kind.padEnd(10)} ${p.status}${trace}`);
    if (tracePaths[p.name]) lines.push(`    trace: ${tracePaths[p.name]} (and .txt)`);
  }
  lines.push(`Actions fired: ${result.actions.map((a) => `${a.name} ${formatCount(a.fired)}`).join(", ")}`);
  if (result.unfiredActions.length && result.complete) {
    lines.push(
      `Warning: these actions never fired (a modelling mistake?): ${result.unfiredActions.join(", ")}`,
    );
  }
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);
  lines.push(`Reproduce: ${reproduce}`);
  return lines.join("\n");
}
