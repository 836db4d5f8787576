/**
 * The liveness pass: once the safety search has explored the whole space, the reachable graph is
 * stored (src/liveness/state_graph.ts), and each liveness property is decided on it.
 *
 * - `eventually(p)` is violated when a fair core (src/liveness/fair_cycles.ts) of the states where p is
 *   false is reachable from an initial state through such states.
 * - `leadsTo(t, r)` is violated when a fair core of the states where r is false is reachable, through
 *   such states, from a reachable state where t holds and r does not.
 *
 * The lasso is chosen on the graph (src/liveness/lasso.ts) and then replayed on the model, step by step,
 * through the stepper: its states, its closing step, the property along it and the fairness of its
 * cycle are checked again before it is reported.
 *
 * @module
 */

import { ReplayError } from "../trace/trace.ts";
import type { Trace } from "../trace/trace.ts";
import type { ModelInstance } from "../model/model.ts";
import { judgeLasso } from "../trace/lasso_check.ts";
import { modelFailure } from "../model/model_failure.ts";
import { isLiveness, type LivenessProperty } from "../model/properties.ts";
import { equalWords, Stepper } from "../model/step.ts";
import { createReadonlyView, createView, toValue } from "../state/state_view.ts";
import { fairCores, type FairnessOf } from "./fair_cycles.ts";
import { findLasso, type LassoPath } from "./lasso.ts";
import { type BuildControl, buildStateGraph, GraphBuildStopped, type StateGraph } from "./state_graph.ts";

/** The verdict of one liveness property. */
export interface LivenessVerdict {
  readonly status: "holds" | "violated" | "incomplete";
  /** The lasso of a violation. */
  readonly trace?: Trace;
}

/** What the liveness pass found, by property index (into `instance.properties`). */
export interface LivenessOutcome {
  readonly verdicts: ReadonlyMap<number, LivenessVerdict>;
  /** States and transitions of the stored graph. */
  readonly states: number;
  readonly transitions: number;
  /** Bytes the graph held. */
  readonly bytes: number;
  readonly seconds: number;
  /** The largest resident memory of the process seen during the pass. */
  readonly peakMemoryBytes: number;
  /** Why the pass stopped before deciding, if it did. */
  readonly stopped?: "time" | "interrupted";
}

/** The liveness properties of `instance`, with their index. */
export function livenessProperties(instance: ModelInstance): [number, LivenessProperty][] {
  return instance.properties.flatMap((p, i) => isLiveness(p.kind) ? [[i, p as LivenessProperty]] : []);
}

/** Decides every liveness property of `instance` on its whole reachable graph. */
export function checkLiveness(
  instance: ModelInstance,
  control: BuildControl = {},
  expected?: { states: number; transitions: number },
): LivenessOutcome {
  const started = performance.now();
  const properties = livenessProperties(instance);
  const verdicts = new Map<number, LivenessVerdict>();
  let graph: StateGraph;
  try {
    graph = buildStateGraph(instance, control, expected);
  } catch (error) {
    if (!(error instanceof GraphBuildStopped)) throw error;
    for (const [i] of properties) verdicts.set(i, { status: "incomplete" });
    return {
      verdicts,
      states: 0,
      transitions: 0,
      bytes: 0,
      seconds: (performance.now() - started) / 1000,
      peakMemoryBytes: Deno.memoryUsage().rss,
      stopped: error.reason,
    };
  }
  let peak = Deno.memoryUsage().rss;
  const fairness: FairnessOf = instance.actions.map((a) => a.fairness);
  for (const [i, property] of properties) {
    const target = evaluate(
      instance,
      graph,
      property.kind === "leadsTo" ? property.response : property.predicate,
      property.name,
    );
    const bad = target.map((v) => v ^ 1);
    const trigger = property.kind === "leadsTo"
      ? evaluate(instance, graph, property.trigger, property.name)
      : undefined;
    const cores = fairCores(graph, bad, fairness);
    const lasso = findLasso(graph, bad, trigger, cores, fairness);
    peak = Math.max(peak, Deno.memoryUsage().rss);
    if (lasso === undefined) {
      verdicts.set(i, { status: "holds" });
      continue;
    }
    verdicts.set(i, { status: "violated", trace: replayLasso(instance, graph, lasso, property) });
  }
  return {
    verdicts,
    states: graph.size,
    transitions: graph.edgeTarget.length,
    bytes: graph.bytes,
    seconds: (performance.now() - started) / 1000,
    peakMemoryBytes: peak,
  };
}

/** 1 where `predicate` holds, per state. */
function evaluate(
  instance: ModelInstance,
  graph: StateGraph,
  predicate: (state: never) => boolean,
  name: string,
): Uint8Array {
  const words = new Uint32Array(graph.words);
  const view = createReadonlyView(words, instance.shape);
  const out = new Uint8Array(graph.size);
  for (let s = 0; s < graph.size; s++) {
    words.set(graph.states.subarray(s * graph.words, (s + 1) * graph.words));
    try {
      out[s] = predicate(view as never) ? 1 : 0;
    } catch (error) {
      throw modelFailure(instance, `property ${name}`, 0, error);
    }
  }
  return out;
}

/**
 * The lasso as a trace, replayed on the model through the stepper (not the graph): every step, the
 * closing step, the property along the lasso and the fairness of its cycle. A lasso that fails any of
 * these is refused with a ReplayError rather than shown.
 */
function replayLasso(
  instance: ModelInstance,
  graph: StateGraph,
  lasso: LassoPath,
  property: LivenessProperty,
): Trace {
  const stepper = new Stepper(instance);
  const refuse = (message: string, step: number) =>
    new ReplayError(
      `The lasso of liveness property ${property.name} of model ${instance.name} ${message}.`,
      step,
    );
  const words: Uint32Array[] = [];
  stepper.init(lasso.initIndex);
  words.push(stepper.next.slice());
  const stored = (s: number) => graph.states.subarray(s * graph.words, (s + 1) * graph.words);
  if (!equalWords(words[0]!, stored(lasso.states[0]!))) {
    throw refuse("does not start in its initial state", 0);
  }
  const n = lasso.states.length;
  for (let i = 0; i < lasso.actions.length; i++) {
    const act = instance.actions[lasso.actions[i]!]!;
    const before = words[i]!;
    if (!stepper.enabled(before, act, i)) {
      throw refuse(`takes ${act.text}, which is not enabled, at step ${i + 1}`, i + 1);
    }
    const effect = stepper.apply(before, act, i);
    const expected = i + 1 < n ? stored(lasso.states[i + 1]!) : words[lasso.loop]!;
    if (effect.asserted || !equalWords(stepper.next, expected)) {
      throw refuse(`does not reach the state it records at step ${i + 1}`, i + 1);
    }
    if (i + 1 < n) words.push(stepper.next.slice());
  }
  const verdict = judgeLasso(instance, stepper, {
    states: words,
    actions: lasso.actions.map((a) => instance.actions[a]!),
    loop: lasso.loop,
  }, property);
  if (!verdict.shown) throw refuse(`does not show the violation: ${verdict.why}`, lasso.loop);
  const states = words.map((w) => Object.freeze(toValue(createView(w.slice(), instance.shape) as never)));
  return Object.freeze({
    model: instance.name,
    params: instance.params,
    initIndex: lasso.initIndex,
    states,
    actions: lasso.actions.map((a) => instance.actions[a]!.label),
    loop: lasso.loop,
  });
}
