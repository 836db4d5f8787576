/**
 * Checking that a sequence of states is a run of a model: the first state is an initial state and
 * each next state is the result of some enabled action (the recorded one, when the trace names it).
 * A lasso's loop must close: its last state leads back to the state its loop names. Along the run,
 * every property is evaluated: the first state (or step) that violates each safety property, and the
 * first state that satisfies each witness. Used by `replay` to read back traces written by hvcheck or
 * by other ITF tools.
 *
 * Guards, effects and properties are evaluated by the Stepper (src/model/step.ts), as trace rebuilding
 * evaluates them; replay names the places where model code fails by the trace's states.
 *
 * @module
 */

import type { Value } from "../state/domain.ts";
import type { ActionInstance, ModelInstance } from "../model/model.ts";
import { type ActionLabel, formatAction, type PropertyKind, statusOf } from "../model/properties.ts";
import { equalWords, Stepper } from "../model/step.ts";
import { assignValue, createView, toValue } from "../state/state_view.ts";
import { sameLabel } from "./trace_itf.ts";
import { judgeLasso, type PackedLasso } from "./lasso_check.ts";

/**
 * One property evaluated along a trace. `at` is the first state (0-based, `state #at`) that violates an
 * invariant or deadlocks, the first step (step k leads from state #k-1 to state #k; the closing step
 * of a lasso of n states is step n, from its last state back to the state its loop names) that
 * violates a transition property, the first state that satisfies a witness, or, for an assertion, the
 * step of the trace's failing action (one past its last state), whose effect failed it.
 */
export interface PropertyAlongTrace {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly status: "holds" | "violated" | "witnessed" | "not witnessed";
  readonly at?: number;
}

/** What the trace's failing action (ITF `#meta.failing`) did when run from its last state. */
export interface FailingOutcome {
  readonly action: ActionLabel;
  /** The assertion its effect failed, or undefined when the effect completed without failing. */
  readonly asserted?: string;
}

/**
 * A lasso's loop as a trace file records it (ITF `loop` and `#meta.loopAction`): the last state's
 * successor is state #`loop`, reached by `loopAction` when the file names it. Without `loop` the
 * trace is a finite run.
 */
export interface Lasso {
  readonly loop?: number;
  readonly loopAction?: ActionLabel;
}

/**
 * The verdict of a replay, with the properties evaluated along the states that are a run (the whole
 * trace, or the prefix before the first step the model cannot take). A lasso's result names its loop
 * and the action that closes it (none when the run ends stuttering in its last state).
 */
export type ReplayResult =
  | {
    readonly ok: true;
    readonly steps: number;
    readonly actions: readonly ActionLabel[];
    readonly properties: readonly PropertyAlongTrace[];
    readonly failing?: FailingOutcome;
    readonly loop?: number;
    readonly loopAction?: ActionLabel;
  }
  | {
    readonly ok: false;
    readonly step: number;
    readonly reason: string;
    readonly properties: readonly PropertyAlongTrace[];
  };

/** A trace as a file records it (what parseItf reads): its states, actions, failing action and loop. */
export interface RecordedTrace extends Lasso {
  readonly states: readonly Record<string, Value>[];
  /** `actions[i]` led to `states[i + 1]`, where recorded. */
  readonly actions?: readonly (ActionLabel | undefined)[];
  readonly failing?: ActionLabel;
}

/** Checks a trace as a file records it against the model: `replayStates` of its parts. */
export function replayTrace(instance: ModelInstance, trace: RecordedTrace): ReplayResult {
  return replayStates(instance, trace.states, trace.actions, trace.failing, trace);
}

/**
 * Checks `states` (plain values already checked against the domains) against the model. `failing` is
 * the action the trace says failed in its last state (an assertion or a model error in its effect): it
 * must be enabled there, and what its effect does is part of the result. `lasso` is the loop the trace
 * says it ends in, if any.
 */
export function replayStates(
  instance: ModelInstance,
  states: readonly Record<string, Value>[],
  recorded: readonly (ActionLabel | undefined)[] = [],
  failing?: ActionLabel,
  lasso: Lasso = {},
): ReplayResult {
  return new Replay(instance, states).run(recorded, failing, lasso);
}

