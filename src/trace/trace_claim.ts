/**
 * What a trace file says it shows, held against what its replay found. hvcheck writes the property a
 * counterexample (or witness) is of into the ITF file's top-level `#meta.property`; a file that says it
 * is a counterexample of an invariant must violate that invariant somewhere along it, or it is not the
 * evidence it claims to be, even when every step is a step of the model.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { ModelInstance } from "../model/model.ts";
import { formatAction, type PropertyKind } from "../model/properties.ts";
import type { PropertyAlongTrace, ReplayResult } from "./replay.ts";

/**
 * What a trace records that it shows (a property's violation or witness, or an action that failed in
 * its last state), and whether the replay found it.
 */
export type Claim =
  | { readonly recorded: false }
  | {
    readonly recorded: true;
    /** The property the trace is of (`#meta.property`); absent when it records only a failing action. */
    readonly property?: string;
    readonly kind?: PropertyKind;
    readonly shown: boolean;
    /** One sentence: what the trace shows of it, or what it should have shown and did not. */
    readonly text: string;
  };

/**
 * Reads `#meta.property` of a trace (`meta`) and checks it against `outcome`, the replay of a trace
 * that is a run; without one, a failing action the trace records (`#meta.failing`, the run to a model
 * error) must fail. A recorded name that is not a string or not a property of the model is bad input:
 * the file is not a trace of this model.
 */
export function checkClaim(
  meta: Readonly<Record<string, unknown>>,
  instance: ModelInstance,
  outcome: ReplayResult & { ok: true },
  source: string,
): Claim {
  const name = meta.property;
  if (name === undefined) {
    const failing = outcome.failing;
    if (!failing) return { recorded: false };
    const action = formatAction(failing.action);
    return failing.asserted === undefined
      ? {
        recorded: true,
        shown: false,
        text: `It does not show what it records: the file says that action ${action} failed in its last ` +
          `state (#meta.failing), but its effect from there completes without failing.`,
      }
      : {
        recorded: true,
        shown: true,
        text: `It shows the failure it records: action ${action} fails assertion ${failing.asserted} ` +
          `from its last state.`,
      };
  }
  const known = outcome.properties.map((p) => p.name);
  if (typeof name !== "string" || !known.includes(name)) {
    throw new InputError(
      `${source}: #meta.property is ${
        JSON.stringify(name)
      }, which is not a property of model ${instance.name} ` +
        `(its properties are ${known.join(", ") || "none"}).`,
    );
  }
  const p = outcome.properties.find((q) => q.name === name)!;
  const shown = p.status === "violated" || p.status === "witnessed";
  return {
    recorded: true,
    property: name,
    kind: p.kind,
    shown,
    text: shown ? shownText(p) : missingText(p, outcome),
  };
}

function shownText(p: PropertyAlongTrace): string {
  const where = p.kind === "transition" || p.kind === "assertion" ? `by step ${p.at}` : `at state #${p.at}`;
  return p.kind === "sometimes"
    ? `It shows the witness it records: ${p.name} holds at state #${p.at}.`
    : `It shows the violation it records: ${p.name} is violated ${where}.`;
}

/** What a trace that records `p` lacks, by the kind of property. */
function missingText(p: PropertyAlongTrace, outcome: ReplayResult & { ok: true }): string {
  const records = p.kind === "sometimes" ? `a witness of ${p.name}` : `a counterexample to ${p.name}`;
  const head = `It does not show what it records: the file says it is ${records}, but `;
  switch (p.kind) {
    case "always":
      return `${head}${p.name} holds at every state of the trace.`;
    case "deadlock":
      return `${head}no state of the trace is a deadlock.`;
    case "transition":
      return `${head}${p.name} holds on every step of the trace.`;
    case "sometimes":
      return `${head}${p.name} holds at no state of the trace.`;
    case "eventually":
      return `${head}it is not a lasso of states none of which satisfies ${p.name}.`;
    case "leadsTo":
      return `${head}it is not a lasso where ${p.name}'s trigger holds and its response never follows.`;
    case "assertion": {
      const failing = outcome.failing;
      if (!failing) {
        return `${head}no step of the trace fails it, and the file records no failing action (#meta.failing).`;
      }
      return `${head}the effect of its failing action from the last state ${
        failing.asserted === undefined
          ? "completes without failing"
          : `fails assertion ${failing.asserted}, not`
      } ${failing.asserted === undefined ? "any assertion" : p.name}.`;
    }
  }
}
