/**
 * Named properties of a model.
 *
 * - `always(name, predicate)`: an invariant, checked on every reachable state.
 * - `sometimes(name, predicate)`: a reachability witness; it fails unless some reachable state
 *   satisfies it, so a proof cannot pass because the model never gets where it matters.
 * - `transition(name, predicate)`: checked on every transition (state, action, next state), such as
 *   "no host write lands on a page the guest has reallocated".
 *
 * - `assertion(name)`: a check made inside effects (Murphi's `assert`, TLC's `Assert`): an effect calls
 *   `assert(condition, name)`, and a false condition is a violation whose counterexample ends with that
 *   action (the state it would have made is not a state of the model).
 *
 * Deadlock freedom is an implicit property (`deadlock`), on unless the model turns it off.
 * A violation is a result, never an exception.
 *
 * @module
 */

import { describe } from "./describe_value.ts";
import type { Fields, Value } from "./domain.ts";
import type { ReadonlyView } from "./state_view.ts";

/** The action of a transition: its name and parameter values, such as `share` with `{ page: 2 }`. */
export interface ActionLabel {
  readonly name: string;
  readonly params: Readonly<Record<string, Value>>;
}

/** The kinds of property. */
export type PropertyKind = "always" | "sometimes" | "transition" | "assertion" | "deadlock";

/** An invariant over states. */
export interface AlwaysProperty<F extends Fields = Fields> {
  readonly kind: "always";
  readonly name: string;
  readonly description: string;
  readonly predicate: (state: ReadonlyView<F>) => boolean;
}

/** A reachability witness. */
export interface SometimesProperty<F extends Fields = Fields> {
  readonly kind: "sometimes";
  readonly name: string;
  readonly description: string;
  readonly predicate: (state: ReadonlyView<F>) => boolean;
}

/** An invariant over transitions. */
export interface TransitionProperty<F extends Fields = Fields> {
  readonly kind: "transition";
  readonly name: string;
  readonly description: string;
  readonly predicate: (before: ReadonlyView<F>, action: ActionLabel, after: ReadonlyView<F>) => boolean;
}

/** A check that effects make with `assert(condition, name)`. */
export interface AssertionProperty {
  readonly kind: "assertion";
  readonly name: string;
  readonly description: string;
}

/** A property a model declares. */
export type Property<F extends Fields = Fields> =
  | AlwaysProperty<F>
  | SometimesProperty<F>
  | TransitionProperty<F>
  | AssertionProperty;

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(name: string): string {
  if (typeof name !== "string" || !namePattern.test(name)) {
    throw new TypeError(
      `Expected a property name like host_mapped_is_shared but found ${describe(name)}`,
    );
  }
  if (name === "deadlock") {
    throw new TypeError(`The property name "deadlock" is reserved for deadlock detection`);
  }
  return name;
}

function checkPredicate(name: string, predicate: unknown): void {
  if (typeof predicate !== "function") {
    throw new TypeError(`Expected property ${name} to have a predicate function`);
  }
}

/**
 * An invariant: `predicate` holds in every reachable state.
 *
 * @example
 * ```ts
 * import { always } from "./properties.ts";
 * import { int } from "./domain.ts";
 * const fields = { counter: int(0, 5) };
 * const p = always<typeof fields>("counter_small", (s) => s.counter < 3);
 * ```
 */
export function always<F extends Fields>(
  name: string,
  predicate: (state: ReadonlyView<F>) => boolean,
  options: { description?: string } = {},
): AlwaysProperty<F> {
  checkPredicate(checkName(name), predicate);
  return Object.freeze({ kind: "always", name, predicate, description: options.description ?? "" });
}

/**
 * A reachability witness: some reachable state satisfies `predicate`.
 *
 * @example
 * ```ts
 * import { sometimes } from "./properties.ts";
 * import { enumOf } from "./domain.ts";
 * const fields = { phase: enumOf("running", "resumed") };
 * const p = sometimes<typeof fields>("resume_completes", (s) => s.phase === "resumed");
 * ```
 */
export function sometimes<F extends Fields>(
  name: string,
  predicate: (state: ReadonlyView<F>) => boolean,
  options: { description?: string } = {},
): SometimesProperty<F> {
  checkPredicate(checkName(name), predicate);
  return Object.freeze({ kind: "sometimes", name, predicate, description: options.description ?? "" });
}

/**
 * A transition invariant: `predicate(before, action, after)` holds on every transition.
 *
 * @example
 * ```ts
 * import { transition } from "./properties.ts";
 * import { bool } from "./domain.ts";
 * const fields = { shared: bool };
 * const p = transition<typeof fields>(
 *   "writes_only_shared",
 *   (before, action) => action.name !== "host_write" || before.shared,
 * );
 * ```
 */
export function transition<F extends Fields>(
  name: string,
  predicate: (before: ReadonlyView<F>, action: ActionLabel, after: ReadonlyView<F>) => boolean,
  options: { description?: string } = {},
): TransitionProperty<F> {
  checkPredicate(checkName(name), predicate);
  return Object.freeze({ kind: "transition", name, predicate, description: options.description ?? "" });
}

/**
 * An assertion that effects check with `assert(condition, name)`: it is violated by the first (shortest)
 * run whose last action's effect asserts something false.
 *
 * @example
 * ```ts
 * import { assert, assertion } from "./properties.ts";
 * const p = assertion("no_double_free", { description: "free() is only called on allocated pages" });
 * const effect = (s: { allocated: boolean }) => {
 *   assert(s.allocated, "no_double_free");
 *   s.allocated = false;
 * };
 * ```
 */
export function assertion(name: string, options: { description?: string } = {}): AssertionProperty {
  checkName(name);
  return Object.freeze({ kind: "assertion", name, description: options.description ?? "" });
}

/**
 * What `assert` throws when its condition is false: the engine catches it around every effect and
 * records a violation of the named assertion. Not an Error: it needs no stack, and nothing but the
 * engine should catch it.
 */
export class AssertionSignal {
  readonly name: string;
  readonly message: string;
  constructor(name: string, message: string) {
    this.name = name;
    this.message = message;
  }
}

/**
 * Fails assertion `name` (declared with `assertion(name)`) when `condition` is false; call it in an
 * effect. The action's effect stops there, and the run that reached it is the counterexample.
 *
 * @example
 * ```ts
 * import { assert } from "./properties.ts";
 * assert(1 + 1 === 2, "arithmetic_works");
 * ```
 */
export function assert(condition: boolean, name: string, message = ""): asserts condition {
  if (condition === true) return;
  if (condition !== false) {
    throw new TypeError(
      `assert(condition, ${describe(name)}) expects a boolean condition but found ${typeof condition} ${
        describe(condition)
      }`,
    );
  }
  throw new AssertionSignal(name, message);
}

/** Renders an action label as `share(page=2)`, or `kexec_start` when it has no parameters. */
export function formatAction(action: ActionLabel): string {
  const entries = Object.entries(action.params);
  if (entries.length === 0) return action.name;
  return `${action.name}(${
    entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ")
  })`;
}
