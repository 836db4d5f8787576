/**
 * Checking that a sequence of states is a run of a model: the first state is an initial state and
 * each next state is the result of some enabled action (the recorded one, when the trace names it).
 * Used by `replay` to read back traces written by hvcheck or by other ITF tools.
 *
 * @module
 */

import type { Value } from "./domain.ts";
import type { ModelInstance } from "./model.ts";
import { type ActionLabel, formatAction } from "./properties.ts";
import { modelFailure } from "./model_failure.ts";
import { assignValue, createReadonlyView, createView, toValue } from "./state_view.ts";

/** The verdict of a replay. */
export type ReplayResult =
  | { readonly ok: true; readonly steps: number; readonly actions: readonly ActionLabel[] }
  | { readonly ok: false; readonly step: number; readonly reason: string };

function sameLabel(a: ActionLabel, b: ActionLabel): boolean {
  if (a.name !== b.name) return false;
  const keys = Object.keys(a.params);
  return keys.length === Object.keys(b.params).length && keys.every((k) => a.params[k] === b.params[k]);
}

function equalWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks `states` (plain values already checked against the domains) against the model. */
export function replayStates(
  instance: ModelInstance,
  states: readonly Record<string, Value>[],
  recorded: readonly (ActionLabel | undefined)[] = [],
): ReplayResult {
  const width = instance.words;
  const packed = states.map((state) => {
    const words = new Uint32Array(width);
    assignValue(createView(words, instance.shape), state);
    return words;
  });
  const scratch = new Uint32Array(width);
  const view = createView(scratch, instance.shape);
  /** Names the variables in which the scratch state differs from `target`. */
  const differing = (target: Uint32Array): string => {
    const got = toValue(view) as Record<string, Value>;
    const want = toValue(createView(target, instance.shape)) as Record<string, Value>;
    return Object.keys(got).filter((name) => JSON.stringify(got[name]) !== JSON.stringify(want[name])).join(
      ", ",
    );
  };

  const initMatches = instance.inits.some((init, k) => {
    scratch.fill(0);
    try {
      init(view, instance.params);
    } catch (error) {
      throw modelFailure(instance, `init #${k}`, 0, error);
    }
    return equalWords(scratch, packed[0]!);
  });
  if (!initMatches) {
    return {
      ok: false,
      step: 0,
      reason: `State #0 is not an initial state of model ${instance.name} (it differs in ${
        differing(packed[0]!)
      }).`,
    };
  }

  const before = new Uint32Array(width);
  const beforeView = createReadonlyView(before, instance.shape);
  const taken: ActionLabel[] = [];
  for (let step = 1; step < packed.length; step++) {
    before.set(packed[step - 1]!);
    const wanted = recorded[step - 1];
    let match: ActionLabel | undefined;
    let wantedReason = "";
    for (const act of instance.actions) {
      if (wanted && !sameLabel(act.label, wanted)) continue;
      let enabled: boolean;
      try {
        enabled = act.guard === undefined || act.guard(beforeView, act.label.params);
        if (enabled) {
          scratch.set(before);
          act.effect(view, act.label.params);
        }
      } catch (error) {
        throw modelFailure(instance, `action ${act.text}`, step - 1, error);
      }
      if (!enabled) {
        if (wanted) wantedReason = `action ${formatAction(wanted)} is not enabled in state #${step - 1}`;
        continue;
      }
      if (equalWords(scratch, packed[step]!)) {
        match = act.label;
        break;
      }
      if (wanted) {
        wantedReason = `action ${formatAction(wanted)} leads to a different state (it differs in ${
          differing(packed[step]!)
        })`;
      }
    }
    if (!match) {
      const reason = wanted
        ? (wantedReason || `model ${instance.name} has no action ${formatAction(wanted)}`)
        : `no action of model ${instance.name} leads from state #${step - 1} to state #${step}`;
      return { ok: false, step, reason: `Step ${step}: ${reason}.` };
    }
    taken.push(match);
  }
  return { ok: true, steps: packed.length - 1, actions: taken };
}
