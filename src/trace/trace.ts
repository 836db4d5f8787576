/**
 * Traces: runs of a model as plain states and the actions between them, rebuilt and checked before
 * anyone sees them.
 *
 * The search keeps no states for traces, only each state's parent id and action index. A trace is
 * rebuilt by following parents back to an initial state and replaying the actions forward from it.
 * The replay is a validation, so that no trace that is not a counterexample is ever shown: every step
 * must be enabled, every state must be one the search stored (its fingerprint, or its words in exact
 * mode, is in the visited set), and the property must really fail at the end: an invariant false at
 * the last state, a transition property false on the last step, a deadlock really a deadlock, an
 * assertion failed by the last action's effect; and a witness must really hold at its last state.
 * A model whose guards or effects depend on anything outside the state (a global, Math.random, a
 * mutable closure) is caught here and named, with the first step where the replay left the search.
 *
 * Under symmetry reduction the stored chain runs over canonical representatives, which is not a run
 * of the model. The trace is then rebuilt concrete: replay the chain canonically to get the canonical
 * states s_0..s_n, then from the concrete initial state take, at each step, the first enabled action
 * (in firing order) whose successor has canonical form s_(k+1). The result is a real run of the same
 * length, which `replay` accepts without any knowledge of symmetry.
 *
 * @module
 */

