/**
 * What a mutant's gate run says about it. A mutant is caught only by a property whose proved status a gate
 * relies on: an invariant or liveness property expected to hold that is now violated, a witness expected
 * to be found that is not (or one expected never to be found that is). A gate that expects a violation and
 * now sees none, a different trace length or a smaller state count do not count: they describe a buggy
 * variant or the model's size, not a proof the mutant broke.
 *
 * @module
 */

/** One property of one gate, as `check --json` prints it. */
export interface GateProperty {
  readonly name: string;
  readonly status: string;
  /** `holds`, `witnessed`, `not witnessed` or `violated in n steps`; absent when the gate lists none. */
  readonly expected?: string;
}

/** One gate, as `check --json` prints it (the fields this module reads). */
export interface GateReport {
  readonly gate: string;
  readonly met: boolean;
  /** `holds` for a gate of a fixed variant (no violation expected), `violated` for a buggy one. */
  readonly expectedSafety?: string;
  readonly problems: readonly string[];
  readonly properties: readonly GateProperty[];
}

/** A proved claim the mutant broke. */
export interface Catch {
  readonly gate: string;
  readonly property: string;
  readonly expected: string;
  readonly status: string;
}

/** The verdict on one mutant. */
export type MutantVerdict =
  | { readonly kind: "caught"; readonly by: readonly Catch[] }
  /** `noise`: the gates' other complaints (a state floor, a trace length), which do not count. */
  | { readonly kind: "survived"; readonly noise: readonly string[] }
  /** The run could not decide a relied-on property (a limit, a timeout, a crash, a bad edit). */
  | { readonly kind: "inconclusive"; readonly why: string };

/** The statuses that refute each expectation a gate relies on. */
const refutes: Readonly<Record<string, string>> = {
  "holds": "violated",
  "witnessed": "not witnessed",
  "not witnessed": "witnessed",
};

/**
 * Judges a mutant from the gate reports of its run.
 *
 * @example
 * ```ts
 * import { judgeMutant } from "./verdict.ts";
 * const v = judgeMutant([{
 *   gate: "g", met: false, problems: ["property inv is violated in 3 steps, expected holds"],
 *   properties: [{ name: "inv", status: "violated", expected: "holds" }],
 * }]);
 * console.assert(v.kind === "caught");
 * ```
 */
export function judgeMutant(reports: readonly GateReport[]): MutantVerdict {
  const by: Catch[] = [];
  const undecided: string[] = [];
  for (const report of reports) {
    for (const p of report.properties) {
      const refuted = p.expected === undefined ? undefined : refutes[p.expected];
      if (refuted === undefined) continue; // an expected violation, "violated in n steps"
      if (p.status === refuted) {
        by.push({ gate: report.gate, property: p.name, expected: p.expected!, status: p.status });
      } else if (p.status !== p.expected) undecided.push(`${report.gate}: ${p.name} is ${p.status}`);
    }
  }
  // A fixed variant's proof that breaks is the telling catch: it comes first.
  const fixed = new Set(reports.filter((r) => r.expectedSafety === "holds").map((r) => r.gate));
  by.sort((a, b) => Number(fixed.has(b.gate)) - Number(fixed.has(a.gate)));
  if (by.length > 0) return { kind: "caught", by };
  if (undecided.length > 0) return { kind: "inconclusive", why: undecided.join("; ") };
  return { kind: "survived", noise: reports.flatMap((r) => r.problems.map((p) => `${r.gate}: ${p}`)) };
}
