/**
 * Checking that a sequence of states is a run of a model: the first state is an initial state and
 * each next state is the result of some enabled action (the recorded one, when the trace names it).
 * Along the run, every property is evaluated: the first state (or step) that violates each safety
 * property, and the first state that satisfies each witness. Used by `replay` to read back traces
 * written by hvcheck or by other ITF tools.
 *
 * @module
 */

import type { Value } from "../state/domain.ts";
import type { ModelInstance } from "../model/model.ts";
import {
  type ActionLabel,
  AssertionSignal,
  formatAction,
  type PropertyKind,
  statusOf,
} from "../model/properties.ts";
import { modelFailure } from "../model/model_failure.ts";
import { assignValue, createReadonlyView, createView, toValue } from "../state/state_view.ts";
import { sameLabel } from "./trace_itf.ts";

/**
 * One property evaluated along a trace. `at` is the first state (0-based, `state #at`) that violates an
 * invariant or deadlocks, the first step (step k leads from state #k-1 to state #k) that violates a
 * transition property, the first state that satisfies a witness, or, for an assertion, the step of the
 * trace's failing action (one past its last state), whose effect failed it.
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
 * The verdict of a replay, with the properties evaluated along the states that are a run (the whole
 * trace, or the prefix before the first step the model cannot take).
 */
export type ReplayResult =
  | {
    readonly ok: true;
    readonly steps: number;
    readonly actions: readonly ActionLabel[];
    readonly properties: readonly PropertyAlongTrace[];
    readonly failing?: FailingOutcome;
  }
  | {
    readonly ok: false;
    readonly step: number;
    readonly reason: string;
    readonly properties: readonly PropertyAlongTrace[];
  };

function equalWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Checks `states` (plain values already checked against the domains) against the model. `failing` is
 * the action the trace says failed in its last state (an assertion or a model error in its effect): it
 * must be enabled there, and what its effect does is part of the result.
 */
