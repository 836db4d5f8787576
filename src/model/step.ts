/**
 * One step of a model over packed words, evaluated the way the search evaluates it, for the code that
 * checks the search's work or a trace: rebuilding and validating traces (src/trace/trace.ts), replaying
 * trace files (src/trace/replay.ts), checking a resumed checkpoint's findings
 * (src/search/restored_search.ts), expanding sample states a second time (src/search/samples.ts), the
 * symmetry check and the digest that compares worker threads. Guards and properties run on a copy of
 * the state, and a copy that changed is reported as exactly that: model code that writes a state it may
 * only read.
 *
 * A throw in model code is bad input naming the model and the place (`guard of action share`,
 * `property p`); every method takes that place's name as an optional last argument, for callers that
 * name places their own way (replay names them by the trace's states).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { ActionInstance, ModelInstance } from "./model.ts";
import { modelFailure } from "./model_failure.ts";
import {
  type AlwaysProperty,
  AssertionSignal,
  type SometimesProperty,
  type TransitionProperty,
} from "./properties.ts";
import { createReadonlyView, createView } from "../state/state_view.ts";

/** What an enabled action's effect did: made a successor, or failed an assertion. */
export type Effect = { readonly asserted?: undefined } | { readonly asserted: AssertionSignal };

/** Evaluates guards, effects and properties of one model instance on packed words. */
export class Stepper {
  readonly instance: ModelInstance;
  /** The successor the last `apply` or `init` made. */
  readonly next: Uint32Array;
  readonly #nextView: unknown;
  /** Copies that guards and properties read. */
  readonly #read: Uint32Array;
  readonly #readView: unknown;
  readonly #after: Uint32Array;
  readonly #afterView: unknown;

  constructor(instance: ModelInstance) {
    this.instance = instance;
    const width = instance.words;
    this.next = new Uint32Array(width);
    this.#nextView = createView(this.next, instance.shape);
    this.#read = new Uint32Array(width);
    this.#readView = createReadonlyView(this.#read, instance.shape);
    this.#after = new Uint32Array(width);
    this.#afterView = createReadonlyView(this.#after, instance.shape);
  }

  /** Runs initial state `k` into `next` from the zero state. */
  init(k: number, where = `init${this.instance.inits.length > 1 ? ` #${k}` : ""}`): void {
    const init = this.instance.inits[k];
    if (!init) throw new InputError(`Model ${this.instance.name} has no initial state #${k}.`);
    this.next.fill(0);
    try {
      init(this.#nextView, this.instance.params);
    } catch (error) {
      throw modelFailure(this.instance, where, 0, error);
    }
  }

  /** Whether `act`'s guard holds in `state`; `depth` is for messages. */
  enabled(
    state: Uint32Array,
    act: ActionInstance,
    depth: number,
    where = `guard of action ${act.text}`,
  ): boolean {
    if (act.guard === undefined) return true;
    return this.#reading(state, where, depth, () => act.guard!(this.#readView, act.label.params));
  }

  /** Runs `act`'s effect on a copy of `state` into `next` (its guard is not evaluated). */
  apply(state: Uint32Array, act: ActionInstance, depth: number, where = `action ${act.text}`): Effect {
    this.next.set(state);
    try {
      act.effect(this.#nextView, act.label.params);
    } catch (error) {
      if (error instanceof AssertionSignal) return { asserted: error };
      throw modelFailure(this.instance, where, depth, error);
    }
    return {};
  }

  /** Whether state property `property` holds of `state`. */
  holds(
    property: AlwaysProperty | SometimesProperty,
    state: Uint32Array,
    depth: number,
    where = `property ${property.name}`,
  ): boolean {
    return this.#reading(state, where, depth, () => property.predicate(this.#readView as never));
  }

  /** Whether `predicate` (a liveness property's predicate, trigger or response) holds of `state`. */
  satisfies(predicate: (state: never) => boolean, state: Uint32Array, depth: number, where: string): boolean {
    return this.#reading(state, where, depth, () => predicate(this.#readView as never));
  }

  /** Whether transition property `property` holds of the step `before` -> `act` -> `after`. */
  transitionHolds(
    property: TransitionProperty,
    before: Uint32Array,
    act: ActionInstance,
    after: Uint32Array,
    depth: number,
    where = `property ${property.name} on action ${act.text}`,
  ): boolean {
    this.#after.set(after);
    const result = this.#reading(
      before,
      where,
      depth,
      () => property.predicate(this.#readView as never, act.label, this.#afterView as never),
    );
    if (!equalWords(this.#after, after)) throw this.#wrote(`property ${property.name}`, depth);
    return result;
  }

  /** Whether the model's terminal predicate holds of `state` (false when it has none). */
  terminal(state: Uint32Array, depth: number, where = "terminal"): boolean {
    const terminal = this.instance.terminal;
    return terminal !== undefined && this.#reading(state, where, depth, () => terminal(this.#readView));
  }

  /**
   * Whether `state` is a deadlock as the search decides it: inside the boundary (states outside it are
   * not expanded), no action enabled but background ones, and not terminal. `where`, when given, names
   * every evaluation.
   */
  deadlocked(state: Uint32Array, depth: number, where?: string): boolean {
    const instance = this.instance;
    if (
      instance.withinBoundary &&
      !this.#reading(state, where ?? "withinBoundary", depth, () => instance.withinBoundary!(this.#readView))
    ) return false;
    if (instance.actions.some((act) => !act.background && this.enabled(state, act, depth, where))) {
      return false;
    }
    return !this.terminal(state, depth, where);
  }

  /** Runs `f` over a copy of `state` and checks that it left the copy as it was. */
  #reading(state: Uint32Array, where: string, depth: number, f: () => unknown): boolean {
    this.#read.set(state);
    let result: unknown;
    try {
      result = f();
    } catch (error) {
      throw modelFailure(this.instance, where, depth, error);
    }
    if (!equalWords(this.#read, state)) throw this.#wrote(where, depth);
    // Truthiness: the search itself refuses a guard or property that returns anything but a boolean.
    return !!result;
  }

  #wrote(where: string, depth: number): InputError {
    return new InputError(
      `Model ${this.instance.name}, ${where} at depth ${depth}, wrote the state: guards, properties, ` +
        `terminal and withinBoundary may only read it (only effects may change it).`,
    );
  }
}

/** Whether two word arrays of one length are equal. */
export function equalWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
