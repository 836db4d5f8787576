/**
 * Human-readable reporting: the progress line, the gate table, the explore summary.
 *
 * @module
 */

import { isLiveness, isSafety } from "../model/properties.ts";
import type { CheckResult, WitnessCount } from "../check/check.ts";
import type { Progress } from "../search/search.ts";

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
 * Witnesses found of those declared: `2/3`, `-` when there are none, and a `?` when a limit left some
 * undecided.
 */
export function formatWitnesses(
  w: Pick<WitnessCount, "witnessed" | "total"> & { undecided?: number },
): string {
  if (w.total === 0) return "-";
  return `${w.witnessed}/${w.total}${w.undecided ? "?" : ""}`;
}

/** The headline's outcome: `safety HOLDS, witnesses 1/3 (not witnessed: a, b)`. */
export function formatOutcome(result: CheckResult): string {
  const missing = result.properties.filter((p) => p.status === "not witnessed").map((p) => p.name);
  const violatedOf = (live: boolean) =>
    result.properties.filter((p) =>
      isSafety(p.kind) && isLiveness(p.kind) === live && p.status === "violated"
    )
      .map((p) => p.name);
  const named = (names: string[]) => names.length ? ` (${names.join(", ")})` : "";
  const safety = `safety ${result.safety.toUpperCase()}${named(violatedOf(false))}${
    result.liveness ? `, liveness ${result.liveness.toUpperCase()}${named(violatedOf(true))}` : ""
  }`;
  if (result.witnesses.total === 0) return `${safety}, no witnesses declared`;
  return `${safety}, witnesses ${formatWitnesses(result.witnesses)} witnessed${
    missing.length ? ` (not witnessed: ${missing.join(", ")})` : ""
  }`;
}

/** The summary `explore` prints. */
export function formatResultText(
  result: CheckResult,
  tracePaths: Record<string, string>,
  reproduce: string,
): string {
  const params = Object.entries(result.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines = [
    `Model ${result.model}${params ? ` (${params})` : ""}: ${formatOutcome(result)}${
      result.limit ? ` (${result.limit} limit hit)` : ""
    }`,
    ...(result.safety === "holds" && result.witnesses.notWitnessed > 0
      ? [
        `  verdict: violated, because a witness was never reached: the model may not do what it should ` +
        `(a gate that expects "not witnessed" accepts this)`,
      ]
      : []),
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

/** A word as a POSIX shell reads it back: quoted only when it needs to be. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Whether `path` (relative to the working folder) lies outside it. */
function outsideCwd(path: string): boolean {
  return path.startsWith("/") || path === ".." || path.startsWith("../");
}

/** The folders a reproduced run reads and writes, besides the working folder. */
export interface RunPermissions {
  /** Folders read outside the working folder (a model file elsewhere, an --out elsewhere). */
  readonly read: readonly string[];
  /** Folders written. */
  readonly write: readonly string[];
}

/**
 * The command that runs `args` again on a machine set up as README says (Node and npm, Deno from npm),
 * with the least permissions the run needs: reads of the working folder (and of `read`), writes of
 * `write`, and the system memory figure for the default memory budget.
 *
 * @example
 * ```ts
 * import { reproduceLine } from "./report.ts";
 * const line = reproduceLine(["explore", "page_ownership", "--set", "pages=2"], { read: [], write: ["out"] });
 * console.assert(line === "npx -y deno@2.9.6 run --allow-read=. --allow-write=out " +
 *   "--allow-sys=systemMemoryInfo mod.ts explore page_ownership --set pages=2");
 * ```
 */
export function reproduceLine(args: readonly string[], permissions: RunPermissions): string {
  const unique = (paths: readonly string[]) => [...new Set(paths.map((p) => p.replace(/(.)\/+$/, "$1")))];
  const read = unique([".", ...permissions.read.filter(outsideCwd), ...permissions.write.filter(outsideCwd)]);
  const write = unique(permissions.write);
  return [
    "npx -y deno@2.9.6 run",
    ...[
      `--allow-read=${read.join(",")}`,
      ...(write.length ? [`--allow-write=${write.join(",")}`] : []),
      "--allow-sys=systemMemoryInfo",
      "mod.ts",
      ...args,
    ].map(shellQuote),
  ].join(" ");
}