import type { ChunkedArray } from "../store/chunked_array.ts";
import type { Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import { fingerprint } from "../state/fingerprint.ts";
import type { ActionInstance, ModelInstance } from "../model/model.ts";
import {
  type ActionLabel,
  type AssertionSignal,
  type CheckedProperty,
  isSafety,
  type Property,
  PROPERTY_KINDS,
} from "../model/properties.ts";
import type { FailureSite } from "./failure_site.ts";
import { type Finding, NO_PARENT } from "../store/keys.ts";
import { createView, toValue } from "../state/state_view.ts";
import { equalWords, Stepper } from "../model/step.ts";
import type { VisitedReader } from "../store/visited_set.ts";

/** A run of a model: `states[i + 1]` is `states[i]` after `actions[i]`. */
export interface Trace {
  /** The model's name. */
  readonly model: string;
  /** The parameter values of the run. */
  readonly params: Readonly<Record<string, Value>>;
  /** Which initial state the run starts from (index into the model's inits). */
  readonly initIndex: number;
  /** Every state of the run, from the initial one, as plain values. */
  readonly states: readonly Readonly<Record<string, Value>>[];
  /** `actions[i]` leads from `states[i]` to `states[i + 1]`. */
  readonly actions: readonly ActionLabel[];
  /**
   * The action that failed in the last state, when the run ends in one: its effect failed an
   * assertion, or threw (a model error). It made no state.
   */
  readonly failing?: { readonly action: ActionLabel; readonly reason: string };
  /**
   * A lasso: the run goes on forever, from its last state back to `states[loop]` by `actions[n - 1]`
   * (n states, n actions), then round the same cycle again. Absent for a finite run (n - 1 actions).
   */
  readonly loop?: number;
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

/** What a trace is rebuilt from: the search's per-state arrays and, to check the states, its visited set. */
export interface TraceStore {
  readonly parents: ChunkedArray;
  readonly actionsTaken: ChunkedArray;
  readonly visited?: VisitedReader;
}

/** An initial state and action indices from it. */
interface Path {
  readonly initIndex: number;
  readonly actions: readonly number[];
}

/**
 * The path to the state that `action` reaches from state `parent` (an initial state when `parent` is
 * NO_PARENT, `action` then being the init's index).
 */
function pathTo(store: TraceStore, parent: number, action: number): Path {
  if (parent === NO_PARENT) return { initIndex: action, actions: [] };
  const actions: number[] = [action];
  let id = parent;
  while (store.parents.get(id) !== NO_PARENT) {
    // Parents always have smaller ids; anything else is a corrupted store, not a model problem.
    if (store.parents.get(id) >= id) throw new Error(`Parent chain broken at state ${id}`);
    actions.push(store.actionsTaken.get(id));
    id = store.parents.get(id);
  }
  return { initIndex: store.actionsTaken.get(id), actions: actions.reverse() };
}

/** The path to stored state `id`. */
function pathToState(store: TraceStore, id: number): Path {
  return pathTo(store, store.parents.get(id), store.actionsTaken.get(id));
}

/** What the last step of a trace must show. */
type Goal =
  | { readonly kind: "state"; readonly holds: boolean; readonly property: Property & { predicate: unknown } }
  | { readonly kind: "deadlock" }
  | { readonly kind: "transition"; readonly property: Property & { kind: "transition" } }
  | { readonly kind: "assertion"; readonly name: string; readonly action: number }
  | { readonly kind: "none" };

/**
 * Rebuilds and validates the trace of a finding (see the module comment): throws a ReplayError naming
 * the first step where the replay leaves the search, or the property that does not fail at its end.
 */
export function rebuildTrace(instance: ModelInstance, store: TraceStore, finding: Finding): Trace {
  const property = instance.properties[finding.property];
  if (property === undefined) throw new TypeError(`No property #${finding.property} to rebuild a trace of`);
  let path: Path, goal: Goal;
  if (property.kind === "deadlock") {
    // Deadlock: the finding names the deadlocked state by its own parent and action.
    path = pathTo(store, finding.parent, finding.action);
    goal = { kind: "deadlock" };
  } else if (property.kind === "assertion") {
    // The run to the state the failing action left from, then that action.
    path = pathToState(store, finding.parent);
    goal = { kind: "assertion", name: property.name, action: finding.action };
  } else if (property.kind === "eventually" || property.kind === "leadsTo") {
    throw new TypeError(`Liveness property ${property.name} has no finding of the search to rebuild`);
  } else {
    path = pathTo(store, finding.parent, finding.action);
    goal = property.kind === "transition"
      ? { kind: "transition", property }
      : { kind: "state", holds: !isSafety(property.kind), property };
  }
  return new TraceBuilder(instance, store, describeFinding(instance, property)).build(path, goal);
}

/**
 * The run to the state where model code failed, and the action that failed there if one did
 * (`reason` says how): for errors the user must see the run of. Nothing is validated but that the
 * replay reaches that state (or its orbit); a replay that does not throws a ReplayError.
 */
export function traceToFailure(
  instance: ModelInstance,
  store: TraceStore,
  site: FailureSite,
  reason: string,
): Trace {
  const path = "state" in site ? pathToState(store, site.state) : pathTo(store, site.parent, site.reached);
  const trace = new TraceBuilder(instance, { parents: store.parents, actionsTaken: store.actionsTaken }, "")
    .build(path, { kind: "none" });
  const act = site.failing === undefined ? undefined : instance.actions[site.failing];
  return act ? Object.freeze({ ...trace, failing: { action: act.label, reason } }) : trace;
}

function describeFinding(instance: ModelInstance, property: CheckedProperty): string {
  if (property.kind === "deadlock") return `the deadlock of model ${instance.name}`;
  const { noun } = PROPERTY_KINDS[property.kind];
  return `the ${isSafety(property.kind) ? "counterexample of" : "witness of"} ${noun} ${property.name}`;
}

/** Says what is wrong with a trace and that it is not shown. */
const NONDETERMINISM =
  "The model is nondeterministic: guards and effects must depend only on the state and the action's " +
  "parameters (not on Math.random, a global or closure variable that changes, or a module-level value " +
  "that differs between worker threads). The trace is not shown: it would not be a counterexample.";

class TraceBuilder {
  readonly #instance: ModelInstance;
  readonly #store: TraceStore;
  readonly #what: string;
  readonly #step: Stepper;
  readonly #view: unknown;
  readonly #words: Uint32Array;

  constructor(instance: ModelInstance, store: TraceStore, what: string) {
    this.#instance = instance;
    this.#store = store;
    this.#what = what;
    this.#step = new Stepper(instance);
    this.#words = new Uint32Array(instance.words);
    this.#view = createView(this.#words, instance.shape);
  }

  build(path: Path, goal: Goal): Trace {
    const instance = this.#instance;
    if (path.initIndex >= instance.inits.length) {
      throw new ReplayError(`Model ${instance.name} has no initial state #${path.initIndex}.`, 0);
    }
    const chain = this.#chain(path, goal);
    const canonicalize = instance.canonicalize;
    const run = canonicalize === undefined ? { states: chain, actions: path.actions } : this.#concrete(
      path,
      chain,
      goal,
      canonicalize,
    );
    const last = run.states.at(-1)!;
    const depth = run.actions.length;
    let failing: Trace["failing"];
    switch (goal.kind) {
      case "state":
        if (this.#step.holds(goal.property as never, last, depth) !== goal.holds) {
          this.#fail(
            depth,
            `${goal.property.name} ${
              goal.holds ? "does not hold" : "holds"
            } at its last state (step ${depth}), ${this.#show(last)}`,
          );
        }
        break;
      case "deadlock":
        if (!this.#step.deadlocked(last, depth)) {
          this.#fail(depth, `its last state (step ${depth}) is not a deadlock: ${this.#show(last)}`);
        }
        break;
      case "transition": {
        const act = instance.actions[run.actions.at(-1)!]!;
        const before = run.states.at(-2)!;
        if (this.#step.transitionHolds(goal.property, before, act, last, depth - 1)) {
          this.#fail(depth, `${goal.property.name} holds on its last step (${act.text} at step ${depth})`);
        }
        break;
      }
      case "assertion": {
        const { act, signal } = this.#assertingAction(last, goal, depth);
        const message = signal.message ? ` (${signal.message})` : "";
        failing = { action: act.label, reason: `its effect failed assertion ${goal.name}${message}` };
        break;
      }
    }
    const states = run.states.map((words) => {
      this.#words.set(words);
      return Object.freeze(toValue(this.#view as never));
    });
    return Object.freeze({
      model: instance.name,
      params: instance.params,
      initIndex: path.initIndex,
      states,
      actions: run.actions.map((a) => instance.actions[a]!.label),
      ...(failing ? { failing } : {}),
    });
  }

  /**
   * Replays the stored chain (canonically under symmetry), checking that each action is enabled and
   * each state stored; the last state of a transition violation need not be stored.
   */
  #chain(path: Path, goal: Goal): Uint32Array[] {
    const step = this.#step, canonicalize = this.#instance.canonicalize;
    step.init(path.initIndex);
    canonicalize?.(step.next);
    const chain = [step.next.slice()];
    this.#verify(chain[0]!, 0, undefined, path.initIndex);
    path.actions.forEach((index, i) => {
      const act = this.#action(index, i + 1);
      const before = chain[i]!;
      if (!step.enabled(before, act, i)) {
        this.#fail(
          i + 1,
          `action ${act.text}, which the search took at step ${i + 1}, is not enabled there now`,
        );
      }
      const effect = step.apply(before, act, i);
      if (effect.asserted) {
        this.#fail(i + 1, `action ${act.text} at step ${i + 1} now fails assertion ${effect.asserted.name}`);
      }
      canonicalize?.(step.next);
      const after = step.next.slice();
      chain.push(after);
      if (i + 1 < path.actions.length || goal.kind !== "transition") this.#verify(after, i + 1, before, act);
    });
    return chain;
  }

  /**
   * Checks that the search stored `words`, the state of step `step`: `before` after `act`, or initial
   * state `act` at step 0.
   */
  #verify(words: Uint32Array, step: number, before: Uint32Array, act: ActionInstance): void;
  #verify(words: Uint32Array, step: 0, before: undefined, init: number): void;
  #verify(
    words: Uint32Array,
    step: number,
    before: Uint32Array | undefined,
    act: ActionInstance | number,
  ): void {
    const visited = this.#store.visited;
    if (!visited) return;
    const fp = new Uint32Array(2);
    fingerprint(words, 0, words.length, fp);
    if (visited.has(words, 0, fp)) return;
    // Evaluated once more, the same step may show what changes from one evaluation to the next.
    const step1 = this.#step;
    if (typeof act === "number") step1.init(act);
    else if (step1.enabled(before!, act, step - 1)) step1.apply(before!, act, step - 1);
    this.#instance.canonicalize?.(step1.next);
    const again = equalWords(step1.next, words)
      ? ""
      : `; evaluated again, the same step gives ${this.#show(step1.next)}`;
    this.#fail(
      step,
      `${typeof act === "number" ? "the initial state is" : `step ${step} (${act.text}) leads to`} ${
        this.#show(words)
      }, a state the search never stored${again}`,
    );
  }

  /**
   * A concrete run through the orbits of `chain` (see the module comment): at each step the first
   * action, in firing order, whose successor lies in the next orbit (and, on a transition violation's
   * last step, violates it).
   */
  #concrete(
    path: Path,
    chain: readonly Uint32Array[],
    goal: Goal,
    canonicalize: (words: Uint32Array) => void,
  ): { states: Uint32Array[]; actions: number[] } {
    const step = this.#step, instance = this.#instance;
    step.init(path.initIndex);
    const states = [step.next.slice()];
    const actions: number[] = [];
    const image = new Uint32Array(instance.words);
    for (let i = 0; i < path.actions.length; i++) {
      const before = states[i]!;
      const last = goal.kind === "transition" && i === path.actions.length - 1;
      let taken = -1;
      for (const act of instance.actions) {
        if (!step.enabled(before, act, i) || step.apply(before, act, i).asserted) continue;
        image.set(step.next);
        canonicalize(image);
        if (!equalWords(image, chain[i + 1]!)) continue;
        if (last && step.transitionHolds(goal.property, before, act, step.next, i)) continue;
        taken = act.index;
        break;
      }
      if (taken < 0) {
        throw new ReplayError(
          `Rebuilding a concrete trace of model ${instance.name} under symmetry reduction: no action leads ` +
            `from state #${i} into the orbit the search reached${
              last && goal.kind === "transition" ? ` while violating ${goal.property.name}` : ""
            }. The model is not symmetric in ${
              instance.symmetry.join(", ")
            } (an action, an initial state or a property singles out some element; see checkSymmetry).`,
          i + 1,
        );
      }
      step.apply(before, instance.actions[taken]!, i);
      states.push(step.next.slice());
      actions.push(taken);
    }
    return { states, actions };
  }

  /**
   * The action whose effect fails assertion `goal.name` from `state`: the stored one; under symmetry,
   * where `state` is another member of the stored state's orbit, the first that does in firing order.
   */
  #assertingAction(
    state: Uint32Array,
    goal: Goal & { kind: "assertion" },
    depth: number,
  ): { act: ActionInstance; signal: AssertionSignal } {
    const step = this.#step, instance = this.#instance;
    const candidates = instance.canonicalize === undefined
      ? [this.#action(goal.action, depth + 1)]
      : instance.actions;
    for (const act of candidates) {
      if (!step.enabled(state, act, depth)) continue;
      const { asserted } = step.apply(state, act, depth);
      if (asserted?.name === goal.name) return { act, signal: asserted };
    }
    return this.#fail(
      depth + 1,
      `action ${
        instance.actions[goal.action]?.text ?? `#${goal.action}`
      } from its last state (step ${depth}) does not fail assertion ${goal.name} now: ${this.#show(state)}`,
    );
  }

  #action(index: number, step: number): ActionInstance {
    const act = this.#instance.actions[index];
    if (!act) {
      throw new ReplayError(`Model ${this.#instance.name} has no action #${index} (step ${step}).`, step);
    }
    return act;
  }

  #show(words: Uint32Array): string {
    this.#words.set(words);
    return JSON.stringify(toValue(this.#view as never));
  }

  #fail(step: number, what: string): never {
    const instance = this.#instance;
    const symmetry = instance.canonicalize === undefined
      ? ""
      : ` Under symmetry reduction this also happens when the model is not symmetric in ${
        instance.symmetry.join(", ")
      } (see checkSymmetry).`;
    throw new ReplayError(
      `Model ${instance.name}: replaying ${this.#what}, ${what}. ${NONDETERMINISM}${symmetry}`,
      step,
    );
  }
}