export function replayStates(
  instance: ModelInstance,
  states: readonly Record<string, Value>[],
  recorded: readonly (ActionLabel | undefined)[] = [],
  failing?: ActionLabel,
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

  const along = propertyTracker(instance);

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
      properties: [],
    };
  }
  along.state(0, packed[0]!);

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
      let asserted: AssertionSignal | undefined;
      try {
        enabled = act.guard === undefined || act.guard(beforeView, act.label.params);
        if (enabled) {
          scratch.set(before);
          act.effect(view, act.label.params);
        }
      } catch (error) {
        // An effect that fails an assertion makes no state, so it is no step to the next one.
        if (!(error instanceof AssertionSignal)) {
          throw modelFailure(instance, `action ${act.text}`, step - 1, error);
        }
        enabled = true;
        asserted = error;
      }
      if (!enabled) {
        if (wanted) wantedReason = `action ${formatAction(wanted)} is not enabled in state #${step - 1}`;
        continue;
      }
      if (asserted) {
        if (wanted) {
          wantedReason = `action ${formatAction(wanted)} fails assertion ${asserted.name} in state #${
            step - 1
          } and makes no state`;
        }
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
      const blocked = blockedActions(instance, before, packed[step]!);
      const wantedBlocked = wanted !== undefined && blocked.some((label) => sameLabel(label, wanted));
      const others = blocked.filter((label) => !wanted || !sameLabel(label, wanted));
      const reason = wantedBlocked
        ? `action ${formatAction(wanted)} would lead to state #${step} but its guard is false in state #${
          step - 1
        }`
        : wanted
        ? (wantedReason || `model ${instance.name} has no action ${formatAction(wanted)}`)
        : `no action of model ${instance.name} leads from state #${step - 1} to state #${step}`;
      const hint = others.length === 0
        ? ""
        : `; ${others.map(formatAction).join(", ")} would lead there but ${
          others.length === 1 ? "its guard is" : "their guards are"
        } false in state #${step - 1}`;
      return { ok: false, step, reason: `Step ${step}: ${reason}${hint}.`, properties: along.results() };
    }
    taken.push(match);
    along.step(step, packed[step - 1]!, match, packed[step]!);
    along.state(step, packed[step]!);
  }
  const steps = packed.length - 1;
  if (failing === undefined) return { ok: true, steps, actions: taken, properties: along.results() };
  // The failing action made no state: it is run from the last state, as the search ran it.
  const act = instance.actions.find((a) => sameLabel(a.label, failing));
  const last = packed[steps]!;
  before.set(last);
  let enabled: boolean;
  let asserted: string | undefined;
  try {
    enabled = act !== undefined && (act.guard === undefined || act.guard(beforeView, act.label.params));
    if (act && enabled) {
      scratch.set(last);
      act.effect(view, act.label.params);
    }
  } catch (error) {
    if (!(error instanceof AssertionSignal)) {
      throw modelFailure(instance, `action ${act!.text}`, steps, error);
    }
    enabled = true;
    asserted = error.name;
  }
  if (!act || !enabled) {
    return {
      ok: false,
      step: steps + 1,
      reason: `Step ${steps + 1}: the failing action ${formatAction(failing)} that the trace records ${
        act ? `is not enabled in state #${steps}` : `is not an action of model ${instance.name}`
      }.`,
      properties: along.results(),
    };
  }
  if (asserted !== undefined) along.asserted(asserted, steps + 1);
  return {
    ok: true,
    steps,
    actions: taken,
    properties: along.results(),
    failing: { action: failing, ...(asserted !== undefined ? { asserted } : {}) },
  };
}

/** The actions whose guard is false in `before` but whose effect leads to `target`. */
function blockedActions(instance: ModelInstance, before: Uint32Array, target: Uint32Array): ActionLabel[] {
  const scratch = new Uint32Array(instance.words);
  const view = createView(scratch, instance.shape);
  const beforeView = createView(before, instance.shape);
  const found: ActionLabel[] = [];
  for (const act of instance.actions) {
    try {
      if (act.guard === undefined || act.guard(beforeView, act.label.params)) continue;
      scratch.set(before);
      act.effect(view, act.label.params);
    } catch {
      continue; // an effect may rely on its guard: one that throws where the guard is false reaches nothing
    }
    if (equalWords(scratch, target)) found.push(act.label);
  }
  return found;
}

/** Evaluates every property (and deadlock) on the states and steps of a run as they are confirmed. */
function propertyTracker(instance: ModelInstance) {
  const first = new Map<string, number>();
  const checksDeadlock = instance.properties.some((p) => p.kind === "deadlock");
  const words = new Uint32Array(instance.words);
  const view = createReadonlyView(words, instance.shape);
  const afterWords = new Uint32Array(instance.words);
  const afterView = createReadonlyView(afterWords, instance.shape);
  const evaluate = (name: string, where: string, depth: number, test: () => unknown): boolean => {
    try {
      return Boolean(test());
    } catch (error) {
      throw modelFailure(instance, `property ${name} (${where} of the trace)`, depth, error);
    }
  };
  return {
    state(index: number, state: Uint32Array): void {
      words.set(state);
      for (const p of instance.properties) {
        if (p.kind !== "always" && p.kind !== "sometimes" || first.has(p.name)) continue;
        const holds = evaluate(p.name, `state #${index}`, index, () => p.predicate(view as never));
        if (p.kind === "always" ? !holds : holds) first.set(p.name, index);
      }
      if (checksDeadlock && !first.has("deadlock")) {
        const stuck = evaluate(
          "deadlock",
          `state #${index}`,
          index,
          () =>
            (instance.withinBoundary === undefined || instance.withinBoundary(view)) &&
            !instance.actions.some((a) =>
              !a.background && (a.guard === undefined || a.guard(view, a.label.params))
            ) &&
            !(instance.terminal?.(view) ?? false),
        );
        if (stuck) first.set("deadlock", index);
      }
    },
    step(index: number, before: Uint32Array, action: ActionLabel, after: Uint32Array): void {
      words.set(before);
      afterWords.set(after);
      for (const p of instance.properties) {
        if (p.kind !== "transition" || first.has(p.name)) continue;
        const holds = evaluate(
          p.name,
          `step ${index}`,
          index - 1,
          () => p.predicate(view as never, action, afterView as never),
        );
        if (!holds) first.set(p.name, index);
      }
    },
    /** Assertion `name` failed in the effect of step `index` (the failing action, which made no state). */
    asserted(name: string, index: number): void {
      if (!first.has(name)) first.set(name, index);
    },
    results(): PropertyAlongTrace[] {
      return instance.properties.map(({ name, kind }) => {
        const at = first.get(name);
        // A trace is a whole run, so nothing is left undecided along it.
        const status = statusOf(kind, at !== undefined, true) as PropertyAlongTrace["status"];
        return at === undefined ? { name, kind, status } : { name, kind, status, at };
      });
    },
  };
}
