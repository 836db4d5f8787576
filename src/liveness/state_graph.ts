/**
 * The reachable state graph, stored whole for the liveness pass: every state (its packed words), every
 * transition with the action instance that made it, and the breadth-first tree that gives shortest
 * paths from the initial states. Ids follow the search's order (states in breadth-first order, each
 * state's successors in firing order), so the graph, and every lasso chosen on it, is the same for any
 * number of search workers.
 *
 * Full states are kept (they are needed to evaluate the properties and to print the lasso), so states
 * are told apart exactly: no fingerprint collision can merge two of them here.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { compileActions } from "../model/compiled_actions.ts";
import type { ModelInstance } from "../model/model.ts";
import { modelFailure } from "../model/model_failure.ts";
import { AssertionSignal } from "../model/properties.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { createReadonlyView, createView } from "../state/state_view.ts";
import { GrowableUint32Array } from "../store/growable_array.ts";
import { NO_PARENT } from "../store/keys.ts";

/**
 * Kept for readers of edges; no edge has it: an instance whose effect fails an assertion makes no
 * successor, and an instance is enabled, as TLA+'s ENABLED has it, only where it has one.
 */
export const NO_TARGET = 0xffffffff;

/**
 * Bytes the graph holds per state beyond its packed words: the table (8 bytes a slot, at most half
 * full, so 16 to 32), the edge offset, the tree's parent and action, and the end flag.
 */
export const BYTES_PER_STATE = 32 + 4 + 8 + 1;
/** Bytes per transition (target and action instance). */
export const BYTES_PER_TRANSITION = 8;

/** The reachable graph of a model instance. */
export interface StateGraph {
  /** Number of states; ids are 0 .. size-1. */
  readonly size: number;
  /** Words per state. */
  readonly words: number;
  /** State `id`'s words are `states[id * words .. (id + 1) * words)`. */
  readonly states: Uint32Array;
  /** State `id`'s edges are `edgeStart[id] .. edgeStart[id + 1]` (firing order). */
  readonly edgeStart: Uint32Array;
  /** Each edge's target state. */
  readonly edgeTarget: Uint32Array;
  /** Each edge's action instance. */
  readonly edgeAction: Uint32Array;
  /** Breadth-first parent of each state (NO_PARENT for initial states). */
  readonly parent: Uint32Array;
  /** The action instance from the parent (the init's index for initial states). */
  readonly parentAction: Uint32Array;
  /** 1 where the behaviour may end and stutter: `terminal` holds, or no action makes a successor. */
  readonly ends: Uint8Array;
  /** Bytes held. */
  readonly bytes: number;
}

/** Stops a build that runs past its deadline or is interrupted: the liveness verdict is then incomplete. */
export class GraphBuildStopped extends Error {
  readonly reason: "time" | "interrupted";
  constructor(reason: "time" | "interrupted") {
    super(`the state graph was not finished (${reason})`);
    this.reason = reason;
  }
}

/** When to stop building (polled every few thousand states). */
export interface BuildControl {
  readonly deadline?: number;
  readonly interrupted?: () => boolean;
}

/**
 * A hash table from packed states to ids, over the graph's own copy of the states. Each slot holds the
 * state's hash beside its id, so a probe reads one place and compares words only on a matching hash.
 */
class StateIndex {
  #slots: Uint32Array; // [hash, id + 1] pairs; id + 1 = 0 is an empty slot
  #mask: number; // slots - 1, in pairs
  #count = 0;
  readonly #fp = new Uint32Array(2);
  readonly #states: GrowableUint32Array;
  readonly #words: number;

  /** Whether the last `idOf` added its state. */
  added = false;

  constructor(states: GrowableUint32Array, words: number, expected: number) {
    this.#states = states;
    this.#words = words;
    let slots = 1 << 12;
    while (slots < expected * 2) slots *= 2;
    this.#slots = new Uint32Array(2 * slots);
    this.#mask = slots - 1;
  }

  get bytes(): number {
    return this.#slots.byteLength;
  }

  /** The id of `state`, adding it (with the next id) when it is new; `added` says which. */
  idOf(state: Uint32Array): number {
    const w = this.#words;
    fingerprint(state, 0, w, this.#fp);
    const hash = this.#fp[1]!;
    const slots = this.#slots;
    const data = this.#states.data;
    const mask = this.#mask;
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1]!;
      if (entry === 0) break;
      if (slots[2 * slot] !== hash) continue;
      const base = (entry - 1) * w;
      let k = 0;
      while (k < w && data[base + k] === state[k]) k++;
      if (k === w) {
        this.added = false;
        return entry - 1;
      }
    }
    const id = this.#count++;
    this.#states.pushWords(state, 0, w);
    if (this.#count * 2 > mask + 1) this.#grow();
    this.#place(id, hash);
    this.added = true;
    return id;
  }

