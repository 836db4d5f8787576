/**
 * The lasso of a liveness violation, chosen on the state graph: the shortest prefix from an initial
 * state into a fair core (through a state where the trigger holds, for `leadsTo`), then a short cycle
 * inside the core that is fair: it takes every fair instance the core obliges it to take, and visits a
 * state where a weakly fair instance is disabled when it does not take it.
 *
 * @module
 */

import type { FairCore, FairCores, FairnessOf } from "./fair_cycles.ts";
import { NO_PARENT } from "../store/keys.ts";
import { NO_TARGET, type StateGraph } from "./state_graph.ts";

/** A lasso as state ids and action instances: `states[i]` goes to `states[i + 1]` by `actions[i]`. */
export interface LassoPath {
  /** The states, the first one initial (its init's index is `initIndex`). */
  readonly states: readonly number[];
  readonly initIndex: number;
  /** n - 1 actions along the states, then the one back to `states[loop]` (absent for a stutter). */
  readonly actions: readonly number[];
  /** Where the cycle starts. */
  readonly loop: number;
  /** Where the trigger of a `leadsTo` holds (0 for `eventually`). */
  readonly trigger: number;
}

/**
 * The shortest path from an initial state into a fair core: staying in `bad` states throughout, or
 * (with `trigger`) through any states to a bad state where the trigger holds and in bad states from
 * there. Undefined when no core is reachable that way: the property holds.
 */
function shortestPrefix(
  graph: StateGraph,
  bad: Uint8Array,
  trigger: Uint8Array | undefined,
  cores: FairCores,
): { states: number[]; actions: number[]; trigger: number; core: number } | undefined {
  const n = graph.size;
  const triggerCore = trigger ? coresWithTrigger(graph, trigger, cores) : undefined;
  // Nodes are (state, phase): phase 0 before the trigger, 1 from it on (only phase 1 without a trigger).
  // Switching phase costs no step, so (s, 1) is discovered with (s, 0) and the queue stays in order.
  const seen = new Uint8Array(2 * n);
  const from = new Uint32Array(2 * n);
  const via = new Int32Array(2 * n); // the edge taken, -1 at the start, -2 for the switch of phase
  const queue = new Uint32Array(2 * n);
  let tail = 0;
  const discover = (node: number, parent: number, edge: number) => {
    if (seen[node]) return;
    seen[node] = 1;
    from[node] = parent;
    via[node] = edge;
    queue[tail++] = node;
    if (node < n && trigger![node] === 1 && bad[node] === 1) discover(node + n, node, -2);
  };
  for (let s = 0; s < n; s++) {
    if (graph.parent[s] !== NO_PARENT) continue;
    if (trigger) discover(s, s, -1);
    else if (bad[s] === 1) discover(s + n, s + n, -1);
  }
  let found = -1;
  for (let head = 0; head < tail && found === -1; head++) {
    const node = queue[head]!;
    const phase = node >= n ? 1 : 0;
    const s = phase ? node - n : node;
    // A core is entered after the trigger, or before it when the trigger lies on the core's cycle.
    if ((phase === 1 && cores.coreOf[s]! >= 0) || (phase === 0 && triggerCore![s]! >= 0)) {
      found = node;
      break;
    }
    for (let e = graph.edgeStart[s]!; e < graph.edgeStart[s + 1]!; e++) {
      const t = graph.edgeTarget[e]!;
      if (t === NO_TARGET || (phase === 1 && bad[t] !== 1)) continue;
      discover(phase ? t + n : t, node, e);
    }
  }
  if (found === -1) return undefined;
  const states: number[] = [];
  const actions: number[] = [];
  let triggerAt = -1;
  for (let node = found;;) {
    const s = node >= n ? node - n : node;
    const edge = via[node]!;
    if (edge === -2) {
      triggerAt = states.length;
      node = from[node]!;
      continue;
    }
    states.push(s);
    if (edge === -1) break;
    actions.push(graph.edgeAction[edge]!);
    node = from[node]!;
  }
  states.reverse();
  actions.reverse();
  const entry = states.at(-1)!;
  if (found < n) return { states, actions, trigger: -1, core: triggerCore![entry]! };
  return {
    states,
    actions,
    trigger: trigger ? states.length - 1 - triggerAt : 0,
    core: cores.coreOf[entry]!,
  };
}

/**
 * For each state, a cycle core containing it that holds a state where the trigger holds (every core
 * state is one where the response is false), or -1: entering such a core, the cycle can pass the trigger.
 */
function coresWithTrigger(graph: StateGraph, trigger: Uint8Array, cores: FairCores): Int32Array {
  const of = new Int32Array(graph.size).fill(-1);
  cores.cores.forEach((core, k) => {
    if (core.kind !== "cycle" || !core.states.some((s) => trigger[s] === 1)) return;
    for (const s of core.states) if (of[s] === -1) of[s] = k;
  });
  return of;
}

/** What a fair cycle through a core must do for one fair instance. */
interface Obligation {
  readonly action: number;
  /** Whether visiting a state where the instance is disabled will do instead of taking it. */
  readonly orDisabled: boolean;
}

function hasAction(graph: StateGraph, s: number, action: number): boolean {
  for (let e = graph.edgeStart[s]!; e < graph.edgeStart[s + 1]!; e++) {
    if (graph.edgeAction[e] === action) return true;
  }
  return false;
}

