/**
 * Running a proof gate: check its model with its parameters and compare every property's status with
 * the expectation. A gate is met only when every property is listed and matches (violations with the
 * exact shortest trace length), the search stored at least `minStates` states, and no limit cut the
 * search short.
 *
 * @module
 */

import { checkInstanceParallel, type CheckResult, type PropertyResult } from "./check.ts";
import { InputError } from "../errors.ts";
import type { Expectation, Gate } from "./gate.ts";
import type { Library } from "./library.ts";
import { instantiate } from "../model/model.ts";
import type { WorkerPool } from "../search/parallel_search.ts";
import type { SearchOptions } from "../search/search.ts";

/** What a gate expects, summed up as the check table shows it. */
export interface ExpectedOutcome {
  /** `violated` when the gate expects some safety property (or deadlock) to be violated. */
  readonly safety: "holds" | "violated";
  /** Witnesses the gate expects found, of the witnesses it lists. */
  readonly witnesses: { readonly witnessed: number; readonly total: number };
}

/**
 * The outcome a gate expects: `witnessed` and `not witnessed` are expectations of witnesses, the rest of
 * safety properties.
 *
 * @example
 * ```ts
 * import { expectedOutcome } from "./gate_runner.ts";
 * import { gate } from "./gate.ts";
 * const g = gate({
 *   name: "g", model: "m", params: {}, minStates: 1, why: "an example",
 *   expect: { inv: "holds", reached: "witnessed", never: "not witnessed" },
 * });
 * const e = expectedOutcome(g);
 * console.assert(e.safety === "holds" && e.witnesses.witnessed === 1 && e.witnesses.total === 2);
 * ```
 */
export function expectedOutcome(gate: Gate): ExpectedOutcome {
  const all = Object.values(gate.expect);
  const witnesses = all.filter((e) => e === "witnessed" || e === "not witnessed");
  return {
    safety: all.some((e) => typeof e === "object") ? "violated" : "holds",
    witnesses: { witnessed: witnesses.filter((e) => e === "witnessed").length, total: witnesses.length },
  };
}

/** The outcome of one gate. */
export interface GateResult {
  readonly gate: Gate;
  readonly result: CheckResult;
  readonly expected: ExpectedOutcome;
  readonly met: boolean;
  /** Why the gate was missed, one line each (empty when met). */
  readonly problems: readonly string[];
}

/** Describes an expectation: `holds`, `violated in 4 steps`. */
export function describeExpectation(e: Expectation): string {
  return typeof e === "string" ? e : `violated in ${e.violated} steps`;
}

/** Describes a property's result in the words of an expectation: `holds`, `violated in 4 steps`. */
export function describeStatus(p: PropertyResult): string {
  return p.status === "violated" ? `violated in ${p.traceLength} steps` : p.status;
}

/** Whether a property's result is what the gate expects of it. */
export function matches(e: Expectation, p: PropertyResult): boolean {
  if (typeof e === "string") return e === p.status;
  return p.status === "violated" && p.traceLength === e.violated;
}

/** Runs one gate on `workers` threads. Unknown models or parameters throw an InputError. */
export async function runGate(
  gate: Gate,
  library: Pick<Library, "models" | "modelsModule">,
  options: SearchOptions & { workers?: number | WorkerPool } = {},
): Promise<GateResult> {
  const model = library.models.get(gate.model);
  if (!model) {
    throw new InputError(
      `Gate ${gate.name} names model "${gate.model}", which the model library does not register.`,
    );
  }
  const instance = instantiate(model, gate.params);
  const { workers = 1, ...search } = options;
  const result = await checkInstanceParallel(
    instance,
    { registry: library.modelsModule, name: gate.model },
    workers,
    {
      ...search,
      ...(gate.maxStates !== undefined ? { maxStates: gate.maxStates } : {}),
    },
  );
  const problems: string[] = [];
  for (const p of result.properties) {
    const e = Object.hasOwn(gate.expect, p.name) ? gate.expect[p.name] : undefined;
    if (e === undefined) problems.push(`property ${p.name} has no expectation (it is ${describeStatus(p)})`);
    else if (!matches(e, p)) {
      problems.push(`property ${p.name} is ${describeStatus(p)}, expected ${describeExpectation(e)}`);
    }
  }
  for (const name of Object.keys(gate.expect)) {
    if (!result.properties.some((p) => p.name === name)) {
      problems.push(`the gate expects property ${name}, which model ${gate.model} does not have`);
    }
  }
  if (result.distinctStates < gate.minStates) {
    problems.push(
      `only ${result.distinctStates} distinct states, fewer than the gate's minimum ${gate.minStates}`,
    );
  }
  if (result.limit) problems.push(`the search hit its ${result.limit} limit`);
  return { gate, result, expected: expectedOutcome(gate), met: problems.length === 0, problems };
}
