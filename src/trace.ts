/**
 * Traces: runs of a model as plain states and the actions between them.
 *
 * The search keeps no states for traces, only each state's parent id and action index. A trace is
 * rebuilt by following parents back to an initial state and replaying the actions forward from it.
 * Replay checks every step (the action is enabled, the state is one the search stored), so a model
 * whose guards or effects depend on anything outside the state (a global, Math.random, a mutable
 * closure) is caught and named instead of producing a wrong trace.
 *
 * Under symmetry reduction the stored chain runs over canonical representatives, which is not a run
 * of the model. The trace is then rebuilt concrete: replay the chain canonically to get the canonical
 * states s_0..s_n, then from the concrete initial state take, at each step, the first enabled action
 * (in firing order) whose successor has canonical form s_(k+1). The result is a real run of the same
 * length, which `replay` accepts without any knowledge of symmetry.
 *
 * @module
 */

import type { Value } from "./domain.ts";
import { InputError } from "./errors.ts";
import { fingerprint } from "./fingerprint.ts";
import type { ActionInstance, ModelInstance } from "./model.ts";
import type { ActionLabel, TransitionProperty } from "./properties.ts";
import { modelFailure } from "./model_failure.ts";
import { type Finding, NO_PARENT, type SearchOutcome } from "./search.ts";
import { createReadonlyView, createView, toValue } from "./state_view.ts";
import { declaredSymmetry } from "./symmetry.ts";

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

/**
 * The path to the state that `action` reaches from state `parent` (an initial state when `parent` is
 * NO_PARENT, `action` then being the init's index): which init it starts from and the action indices.
 */
function pathTo(
  outcome: SearchOutcome,
  parent: number,
  action: number,
): { initIndex: number; actions: number[] } {
  if (parent === NO_PARENT) return { initIndex: action, actions: [] };
  const actions: number[] = [action];
  let id = parent;
  while (outcome.parents.get(id) !== NO_PARENT) {
    // Parents always have smaller ids; anything else is a corrupted store, not a model problem.
    if (outcome.parents.get(id) >= id) throw new Error(`Parent chain broken at state ${id}`);
    actions.push(outcome.actionsTaken.get(id));
    id = outcome.parents.get(id);
  }
  return { initIndex: outcome.actionsTaken.get(id), actions: actions.reverse() };
}

/**
 * Rebuilds the trace of a finding: the run to its parent state, then its action. Throws a ReplayError
 * when the replay leaves the states the search stored (the last state may be one it never stored: the
 * target of a transition violation, or a state cut off by --max-states).
 */
export function rebuildTrace(instance: ModelInstance, outcome: SearchOutcome, finding: Finding): Trace {
  const { initIndex, actions } = pathTo(outcome, finding.parent, finding.action);
  const verify = (words: Uint32Array, step: number) => {
    if (step === actions.length) return;
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
  };
  if (instance.canonicalize !== undefined) {
    const property = instance.properties[finding.property];
    const violated = property?.kind === "transition" && finding.parent !== NO_PARENT ? property : undefined;
    return concreteTrace(instance, initIndex, actions, violated, verify, instance.canonicalize);
  }
  return replayActions(instance, initIndex, actions, verify);
}

function equalWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Rebuilds a concrete run from a chain of action indices over canonical representatives (see the
 * module comment). When `violated` is given, the last step is that transition property's violation,
 * and the concrete last step must violate it too.
 */
function concreteTrace(
  instance: ModelInstance,
  initIndex: number,
  actionIndices: readonly number[],
  violated: TransitionProperty | undefined,
  verify: (words: Uint32Array, step: number) => void,
  canonicalize: (words: Uint32Array) => void,
): Trace {
  const width = instance.words;
  const words = new Uint32Array(width);
  const before = new Uint32Array(width);
  const view = createView(words, instance.shape);
  const afterView = createReadonlyView(words, instance.shape);
  const beforeView = createReadonlyView(before, instance.shape);
  const init = instance.inits[initIndex];
  if (!init) throw new ReplayError(`Model ${instance.name} has no initial state #${initIndex}.`, 0);
  const runInit = () => {
    words.fill(0);
    try {
      init(view, instance.params);
    } catch (error) {
      throw modelFailure(instance, "init", 0, error);
    }
  };
  /** Applies `act` to `before` into `words`; false when it is not enabled. */
  const apply = (act: ActionInstance, step: number): boolean => {
    try {
      if (act.guard !== undefined && !act.guard(beforeView, act.label.params)) return false;
      words.set(before);
      act.effect(view, act.label.params);
    } catch (error) {
      throw modelFailure(instance, `action ${act.text}`, step, error);
    }
    return true;
  };

  // (a) The chain of canonical states, as the search stored it.
  runInit();
  canonicalize(words);
  verify(words, 0);
  const canonical = [words.slice()];
  actionIndices.forEach((index, i) => {
    const act = instance.actions[index];
    if (!act) throw new ReplayError(`Model ${instance.name} has no action #${index} (step ${i + 1}).`, i + 1);
    before.set(canonical[i]!);
    if (!apply(act, i)) {
      throw notEnabled(instance, act.text, i + 1);
    }
    canonicalize(words);
    verify(words, i + 1);
    canonical.push(words.slice());
  });

  // (b) A concrete run through the same orbits: at each step the first action, in firing order, whose
  // successor lies in the next orbit (and, on a transition violation's last step, violates it).
  runInit();
  const states = [Object.freeze(toValue(view))];
  const labels: ActionLabel[] = [];
  const next = new Uint32Array(width);
  const image = new Uint32Array(width);
  for (let i = 0; i < actionIndices.length; i++) {
    before.set(words);
    const last = violated !== undefined && i === actionIndices.length - 1;
    let taken: ActionInstance | undefined;
    for (const act of instance.actions) {
      if (!apply(act, i)) continue;
      image.set(words);
      canonicalize(image);
      if (!equalWords(image, canonical[i + 1]!)) continue;
      if (last) {
        let holds: boolean;
        try {
          holds = violated.predicate(beforeView as never, act.label, afterView as never);
        } catch (error) {
          throw modelFailure(instance, `property ${violated.name}`, i, error);
        }
        if (holds) continue;
      }
      taken = act;
      next.set(words);
      break;
    }
    if (!taken) {
      throw new ReplayError(
        `Rebuilding a concrete trace of model ${instance.name} under symmetry reduction: no action leads ` +
          `from state #${i} into the orbit the search reached${
            last ? ` while violating ${violated.name}` : ""
          }. ` +
          `The model is not symmetric in ${
            declaredSymmetry(instance.model.spec, instance.params).join(", ")
          } (an action, an initial state or a property singles out some element; see checkSymmetry).`,
        i + 1,
      );
    }
    words.set(next);
    states.push(Object.freeze(toValue(view)));
    labels.push(taken.label);
  }
  return Object.freeze({ model: instance.name, params: instance.params, initIndex, states, actions: labels });
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
  const beforeView = createReadonlyView(before, instance.shape);
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
      throw notEnabled(instance, act.text, i + 1);
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

/** A replayed action that the search took but that is not enabled now: the model is nondeterministic. */
function notEnabled(instance: ModelInstance, action: string, step: number): ReplayError {
  return new ReplayError(
    `Replaying model ${instance.name}: action ${action} is not enabled at step ${step}; the model is ` +
      `nondeterministic (its guards depend on something outside the state).`,
    step,
  );
}