  #place(id: number, hash: number): void {
    let slot = hash & this.#mask;
    while (this.#slots[2 * slot + 1] !== 0) slot = (slot + 1) & this.#mask;
    this.#slots[2 * slot] = hash;
    this.#slots[2 * slot + 1] = id + 1;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = old.length - 1;
    for (let slot = 0; slot < old.length; slot += 2) {
      if (old[slot + 1] !== 0) this.#place(old[slot + 1]! - 1, old[slot]!);
    }
  }
}

/**
 * Builds the reachable graph of `instance` breadth-first. The safety search has already run every
 * guard, effect and property on these states, so model code that fails here fails as it did there.
 */
export function buildStateGraph(
  instance: ModelInstance,
  control: BuildControl = {},
  expected: { states: number; transitions: number } = { states: 0, transitions: 0 },
): StateGraph {
  if (instance.canonicalize !== undefined) {
    throw new InputError(`Model ${instance.name}: the state graph of a symmetry-reduced model is not built.`);
  }
  const w = instance.words;
  // Sized from the search's counts, so that nothing is copied while the graph grows.
  const n = Math.max(1 << 12, expected.states + 1);
  const g = Math.max(1 << 14, expected.transitions + 1);
  const states = new GrowableUint32Array(n * w);
  const index = new StateIndex(states, w, n);
  const edgeStart = new GrowableUint32Array(n + 1);
  const edgeTarget = new GrowableUint32Array(g);
  const edgeAction = new GrowableUint32Array(g);
  const parent = new GrowableUint32Array(n);
  const parentAction = new GrowableUint32Array(n);
  let ends = new Uint8Array(n);
  const current = new Uint32Array(w);
  const next = new Uint32Array(w);
  const currentView = createReadonlyView(current, instance.shape);
  const nextView = createView(next, instance.shape);
  const compiled = compileActions(instance.actions);
  const enabled = new Int32Array(Math.max(1, instance.actions.length));

  instance.inits.forEach((init, k) => {
    next.fill(0);
    try {
      init(nextView, instance.params);
    } catch (error) {
      throw modelFailure(instance, `init${instance.inits.length > 1 ? ` #${k}` : ""}`, 0, error);
    }
    index.idOf(next);
    if (index.added) {
      parent.push(NO_PARENT);
      parentAction.push(k);
    }
  });

  const depthOf = (id: number) => {
    let depth = 0;
    for (let p = parent.get(id); p !== NO_PARENT; p = parent.get(p)) depth++;
    return depth;
  };
  for (let id = 0; id < states.length / w; id++) {
    if ((id & 4095) === 4095) {
      if (control.interrupted?.()) throw new GraphBuildStopped("interrupted");
      if (control.deadline !== undefined && performance.now() > control.deadline) {
        throw new GraphBuildStopped("time");
      }
    }
    edgeStart.push(edgeTarget.length);
    const data = states.data;
    for (let k = 0; k < w; k++) current[k] = data[id * w + k]!;
    let count: number;
    try {
      count = compiled.enabled(currentView, enabled);
    } catch (error) {
      throw modelFailure(instance, "a guard", depthOf(id), error);
    }
    let successors = 0;
    for (let j = 0; j < count; j++) {
      const act = enabled[j]!;
      next.set(current);
      try {
        compiled.apply(act, nextView);
      } catch (error) {
        if (error instanceof AssertionSignal) continue; // no successor (a safety violation)
        throw modelFailure(instance, `action ${instance.actions[act]!.text}`, depthOf(id), error);
      }
      const target = index.idOf(next);
      if (index.added) {
        parent.push(id);
        parentAction.push(act);
      }
      edgeTarget.push(target);
      edgeAction.push(act);
      successors++;
    }
    let terminal = false;
    if (instance.terminal !== undefined) {
      try {
        terminal = instance.terminal(currentView);
      } catch (error) {
        throw modelFailure(instance, "terminal", depthOf(id), error);
      }
    }
    if (id >= ends.length) {
      const grown = new Uint8Array(ends.length * 2);
      grown.set(ends);
      ends = grown;
    }
    ends[id] = terminal || successors === 0 ? 1 : 0;
  }
  edgeStart.push(edgeTarget.length);
  const size = states.length / w;
  const graph = {
    size,
    words: w,
    states: states.data.subarray(0, size * w),
    edgeStart: edgeStart.data.subarray(0, size + 1),
    edgeTarget: edgeTarget.data.subarray(0, edgeTarget.length),
    edgeAction: edgeAction.data.subarray(0, edgeAction.length),
    parent: parent.data.subarray(0, size),
    parentAction: parentAction.data.subarray(0, size),
    ends: ends.subarray(0, size),
  };
  const bytes = states.bytes + index.bytes + edgeStart.bytes + edgeTarget.bytes + edgeAction.bytes +
    parent.bytes + parentAction.bytes + ends.byteLength;
  return { ...graph, bytes };
}
