/**
 * Whether a lasso shows the violation of a liveness property: the behaviour that goes round its cycle
 * forever (or stutters at its last state) is fair and never satisfies what the property asks for.
 * The liveness pass checks its own lassos with it before it reports them, and `replay` checks the
 * lassos of trace files with it, so both judge a lasso by the same rules.
 *
 * The steps are taken as given: the caller has replayed them (and the closing step back to the loop).
 *
 * @module
 */

import type { ActionInstance, ModelInstance } from "../model/model.ts";
import type { LivenessProperty } from "../model/properties.ts";
import type { Stepper } from "../model/step.ts";

/** A lasso as packed states: `states[i]` goes to `states[i + 1]` by `actions[i]`, the last back to `loop`. */
export interface PackedLasso {
  readonly states: readonly Uint32Array[];
  /** n - 1 actions, then the closing one; n - 1 only when the behaviour stutters at the last state. */
  readonly actions: readonly ActionInstance[];
  readonly loop: number;
}

/** What a lasso shows of a liveness property. */
export type LassoVerdict =
  | {
    readonly shown: true; /** Where a leadsTo's trigger holds (0 for eventually). */
    readonly trigger: number;
  }
  | {
    readonly shown: false; /** Why not, as a clause: "the cycle is not fair to x (weak fairness)". */
    readonly why: string;
  };

/** Whether `act` is enabled in `state` as liveness takes it: its guard holds and its effect makes a state. */
export function hasSuccessor(
  stepper: Stepper,
  state: Uint32Array,
  act: ActionInstance,
  depth: number,
): boolean {
  return stepper.enabled(state, act, depth) && !stepper.apply(state, act, depth).asserted;
}

/** Judges `lasso` against `property` (see the module comment). */
export function judgeLasso(
  instance: ModelInstance,
  stepper: Stepper,
  lasso: PackedLasso,
  property: LivenessProperty,
): LassoVerdict {
  const { states, actions, loop } = lasso;
  const n = states.length;
  if (actions.length === n - 1) {
    const last = states[n - 1]!;
    const terminal = instance.terminal !== undefined && stepper.terminal(last, n - 1);
    if (loop !== n - 1) return { shown: false, why: `it has no step back to state ${loop + 1}` };
    if (!terminal && instance.actions.some((a) => hasSuccessor(stepper, last, a, n - 1))) {
      return { shown: false, why: `it stops at state ${n}, where the behaviour cannot end` };
    }
  } else {
    const taken = new Set(actions.slice(loop).map((a) => a.index));
    for (const act of instance.actions) {
      if (act.fairness === "none" || taken.has(act.index)) continue;
      let enabled = 0;
      for (let i = loop; i < n; i++) if (hasSuccessor(stepper, states[i]!, act, i)) enabled++;
      if (act.fairness === "weak" ? enabled === n - loop : enabled > 0) {
        return { shown: false, why: `its cycle is not fair to ${act.text} (${act.fairness} fairness)` };
      }
    }
  }
  const where = `property ${property.name}`;
  const holds = (f: (s: never) => boolean, i: number) => stepper.satisfies(f, states[i]!, i, where);
  if (property.kind === "eventually") {
    for (let i = 0; i < n; i++) {
      if (holds(property.predicate, i)) {
        return { shown: false, why: `${property.name} holds at state ${i + 1}` };
      }
    }
    return { shown: true, trigger: 0 };
  }
  // The last trigger the response never follows; from the loop on, every state comes again.
  let answered = false;
  for (let i = loop; i < n; i++) answered ||= holds(property.response, i);
  for (let k = n - 1; k >= 0; k--) {
    if (k < loop) answered ||= holds(property.response, k);
    if (answered) break;
    if (holds(property.trigger, k)) return { shown: true, trigger: k };
  }
  return {
    shown: false,
    why: `no state where the trigger of ${property.name} holds goes without its response`,
  };
}
