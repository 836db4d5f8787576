/**
 * Reporting: the progress line, the counts and outcome every command shows alike, what `explore` prints
 * (its summary, or its --json object) and what `list` prints. The gate table of `check` is in
 * src/cli/report_check.ts, what `replay` prints in src/cli/report_replay.ts.
 *
 * @module
 */

import { isLiveness, isSafety } from "../model/properties.ts";
import type { CheckResult, PropertyResult, WitnessCount } from "../check/check.ts";
import type { Progress } from "../search/search.ts";
import type { TracePaths } from "./command.ts";
import type { Model } from "../model/model.ts";
import { describeParam } from "../model/params.ts";

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Bytes as MiB with one decimal. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The progress line shown on stderr while a search runs: counts, how far the level being expanded is,
 * the queue and its part on disk, speed, memory against the budget, and the collision probability so far.
 *
 * @example
 * ```ts
 * import { formatProgress } from "./report.ts";
 * const line = formatProgress({
 *   distinctStates: 1000, transitions: 5000, depth: 7, seconds: 2, queue: 300, spilledStates: 0,
 *   level: { size: 400, left: 100 }, statesPerSecond: 500, memoryBytes: 2 ** 27, memoryBudget: 2 ** 30,
 *   collisionProbability: 1e-12,
 * });
 * console.assert(line.includes("depth 7 (75% of 400)") && line.includes("128.0 MiB of 1024.0 MiB"));
 * ```
 */
export function formatProgress(p: Progress): string {
  const done = p.level.size > 0 ? Math.floor((100 * (p.level.size - p.level.left)) / p.level.size) : 100;
  const memory = Number.isFinite(p.memoryBudget)
    ? `${formatBytes(p.memoryBytes)} of ${formatBytes(p.memoryBudget)}`
    : formatBytes(p.memoryBytes);
  return `hvcheck: ${formatCount(p.distinctStates)} distinct, ${formatCount(p.transitions)} generated, ` +
    `depth ${p.depth} (${done}% of ${formatCount(p.level.size)}), queue ${formatCount(p.queue)}` +
    (p.spilledStates > 0 ? ` (${formatCount(p.spilledStates)} on disk)` : "") +
    `, ${formatCount(p.statesPerSecond)} states/s, ${memory}, ` +
    `collision <= ${p.collisionProbability === 0 ? "0 (exact)" : p.collisionProbability.toExponential(1)}, ` +
    `${p.seconds.toFixed(0)} s`;
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

/** The summary `explore` prints; `tracePaths` are the traces written, `reproduce` the command that runs it again. */
export function formatResultText(result: CheckResult, tracePaths: TracePaths, reproduce: string): string {
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

/** One property as `check --json` and `explore --json` print it. */
export function propertyJson(p: PropertyResult, tracePath: string | undefined): Record<string, unknown> {
  return {
    name: p.name,
    kind: p.kind,
    status: p.status,
    ...(p.traceLength !== undefined ? { traceLength: p.traceLength } : {}),
    ...(tracePath ? { tracePath } : {}),
  };
}

/** What `explore --json` prints: the result without its traces, the paths written, the Reproduce line. */
export function resultJson(result: CheckResult, paths: TracePaths, reproduce: string): unknown {
  const { properties, ...rest } = result;
  return {
    ...rest,
    properties: properties.map((p) => propertyJson(p, paths[p.name])),
    reproduce,
  };
}

/** A registered model as `list` shows it. */
export interface ModelListing {
  readonly name: string;
  readonly description: string;
  readonly params: readonly {
    readonly name: string;
    readonly kind: string;
    readonly default: unknown;
    readonly allowed: string;
    readonly description: string;
  }[];
}

/** The models `list` shows, with their parameters, defaults and allowed values (`list --json` prints this). */
export function modelListing(models: Iterable<Model>): ModelListing[] {
  return [...models].map((m) => ({
    name: m.name,
    description: m.description,
    params: Object.entries(m.params).map(([name, p]) => ({
      name,
      kind: p.kind,
      default: p.default,
      allowed: describeParam(p),
      description: p.description,
    })),
  }));
}

/** What `list` prints: each model and, indented, its parameters. */
export function formatModelListing(list: readonly ModelListing[]): string {
  return list.flatMap((m) => [
    `${m.name}: ${m.description}`,
    ...m.params.map((p) => `  ${p.name} = ${p.default}  (${p.allowed})  ${p.description}`),
  ]).join("\n");
}
