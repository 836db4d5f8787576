/**
 * Named properties of a model.
 *
 * - `always(name, predicate)`: an invariant, checked on every reachable state.
 * - `sometimes(name, predicate)`: a reachability witness; it fails unless some reachable state
 *   satisfies it, so a proof cannot pass because the model never gets where it matters.
 * - `transition(name, predicate)`: checked on every transition (state, action, next state), such as
 *   "no host write lands on a page the guest has reallocated".
 *
 * - `eventually(name, predicate)`: every fair behaviour reaches a state that satisfies it (liveness).
 * - `leadsTo(name, trigger, response)`: whenever `trigger` holds, `response` holds then or later, on
 *   every fair behaviour (TLA+'s `trigger ~> response`).
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

import { describe } from "../state/describe_value.ts";
import type { Fields, Value } from "../state/domain.ts";
import type { ReadonlyView } from "../state/state_view.ts";

/** The action of a transition: its name and parameter values, such as `share` with `{ page: 2 }`. */
export interface ActionLabel {
  /** The action's name. */
  readonly name: string;
  /** Its parameter values. */
  readonly params: Readonly<Record<string, Value>>;
}

/** The kinds of property. */
export type PropertyKind =
  | "always"
  | "sometimes"
  | "transition"
  | "assertion"
  | "deadlock"
  | "eventually"
  | "leadsTo";

/** What the search evaluates a kind of property on, and what finding it means. */
export interface PropertyKindRule {
  /**
   * - `state`: each reachable state, as it is first stored;
   * - `transition`: each transition (state, action, next state);
   * - `effect`: inside each effect, through `assert`;
   * - `deadlock`: each state where no action but background ones is enabled;
   * - `cycle`: the behaviours of the whole state graph, once the search has stored it (liveness).
   */
  readonly checkedOn: "state" | "transition" | "effect" | "deadlock" | "cycle";
  /**
   * `violation`: the first finding is a counterexample and the property is violated (a safety
   * property); `witness`: the first finding is a witness, and the property fails only when the whole
   * space is explored without one.
   */
  readonly finding: "violation" | "witness";
  /** What a property of the kind is called in messages: "invariant", "liveness property". */
  readonly noun: string;
}

/**
 * Every kind of property, in one table: the search, the results, the gates and the trace writers read
 * a kind's behaviour from here rather than from its name.
 */
export const PROPERTY_KINDS: Readonly<Record<PropertyKind, PropertyKindRule>> = Object.freeze({
  always: { checkedOn: "state", finding: "violation", noun: "invariant" },
  sometimes: { checkedOn: "state", finding: "witness", noun: "witness" },
  transition: { checkedOn: "transition", finding: "violation", noun: "transition property" },
  assertion: { checkedOn: "effect", finding: "violation", noun: "assertion" },
  deadlock: { checkedOn: "deadlock", finding: "violation", noun: "deadlock property" },
  eventually: { checkedOn: "cycle", finding: "violation", noun: "liveness property" },
  leadsTo: { checkedOn: "cycle", finding: "violation", noun: "liveness property" },
});

/** Whether properties of this kind are checked on the behaviours of the state graph (liveness). */
export function isLiveness(kind: PropertyKind): boolean {
  return PROPERTY_KINDS[kind].checkedOn === "cycle";
}

/** Whether finding a property of this kind shows it is violated (as opposed to witnessed). */
export function isSafety(kind: PropertyKind): boolean {
  return PROPERTY_KINDS[kind].finding === "violation";
}

/** A property's result once the search is over. */
export type PropertyStatus = "holds" | "violated" | "witnessed" | "not witnessed" | "incomplete";

/**
 * The status of a property of `kind`: found, not found in a whole space, or not found in a search a
 * limit cut short.
 */
export function statusOf(kind: PropertyKind, found: boolean, complete: boolean): PropertyStatus {
  const safety = isSafety(kind);
  if (found) return safety ? "violated" : "witnessed";
  if (!complete) return "incomplete";
  return safety ? "holds" : "not witnessed";
}

/** The headline of the trace of a finding of `kind`, such as "Invariant x is violated." */
export function findingHeadline(kind: PropertyKind, name: string): string {
  switch (kind) {
    case "always":
      return `Invariant ${name} is violated.`;
    case "transition":
      return `Transition property ${name} is violated by the last step.`;
    case "assertion":
      return `Assertion ${name} fails in the effect of the last action.`;
    case "deadlock":
      return "Deadlock reached: no action is enabled and the state is not terminal.";
    case "sometimes":
      return `Witness (not a violation): ${name} holds in the last state.`;
    case "eventually":
      return `Liveness property ${name} is violated: a fair behaviour loops forever without reaching it.`;
    case "leadsTo":
      return `Liveness property ${name} is violated: its trigger holds, and a fair behaviour then loops ` +
        `forever without its response.`;
  }
}

/** An invariant over states. */
export interface AlwaysProperty<F extends Fields = Fields> {
  /** An invariant. */
  readonly kind: "always";
  /** The property's name. */
  readonly name: string;
  /** What it says. */
  readonly description: string;
  /** True in a state that satisfies it. */
  readonly predicate: (state: ReadonlyView<F>) => boolean;
}

/** A reachability witness. */
export interface SometimesProperty<F extends Fields = Fields> {
  /** A reachability witness. */
  readonly kind: "sometimes";
  /** The property's name. */
  readonly name: string;
  /** What it says. */
  readonly description: string;
  /** True in a state that witnesses it. */
  readonly predicate: (state: ReadonlyView<F>) => boolean;
}

