/**
 * Traces: runs of a model as plain states and the actions between them.
 *
 * The search keeps no states for traces, only each state's parent id and action index. A trace is
 * rebuilt by following parents back to an initial state and replaying the actions forward from it.
 * Replay checks every step (the action is enabled, the state is one the search stored), so a model
 * whose guards or effects depend on anything outside the state (a global, Math.random, a mutable
 * closure) is caught and named instead of producing a wrong trace.
 *
 * @module
 */

import type { Value } from "./domain.ts";
import { InputError } from "./errors.ts";
import { fingerprint } from "./fingerprint.ts";
import type { ModelInstance } from "./model.ts";
import type { ActionLabel } from "./properties.ts";
import { modelFailure, NO_PARENT, type SearchOutcome } from "./search.ts";
import { createView, toValue } from "./state_view.ts";

/** A run of a model: `states[i + 1]` is `states[i]` after `actions[i]`. */
export interface Trace {
  readonly model: string;
  readonly params: Readonly<Record<string, Value>>;
  /** Which initial state the run starts from (index into the model's inits). */
  readonly initIndex: number;
  readonly states: readonly Readonly<Record<string, Value>>[];
  readonly actions: readonly ActionLabel[];
}

/** The model cannot reproduce a run the search or a trace file describes. */
export class ReplayError extends InputError {
  /** Index of the first step that cannot be taken (0 is the initial state). */
  readonly step: number;
  constructor(message: string, step: number) {
    super(message);
    this.name = "ReplayError";
    this.step = step;
  }
}

/** The action indices on the path from an initial state to `stateId`, and which init it starts from. */
function pathTo(outcome: SearchOutcome, stateId: number): { initIndex: number; actions: number[] } {
  const actions: number[] = [];
  let id = stateId;
  while (outcome.parents.get(id) !== NO_PARENT) {
    actions.push(outcome.actionsTaken.get(id));
    id = outcome.parents.get(id);
  }
  return { initIndex: outcome.actionsTaken.get(id), actions: actions.reverse() };
}

/**
 * Rebuilds the trace to `stateId`, then takes `finalAction` from it when given (a transition
 * property's violating step). Throws a ReplayError when the replay leaves the states the search saw.
 */
export function rebuildTrace(
  instance: ModelInstance,
  outcome: SearchOutcome,
  stateId: number,
  finalAction = -1,
): Trace {
  const { initIndex, actions } = pathTo(outcome, stateId);
  if (finalAction >= 0) actions.push(finalAction);
  return replayActions(instance, initIndex, actions, (words, step) => {
    if (step === actions.length && finalAction >= 0) return; // the last step of a transition violation
    const fp = new Uint32Array(2);
    fingerprint(words, 0, words.length, fp);
    if (!outcome.visited.has(words, 0, fp)) {
      throw new ReplayError(
        `Replaying the trace of model ${instance.name} reached, at step ${step}, a state the search never ` +
          `stored: the model is nondeterministic (a guard, effect or init depends on something outside the ` +
          `state, such as a global variable, Math.random or a mutable closure).`,
        step,
      );
    }
  });
}

/** Replays action indices from an initial state; `verify` sees every state's words (step 0 is the init). */
export function replayActions(
  instance: ModelInstance,
  initIndex: number,
  actionIndices: readonly number[],
  verify: (words: Uint32Array, step: number) => void = () => {},
): Trace {
  const words = new Uint32Array(instance.words);
  const before = new Uint32Array(instance.words);
  const view = createView(words, instance.shape);
  const beforeView = createView(before, instance.shape);
  const init = instance.inits[initIndex];
  if (!init) throw new ReplayError(`Model ${instance.name} has no initial state #${initIndex}.`, 0);
  try {
    init(view, instance.params);
  } catch (error) {
    throw modelFailure(instance, "init", 0, error);
  }
  verify(words, 0);
  const states = [Object.freeze(toValue(view))];
  const labels: ActionLabel[] = [];
  actionIndices.forEach((index, i) => {
    const act = instance.actions[index];
    if (!act) throw new ReplayError(`Model ${instance.name} has no action #${index} (step ${i + 1}).`, i + 1);
    before.set(words);
    let enabled: boolean;
    try {
      enabled = act.guard === undefined || act.guard(beforeView, act.label.params);
      if (enabled) act.effect(view, act.label.params);
    } catch (error) {
      throw modelFailure(instance, `action ${act.text}`, i, error);
    }
    if (!enabled) {
      throw new ReplayError(
        `Replaying model ${instance.name}: action ${act.text} is not enabled at step ${
          i + 1
        }; the model is ` +
          `nondeterministic (its guards depend on something outside the state).`,
        i + 1,
      );
    }
    verify(words, i + 1);
    states.push(Object.freeze(toValue(view)));
    labels.push(act.label);
  });
  return Object.freeze({
    model: instance.name,
    params: instance.params,
    initIndex,
    states,
    actions: labels,
  });
}