/** One replay of a trace's states. */
class Replay {
  readonly #instance: ModelInstance;
  readonly #stepper: Stepper;
  readonly #packed: Uint32Array[];
  readonly #along: PropertyTracker;

  constructor(instance: ModelInstance, states: readonly Record<string, Value>[]) {
    this.#instance = instance;
    this.#stepper = new Stepper(instance);
    this.#packed = states.map((state) => {
      const words = new Uint32Array(instance.words);
      assignValue(createView(words, instance.shape), state);
      return words;
    });
    this.#along = new PropertyTracker(instance, this.#stepper);
  }

  run(
    recorded: readonly (ActionLabel | undefined)[],
    failing: ActionLabel | undefined,
    lasso: Lasso,
  ): ReplayResult {
    const instance = this.#instance, stepper = this.#stepper, packed = this.#packed, along = this.#along;
    const initMatches = instance.inits.some((_, k) => {
      stepper.init(k, `init #${k}`);
      return equalWords(stepper.next, packed[0]!);
    });
    if (!initMatches) {
      return {
        ok: false,
        step: 0,
        reason: `State #0 is not an initial state of model ${instance.name} (it differs in ${
          this.#differing(stepper.next, packed[0]!)
        }).`,
        properties: [],
      };
    }
    along.state(0, packed[0]!);
    const taken: ActionLabel[] = [];
    const instances: ActionInstance[] = [];
    for (let step = 1; step < packed.length; step++) {
      const found = this.#step(step - 1, packed[step]!, recorded[step - 1], `state #${step}`);
      if (typeof found === "string") return this.#notRun(step, found);
      taken.push(found.label);
      instances.push(found);
      along.step(step, packed[step - 1]!, found, packed[step]!);
      along.state(step, packed[step]!);
    }
    const steps = packed.length - 1;
    let loop: { loop: number; loopAction?: ActionLabel } | undefined;
    if (lasso.loop !== undefined) {
      const closed = this.#closeLoop(lasso.loop, lasso.loopAction);
      if (typeof closed === "string") return this.#notRun(steps + 1, closed);
      loop = { loop: lasso.loop, ...(closed ? { loopAction: closed.label } : {}) };
      along.lasso({ states: packed, actions: closed ? [...instances, closed] : instances, loop: lasso.loop });
    }
    const ran = { ok: true, steps, actions: taken, ...loop } as const;
    if (failing === undefined) return { ...ran, properties: along.results() };
    // The failing action made no state: it is run from the last state, as the search ran it.
    const act = instance.actions.find((a) => sameLabel(a.label, failing));
    const last = packed[steps]!;
    const enabled = act !== undefined && stepper.enabled(last, act, steps, `action ${act.text}`);
    if (!act || !enabled) {
      return this.#notRun(
        steps + 1,
        `the failing action ${formatAction(failing)} that the trace records ${
          act ? `is not enabled in state #${steps}` : `is not an action of model ${instance.name}`
        }`,
      );
    }
    const asserted = stepper.apply(last, act, steps).asserted?.name;
    if (asserted !== undefined) along.asserted(asserted, steps + 1);
    return {
      ...ran,
      properties: along.results(),
      failing: { action: failing, ...(asserted !== undefined ? { asserted } : {}) },
    };
  }

  /**
   * The action that leads from state #`from` to `target` (`to` names it in messages): the recorded one
   * when `wanted` is given, else the first in firing order; or why there is none.
   */
  #step(
    from: number,
    target: Uint32Array,
    wanted: ActionLabel | undefined,
    to: string,
  ): ActionInstance | string {
    const instance = this.#instance, stepper = this.#stepper, before = this.#packed[from]!;
    let wantedReason = "";
    for (const act of instance.actions) {
      if (wanted && !sameLabel(act.label, wanted)) continue;
      // A throwing guard is named by its action, as a throwing effect is.
      if (!stepper.enabled(before, act, from, `action ${act.text}`)) {
        if (wanted) wantedReason = `action ${formatAction(wanted)} is not enabled in state #${from}`;
        continue;
      }
      // An effect that fails an assertion makes no state, so it is no step to the next one.
      const { asserted } = stepper.apply(before, act, from);
      if (asserted) {
        if (wanted) {
          wantedReason =
            `action ${formatAction(wanted)} fails assertion ${asserted.name} in state #${from} ` +
            `and makes no state`;
        }
        continue;
      }
      if (equalWords(stepper.next, target)) return act;
      if (wanted) {
        wantedReason = `action ${formatAction(wanted)} leads to a different state (it differs in ${
          this.#differing(stepper.next, target)
        })`;
      }
    }
    const blocked = this.#blockedActions(before, target);
    const wantedBlocked = wanted !== undefined && blocked.some((label) => sameLabel(label, wanted));
    const others = blocked.filter((label) => !wanted || !sameLabel(label, wanted));
    const reason = wantedBlocked
      ? `action ${formatAction(wanted)} would lead to ${to} but its guard is false in state #${from}`
      : wanted
      ? (wantedReason || `model ${instance.name} has no action ${formatAction(wanted)}`)
      : `no action of model ${instance.name} leads from state #${from} to ${to}`;
    return `${reason}${this.#blockedHint(others, from)}`;
  }

  /**
   * Checks that a lasso's loop closes: the last state's successor is state #`loop`, by the recorded
   * `loopAction` when there is one (it must be enabled and lead exactly there), else by any enabled
   * action, or the loop names the last state itself and the run ends stuttering there, where no action
   * but background ones is enabled or the state is terminal. Returns the closing action (undefined for
   * the stuttering end), or why the loop does not close.
   */
  #closeLoop(loop: number, loopAction: ActionLabel | undefined): ActionInstance | undefined | string {
    const instance = this.#instance, stepper = this.#stepper, packed = this.#packed;
    const last = packed.length - 1, state = packed[last]!, target = packed[loop]!;
    const back = `state #${loop}, where the trace's loop returns`;
    if (loopAction !== undefined) {
      const act = instance.actions.find((a) => sameLabel(a.label, loopAction));
      const named = `the loop action ${formatAction(loopAction)} that the trace records`;
      if (act === undefined) return `${named} is not an action of model ${instance.name}`;
      if (!stepper.enabled(state, act, last, `action ${act.text}`)) {
        return `${named} is not enabled in state #${last}`;
      }
      const { asserted } = stepper.apply(state, act, last);
      if (asserted) return `${named} fails assertion ${asserted.name} in state #${last} and makes no state`;
      if (!equalWords(stepper.next, target)) {
        return `${named} leads from state #${last} to a state other than ${back} (it differs in ${
          this.#differing(stepper.next, target)
        })`;
      }
      this.#along.step(last + 1, state, act, target);
      return act;
    }
    const found = this.#step(last, target, undefined, back);
    if (typeof found !== "string") {
      this.#along.step(last + 1, state, found, target);
      return found;
    }
    if (loop !== last) return found;
    const moving = instance.actions.filter((act) =>
      !act.background && stepper.enabled(state, act, last, `action ${act.text}`)
    );
    if (
      moving.length === 0 || stepper.terminal(state, last, `terminal predicate (state #${last} of the trace)`)
    ) {
      return undefined;
    }
    const shown = moving.slice(0, 6).map((act) => formatAction(act.label)).join(", ");
    return `${found}, and state #${last} is no stuttering end: ${
      moving.length === 1 ? "action" : "actions"
    } ${shown}${moving.length > 6 ? ", ..." : ""} ${moving.length === 1 ? "is" : "are"} enabled there and ` +
      `it is not terminal`;
  }

  /** A replay that stops at step `step`, which the model cannot take. */
  #notRun(step: number, reason: string): ReplayResult {
    return { ok: false, step, reason: `Step ${step}: ${reason}.`, properties: this.#along.results() };
  }

  /** The actions whose guard is false in `before` but whose effect leads to `target`. */
  #blockedActions(before: Uint32Array, target: Uint32Array): ActionLabel[] {
    const stepper = this.#stepper;
    const found: ActionLabel[] = [];
    for (const act of this.#instance.actions) {
      try {
        if (stepper.enabled(before, act, 0)) continue;
        if (stepper.apply(before, act, 0).asserted) continue;
      } catch {
        continue; // an effect may rely on its guard: one that throws where the guard is false reaches nothing
      }
      if (equalWords(stepper.next, target)) found.push(act.label);
    }
    return found;
  }

  /** `; X would lead there but its guard is false in state #from`, for the actions `others`. */
  #blockedHint(others: readonly ActionLabel[], from: number): string {
    return others.length === 0
      ? ""
      : `; ${others.map(formatAction).join(", ")} would lead there but ${
        others.length === 1 ? "its guard is" : "their guards are"
      } false in state #${from}`;
  }

  /** Names the variables in which `got` differs from `want`. */
  #differing(got: Uint32Array, want: Uint32Array): string {
    const shape = this.#instance.shape;
    const a = toValue(createView(got.slice(), shape)) as Record<string, Value>;
    const b = toValue(createView(want.slice(), shape)) as Record<string, Value>;
    return Object.keys(a).filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name])).join(", ");
  }
}