/** An invariant over transitions. */
export interface TransitionProperty<F extends Fields = Fields> {
  /** A transition invariant. */
  readonly kind: "transition";
  /** The property's name. */
  readonly name: string;
  /** What it says. */
  readonly description: string;
  /** True on a transition (before, action, after) that satisfies it. */
  readonly predicate: (before: ReadonlyView<F>, action: ActionLabel, after: ReadonlyView<F>) => boolean;
}

/** A check that effects make with `assert(condition, name)`. */
export interface AssertionProperty {
  /** An assertion that effects check. */
  readonly kind: "assertion";
  /** The name effects pass to `assert`. */
  readonly name: string;
  /** What it says. */
  readonly description: string;
}

/** A liveness property: every fair behaviour reaches a state that satisfies `predicate`. */
export interface EventuallyProperty<F extends Fields = Fields> {
  /** Eventually. */
  readonly kind: "eventually";
  /** The property's name. */
  readonly name: string;
  /** What it says. */
  readonly description: string;
  /** True in a state the behaviour must reach. */
  readonly predicate: (state: ReadonlyView<F>) => boolean;
}

/** A liveness property: on every fair behaviour, each state where `trigger` holds is followed by `response`. */
export interface LeadsToProperty<F extends Fields = Fields> {
  /** Leads to. */
  readonly kind: "leadsTo";
  /** The property's name. */
  readonly name: string;
  /** What it says. */
  readonly description: string;
  /** True in a state that asks for the response. */
  readonly trigger: (state: ReadonlyView<F>) => boolean;
  /** True in a state that answers it (the trigger's own state included). */
  readonly response: (state: ReadonlyView<F>) => boolean;
}

/** A liveness property. */
export type LivenessProperty<F extends Fields = Fields> = EventuallyProperty<F> | LeadsToProperty<F>;

/** A property a model declares. */
export type Property<F extends Fields = Fields> =
  | AlwaysProperty<F>
  | SometimesProperty<F>
  | TransitionProperty<F>
  | AssertionProperty
  | EventuallyProperty<F>
  | LeadsToProperty<F>;

/**
 * Deadlock freedom: the built-in property an instance checks unless the model sets `deadlock: false`.
 * A state where only background actions are enabled and `terminal` is not true violates it.
 */
export interface DeadlockProperty {
  readonly kind: "deadlock";
  readonly name: "deadlock";
  readonly description: string;
}

/** The built-in deadlock property. */
export const DEADLOCK: DeadlockProperty = Object.freeze({
  kind: "deadlock",
  name: "deadlock",
  description: "no reachable state has no enabled action, unless terminal says the protocol may end there",
});

/** A property the engine checks: one the model declares, or the built-in deadlock property. */
export type CheckedProperty<F extends Fields = Fields> = Property<F> | DeadlockProperty;

/** The functions of the model's code a property holds, in a fixed order (for the code identity). */
export function predicatesOf(p: CheckedProperty): readonly unknown[] {
  if (p.kind === "leadsTo") return [p.trigger, p.response];
  return "predicate" in p ? [p.predicate] : [];
}

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
 * import { int } from "../state/domain.ts";
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
 * import { enumOf } from "../state/domain.ts";
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
 * import { bool } from "../state/domain.ts";
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
 * A liveness property: every fair behaviour (see the model's `fairness` and each action's `fair`)
 * reaches a state that satisfies `predicate`. A counterexample is a lasso: a run to a cycle that never
 * reaches it, or to a state where the behaviour may end (terminal, or no action enabled) without it.
 *
 * @example
 * ```ts
 * import { eventually } from "./properties.ts";
 * import { enumOf } from "../state/domain.ts";
 * const fields = { phase: enumOf("suspended", "resumed") };
 * const p = eventually<typeof fields>("resume_completes", (s) => s.phase === "resumed");
 * ```
 */
export function eventually<F extends Fields>(
  name: string,
  predicate: (state: ReadonlyView<F>) => boolean,
  options: { description?: string } = {},
): EventuallyProperty<F> {
  checkPredicate(checkName(name), predicate);
  return Object.freeze({ kind: "eventually", name, predicate, description: options.description ?? "" });
}

/**
 * A liveness property: whenever `trigger` holds, `response` holds in that state or a later one, on every
 * fair behaviour (TLA+'s `trigger ~> response`). A counterexample is a run to a state where the trigger
 * holds, then a lasso that never reaches the response.
 *
 * @example
 * ```ts
 * import { leadsTo } from "./properties.ts";
 * import { bool } from "../state/domain.ts";
 * const fields = { shared: bool, revoked: bool };
 * const p = leadsTo<typeof fields>("shared_is_revoked", (s) => s.shared, (s) => s.revoked);
 * ```
 */
export function leadsTo<F extends Fields>(
  name: string,
  trigger: (state: ReadonlyView<F>) => boolean,
  response: (state: ReadonlyView<F>) => boolean,
  options: { description?: string } = {},
): LeadsToProperty<F> {
  checkName(name);
  if (typeof trigger !== "function" || typeof response !== "function") {
    throw new TypeError(`Expected property ${name} to have a trigger and a response function`);
  }
  return Object.freeze({ kind: "leadsTo", name, trigger, response, description: options.description ?? "" });
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