/** The fair instances a cycle through `core` must take (or, for weak ones, see disabled). */
function obligationsOf(graph: StateGraph, core: FairCore, fairness: FairnessOf): Obligation[] {
  const enabledIn = new Map<number, number>();
  for (const s of core.states) {
    for (let e = graph.edgeStart[s]!; e < graph.edgeStart[s + 1]!; e++) {
      const a = graph.edgeAction[e]!;
      if (fairness[a] !== "none") enabledIn.set(a, (enabledIn.get(a) ?? 0) + 1);
    }
  }
  return [...enabledIn].sort(([a], [b]) => a - b).map(([action, count]) => ({
    action,
    orDisabled: fairness[action] === "weak" && count < core.states.length,
  }));
}

/**
 * A breadth-first walk inside the core from `start` to the first state `stop` accepts or the first
 * edge `take` accepts (the edge is then the walk's last step); returns the edges walked.
 */
function walk(
  graph: StateGraph,
  inCore: Uint8Array,
  start: number,
  stop: ((s: number) => boolean) | undefined,
  take: (e: number) => boolean,
): number[] {
  // State -> the edge that reached it and the state that edge left from (start: none).
  const seen = new Map<number, { edge: number; from: number }>([[start, { edge: -1, from: -1 }]]);
  const queue = [start];
  const pathTo = (s: number, last?: number): number[] => {
    const edges = last === undefined ? [] : [last];
    for (let at = seen.get(s)!; at.edge !== -1; at = seen.get(at.from)!) edges.push(at.edge);
    return edges.reverse();
  };
  for (let k = 0; k < queue.length; k++) {
    const s = queue[k]!;
    if (stop?.(s)) return pathTo(s);
    for (let e = graph.edgeStart[s]!; e < graph.edgeStart[s + 1]!; e++) {
      const t = graph.edgeTarget[e]!;
      if (t === NO_TARGET || inCore[t] !== 1) continue;
      if (take(e)) return pathTo(s, e);
      if (!seen.has(t)) {
        seen.set(t, { edge: e, from: s });
        queue.push(t);
      }
    }
  }
  throw new Error(`No walk inside a fair core from state ${start}: the core is not strongly connected`);
}

/**
 * A fair cycle from `entry` back to it inside `core`, as edges; through a state `visit` accepts, when
 * given (the trigger of a leadsTo whose trigger lies on the cycle).
 */
function fairCycle(
  graph: StateGraph,
  core: FairCore,
  entry: number,
  fairness: FairnessOf,
  visit?: (s: number) => boolean,
): number[] {
  const inCore = new Uint8Array(graph.size);
  for (const s of core.states) inCore[s] = 1;
  const visited = new Set<number>([entry]);
  const taken = new Set<number>();
  const cycle: number[] = [];
  let at = entry;
  const follow = (edges: readonly number[]) => {
    for (const e of edges) {
      taken.add(graph.edgeAction[e]!);
      at = graph.edgeTarget[e]!;
      visited.add(at);
      cycle.push(e);
    }
  };
  if (visit !== undefined && !visit(entry)) follow(walk(graph, inCore, at, visit, () => false));
  for (const { action, orDisabled } of obligationsOf(graph, core, fairness)) {
    if (taken.has(action)) continue;
    if (orDisabled && [...visited].some((s) => !hasAction(graph, s, action))) continue;
    const stop = orDisabled ? (s: number) => !hasAction(graph, s, action) : undefined;
    follow(walk(graph, inCore, at, stop, (e) => graph.edgeAction[e] === action));
  }
  follow(walk(graph, inCore, at, undefined, (e) => graph.edgeTarget[e] === entry));
  return cycle;
}

/**
 * The lasso of a violation: undefined when no fair core is reachable as `shortestPrefix` describes
 * (the property then holds).
 */
export function findLasso(
  graph: StateGraph,
  bad: Uint8Array,
  trigger: Uint8Array | undefined,
  cores: FairCores,
  fairness: FairnessOf,
): LassoPath | undefined {
  if (cores.cores.length === 0) return undefined; // no fair cycle and no end state: nothing to reach
  const prefix = shortestPrefix(graph, bad, trigger, cores);
  if (prefix === undefined) return undefined;
  const entry = prefix.states.at(-1)!;
  const initIndex = graph.parentAction[prefix.states[0]!]!;
  const core = cores.cores[prefix.core]!;
  const loop = prefix.states.length - 1;
  if (core.kind === "end") {
    return { states: prefix.states, initIndex, actions: prefix.actions, loop, trigger: prefix.trigger };
  }
  const onCycle = prefix.trigger === -1 ? (s: number) => trigger![s] === 1 : undefined;
  const cycle = fairCycle(graph, core, entry, fairness, onCycle);
  const states = [...prefix.states];
  for (const e of cycle.slice(0, -1)) states.push(graph.edgeTarget[e]!);
  const actions = [...prefix.actions, ...cycle.map((e) => graph.edgeAction[e]!)];
  const triggerAt = prefix.trigger >= 0
    ? prefix.trigger
    : states.findIndex((s, i) => i >= loop && trigger![s] === 1);
  return { states, initIndex, actions, loop, trigger: triggerAt };
}