/** Evaluates every property (and deadlock) on the states and steps of a run as they are confirmed. */
class PropertyTracker {
  readonly #instance: ModelInstance;
  readonly #stepper: Stepper;
  /** Per property name, the first state or step where it was found. */
  readonly #first = new Map<string, number>();
  readonly #checksDeadlock: boolean;

  constructor(instance: ModelInstance, stepper: Stepper) {
    this.#instance = instance;
    this.#stepper = stepper;
    this.#checksDeadlock = instance.properties.some((p) => p.kind === "deadlock");
  }

  /** State #`index` of the run is `state`. */
  state(index: number, state: Uint32Array): void {
    const first = this.#first, where = (name: string) => `property ${name} (state #${index} of the trace)`;
    for (const p of this.#instance.properties) {
      if (p.kind !== "always" && p.kind !== "sometimes" || first.has(p.name)) continue;
      const holds = this.#stepper.holds(p, state, index, where(p.name));
      if (p.kind === "always" ? !holds : holds) first.set(p.name, index);
    }
    if (this.#checksDeadlock && !first.has("deadlock")) {
      if (this.#stepper.deadlocked(state, index, where("deadlock"))) first.set("deadlock", index);
    }
  }

  /** Step `index` of the run leads from `before` by `act` to `after`. */
  step(index: number, before: Uint32Array, act: ActionInstance, after: Uint32Array): void {
    for (const p of this.#instance.properties) {
      if (p.kind !== "transition" || this.#first.has(p.name)) continue;
      const where = `property ${p.name} (step ${index} of the trace)`;
      if (!this.#stepper.transitionHolds(p, before, act, after, index - 1, where)) {
        this.#first.set(p.name, index);
      }
    }
  }

  /**
   * The run is a lasso: a liveness property is violated along it when the lasso shows it (a fair cycle,
   * or a stutter where the behaviour may end, that never meets the property), found at its trigger.
   * A finite run shows no liveness violation.
   */
  lasso(lasso: PackedLasso): void {
    for (const p of this.#instance.properties) {
      if ((p.kind !== "eventually" && p.kind !== "leadsTo") || this.#first.has(p.name)) continue;
      const verdict = judgeLasso(this.#instance, this.#stepper, lasso, p);
      if (verdict.shown) this.#first.set(p.name, verdict.trigger);
    }
  }

  /** Assertion `name` failed in the effect of step `index` (the failing action, which made no state). */
  asserted(name: string, index: number): void {
    if (!this.#first.has(name)) this.#first.set(name, index);
  }

  results(): PropertyAlongTrace[] {
    return this.#instance.properties.map(({ name, kind }) => {
      const at = this.#first.get(name);
      // A trace is a whole run, so nothing is left undecided along it.
      const status = statusOf(kind, at !== undefined, true) as PropertyAlongTrace["status"];
      return at === undefined ? { name, kind, status } : { name, kind, status, at };
    });
  }
}
