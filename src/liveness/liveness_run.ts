/**
 * When and how a check runs the liveness pass: the options and model features under which a liveness
 * verdict would be unsound or vacuous are refused before the search starts, the pass runs only on a
 * search that explored the whole space, and it stays inside the run's time limit and memory budget.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { ModelInstance } from "../model/model.ts";
import type { SearchOptions } from "../search/search_types.ts";
import type { SearchOutcome } from "../search/search_types.ts";
import { checkLiveness, livenessProperties, type LivenessVerdict } from "./check_liveness.ts";
import { BYTES_PER_STATE, BYTES_PER_TRANSITION } from "./state_graph.ts";

/** Bytes per state the pass needs at its peak beyond the graph: the fair-core search and the lasso's. */
export const WORKING_BYTES_PER_STATE = 33 + 26 + 3;

/** Bytes the liveness pass needs at its peak for a graph of `states` and `transitions`. */
export function livenessBytes(instance: ModelInstance, states: number, transitions: number): number {
  return states * (instance.words * 4 + BYTES_PER_STATE + WORKING_BYTES_PER_STATE) +
    transitions * BYTES_PER_TRANSITION;
}

/** What a run reports of its liveness pass. */
export interface LivenessSummary {
  /** States of the stored graph. */
  readonly states: number;
  /** Transitions of the stored graph. */
  readonly transitions: number;
  /** Bytes the stored graph held. */
  readonly bytes: number;
  /** Seconds the pass took. */
  readonly seconds: number;
}

/** The pass's verdicts, what it reports, and why it stopped early, if it did. */
export interface LivenessDecision {
  readonly verdicts: ReadonlyMap<number, LivenessVerdict>;
  /** The largest resident memory seen during the pass (0 when it did not run). */
  readonly peakMemoryBytes?: number;
  readonly summary?: LivenessSummary;
  readonly stopped?: "time" | "interrupted" | "memory";
  readonly warnings: readonly string[];
}

function names(instance: ModelInstance): string {
  return livenessProperties(instance).map(([, p]) => p.name).join(", ");
}

/**
 * Refuses what would make a liveness verdict unsound or vacuous: a symmetry reduction (the reduced
 * graph's cycles are not the model's, and fairness per instance does not survive the quotient), a
 * boundary (behaviours that leave it are cut short), and checkpoints (they do not hold the graph).
 */
export function refuseUnsoundLiveness(instance: ModelInstance, options: SearchOptions): void {
  if (livenessProperties(instance).length === 0) return;
  const which = `liveness propert${livenessProperties(instance).length > 1 ? "ies" : "y"} ${names(instance)}`;
  if (instance.canonicalize !== undefined) {
    throw new InputError(
      `Model ${instance.name} declares symmetry over ${instance.symmetry.join(", ")}, and ${which} cannot ` +
        `be checked on a symmetry-reduced graph: its cycles are not the model's, and fairness for each ` +
        `action instance does not carry over. Declare no symmetry in configurations with liveness properties ` +
        `(symmetry may be a function of the parameters).`,
    );
  }
  if (instance.withinBoundary !== undefined) {
    throw new InputError(
      `Model ${instance.name} has withinBoundary, and ${which} would be vacuous: a behaviour that leaves ` +
        `the boundary is cut short, and a cut behaviour reaches nothing. Bound the model through its ` +
        `parameters and domains instead.`,
    );
  }
  if (options.checkpointDir !== undefined || options.resume !== undefined) {
    throw new InputError(
      `Model ${instance.name} has ${which}, which are decided on the whole state graph after the search; ` +
        `checkpoints do not hold that graph, so a run with liveness properties cannot write or resume one.`,
    );
  }
}

/**
 * Runs the liveness pass on a finished search: undefined when the model has no liveness properties;
 * every liveness property incomplete when the search did not explore the whole space.
 */
export function decideLiveness(
  instance: ModelInstance,
  outcome: SearchOutcome,
  options: SearchOptions,
): LivenessDecision | undefined {
  const properties = livenessProperties(instance);
  if (properties.length === 0) return undefined;
  const incomplete = new Map(properties.map(([i]) => [i, { status: "incomplete" } as LivenessVerdict]));
  const warnings: string[] = [];
  if (instance.actions.every((a) => a.fairness === "none")) {
    warnings.push(
      `No action of model ${instance.name} is fair: ${names(instance)} hold only if no behaviour at all ` +
        `avoids them, and any cycle of actions that avoids them is a counterexample. Declare ` +
        `fairness: "weak" on the model, or fair on the actions that must make progress.`,
    );
  }
  if (!outcome.complete) return { verdicts: incomplete, warnings };
  const need = livenessBytes(instance, outcome.distinctStates, outcome.transitions);
  if (options.memoryBytes !== undefined && need > options.memoryBytes) {
    warnings.push(
      `The liveness pass needs about ${need} bytes for ${outcome.distinctStates} states and ` +
        `${outcome.transitions} transitions, more than the memory budget of ${options.memoryBytes} bytes.`,
    );
    return { verdicts: incomplete, stopped: "memory", warnings };
  }
  const deadline = options.timeLimitSeconds === undefined
    ? undefined
    : performance.now() + (options.timeLimitSeconds - outcome.seconds) * 1000;
  const result = checkLiveness(instance, {
    ...(deadline === undefined ? {} : { deadline }),
    ...(options.interrupted ? { interrupted: options.interrupted } : {}),
  }, { states: outcome.distinctStates, transitions: outcome.transitions });
  // The graph is stored exactly; the search's count can only be smaller, by states a fingerprint
  // collision hid. Anything else is a fault of the engine, not a result.
  if (
    result.stopped === undefined && (result.states < outcome.distinctStates ||
      (result.states > outcome.distinctStates && !outcome.lossy))
  ) {
    throw new Error(
      `The liveness graph of model ${instance.name} has ${result.states} states, the search ${outcome.distinctStates}`,
    );
  }
  if (result.states > outcome.distinctStates) {
    warnings.push(
      `A fingerprint collision hid ${result.states - outcome.distinctStates} states from the search; the ` +
        `liveness pass stored them all. Run with --exact to check the safety properties on every state.`,
    );
  }
  const summary = {
    states: result.states,
    transitions: result.transitions,
    bytes: result.bytes,
    seconds: result.seconds,
  };
  return {
    verdicts: result.verdicts,
    peakMemoryBytes: result.peakMemoryBytes,
    summary,
    warnings,
    ...(result.stopped ? { stopped: result.stopped } : {}),
  };
}
