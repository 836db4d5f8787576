/**
 * What a resumed search checks before it believes a checkpoint. The checkpoint's digest
 * (src/search/checkpoint.ts) catches a changed byte; this catches a checkpoint whose parts disagree with each
 * other or with the model, however it came to be: the counters must match the arrays restored, and
 * every restored finding must be a run of the model (each state on its path one the restored visited
 * set holds) whose last step really violates (or witnesses) its property. Its trace is rebuilt and
 * validated again when the result is summarized, like any other finding's.
 *
 * @module
 */

import type { ChunkedArray } from "../store/chunked_array.ts";
import { InputError } from "../errors.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { type Finding, NO_PARENT } from "../store/keys.ts";
import type { ActionInstance, ModelInstance } from "../model/model.ts";
import { isSafety } from "../model/properties.ts";
import { Stepper } from "../model/step.ts";
import type { Counts } from "./search_types.ts";
import type { VisitedReader } from "../store/visited_set.ts";

/** What a resume restored, as counts and the arrays themselves. */
export interface Restored extends Pick<Counts, "distinctStates" | "depth"> {
  readonly currentFirstId: number;
  readonly nextFirstId: number;
  /** States in the current level's rest and in the next level so far. */
  readonly current: number;
  readonly next: number;
  /** Entries restored into the visited set. */
  readonly visited: number;
  /** Lengths of the checkpoint's action counts and findings, and the lengths the model needs. */
  readonly fired: number;
  readonly findings: number;
  readonly expectedFindings: number;
  readonly parents: ChunkedArray;
  readonly actionsTaken: ChunkedArray;
  readonly reader: VisitedReader;
  readonly found: readonly (Finding | undefined)[];
}

/** Throws an InputError naming the first thing in `restored` that does not hold together. */
export function checkRestored(instance: ModelInstance, restored: Restored): void {
  const corrupt = (what: string) =>
    new InputError(`The checkpoint does not hold together: ${what}; it cannot be resumed.`);
  const r = restored;
  if (r.parents.length !== r.distinctStates || r.actionsTaken.length !== r.distinctStates) {
    throw corrupt(
      `it counts ${r.distinctStates} states but holds ${r.parents.length} parents and ${r.actionsTaken.length} actions`,
    );
  }
  if (r.currentFirstId + r.current !== r.nextFirstId || r.nextFirstId + r.next !== r.distinctStates) {
    throw corrupt(
      `its levels (states ${r.currentFirstId}.. with ${r.current} left, ${r.nextFirstId}.. with ${r.next}) ` +
        `do not add up to ${r.distinctStates} states`,
    );
  }
  if (r.visited < r.distinctStates) {
    throw corrupt(`its visited set holds ${r.visited} states, fewer than ${r.distinctStates}`);
  }
  if (r.fired !== instance.actions.length) {
    throw corrupt(`it counts firings of ${r.fired} actions, and the model has ${instance.actions.length}`);
  }
  if (r.findings !== r.expectedFindings) {
    throw corrupt(`it has ${r.findings} findings' places, and the model ${r.expectedFindings} properties`);
  }
  r.found.forEach((finding, i) => {
    if (finding !== undefined) checkFinding(instance, r, finding, i);
  });
}

/** The action indices from an initial state to the state `action` reaches from `parent`. */
function pathOf(r: Restored, parent: number, action: number): { init: number; actions: number[] } | string {
  if (parent === NO_PARENT) return { init: action, actions: [] };
  const actions = [action];
  for (let id = parent, steps = 0;; steps++) {
    if (id >= r.distinctStates) return `state #${id} is not one of the ${r.distinctStates} restored`;
    if (steps > r.distinctStates) return `the parent chain loops`;
    const up = r.parents.get(id);
    if (up === NO_PARENT) return { init: r.actionsTaken.get(id), actions: actions.reverse() };
    if (up >= id) return `state #${id} has parent #${up}, which is not an earlier state`;
    actions.push(r.actionsTaken.get(id));
    id = up;
  }
}

function checkFinding(instance: ModelInstance, r: Restored, finding: Finding, index: number): void {
  const property = instance.properties[index];
  const name = property?.name ?? `#${index}`;
  const refusals = new Set<unknown>();
  const refuse = (why: string) => {
    const refusal = new InputError(
      `The checkpoint's finding for property ${name} is not one this model produces: ${why}; the checkpoint ` +
        `cannot be resumed.`,
    );
    refusals.add(refusal);
    return refusal;
  };
  if (property === undefined) throw refuse("the model has no such property");
  const path = pathOf(r, finding.parent, finding.action);
  if (typeof path === "string") throw refuse(path);
  if (path.actions.length !== finding.length) {
    throw refuse(`its path has ${path.actions.length} steps, and it says ${finding.length}`);
  }
  const width = instance.words, stepper = new Stepper(instance);
  const state = new Uint32Array(width), before = new Uint32Array(width), key = new Uint32Array(width);
  const fp = new Uint32Array(2);
  // A transition violation's target need not be stored: the search checks it before inserting.
  const lastStored = property.kind !== "transition";
  const stored = (step: number) => {
    if (step === path.actions.length && !lastStored) return;
    key.set(state);
    instance.canonicalize?.(key);
    fingerprint(key, 0, width, fp);
    if (!r.reader.has(key, 0, fp)) {
      throw refuse(`state ${step} of its path is not in the restored visited set`);
    }
  };
  if (!instance.inits[path.init]) {
    throw refuse(`it starts from initial state #${path.init}, which the model does not have`);
  }
  try {
    stepper.init(path.init);
    state.set(stepper.next);
    instance.canonicalize?.(state);
    stored(0);
    let last: ActionInstance | undefined;
    path.actions.forEach((a, i) => {
      const act = instance.actions[a];
      if (!act) throw refuse(`step ${i + 1} takes action #${a}, which the model does not have`);
      if (!stepper.enabled(state, act, i)) {
        throw refuse(`step ${i + 1} takes action ${act.text}, which is not enabled there`);
      }
      before.set(state);
      // An assertion's finding is judged when its trace is rebuilt (src/trace/trace.ts), like every other one.
      if (stepper.apply(state, act, i).asserted) return;
      state.set(stepper.next);
      last = act;
      // Under symmetry the stored chain runs over representatives: the last step of a transition
      // violation is judged before canonicalizing, as the search judges it.
      if (!(i === path.actions.length - 1 && !lastStored)) instance.canonicalize?.(state);
      stored(i + 1);
    });
    const depth = path.actions.length;
    const holds = property.kind === "assertion"
      ? undefined
      : property.kind === "deadlock"
      ? !stepper.deadlocked(state, depth)
      : property.kind === "transition"
      ? last === undefined ? undefined : stepper.transitionHolds(property, before, last, state, depth)
      : property.kind === "eventually" || property.kind === "leadsTo"
      ? undefined // checked on the whole graph, never found by the search
      : stepper.holds(property, state, depth);
    const expected = !isSafety(property.kind);
    if (holds !== undefined && holds !== expected) {
      throw refuse(
        `its last state ${expected ? "does not satisfy" : "satisfies"} the property (the finding is false)`,
      );
    }
  } catch (error) {
    // The stepper turns a throw in model code into a model error; along a restored path it means the
    // finding is not one this model produces, as before the stepper did the replay.
    if (refusals.has(error)) throw error;
    throw refuse(`replaying it threw ${(error as Error)?.message ?? String(error)}`);
  }
}
