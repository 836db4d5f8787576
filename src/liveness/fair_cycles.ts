/**
 * Fair cycles in a part of the state graph: the strongly connected sets of states inside which some
 * infinite behaviour stays forever and is fair, found as the Emerson-Lei algorithm finds them.
 *
 * A behaviour that stays in a strongly connected set C forever, and visits every state and takes every
 * edge of C infinitely often, is fair unless
 * - a weakly fair action instance is enabled in every state of C and labels no edge inside C (it is then
 *   enabled forever and never taken; no smaller cycle of C helps, since it too has the instance enabled
 *   everywhere and fewer edges), or
 * - a strongly fair instance is enabled somewhere in C and labels no edge inside C. A cycle may still
 *   avoid the states where it is enabled: those states are removed and what is left is decomposed again.
 *
 * A state where the behaviour may end (see StateGraph.ends) is fair on its own: it stutters forever.
 *
 * @module
 */

import type { ActionFairness } from "../model/model.ts";
import { NO_TARGET, type StateGraph } from "./state_graph.ts";

/** The fairness of each action instance, by index. */
export type FairnessOf = readonly (ActionFairness | "none")[];

/** A set of states in which a fair behaviour can stay forever. */
export interface FairCore {
  /**
   * `cycle`: a strongly connected set, every state and edge of which a fair cycle may visit; `end`: a
   * single state where the behaviour stops and stutters.
   */
  readonly kind: "cycle" | "end";
  /** Its states, in increasing id order. */
  readonly states: Uint32Array;
}

/** The fair cores of a part of the graph. */
export interface FairCores {
  readonly cores: readonly FairCore[];
  /** The core each state belongs to (an `end` core when it belongs to two), or -1. */
  readonly coreOf: Int32Array;
}

/** The fair cores among the states where `inside` is 1, over edges between such states. */
export function fairCores(graph: StateGraph, inside: Uint8Array, fairness: FairnessOf): FairCores {
  const n = graph.size;
  const { edgeStart, edgeTarget, edgeAction } = graph;
  const cores: FairCore[] = [];
  const coreOf = new Int32Array(n).fill(-1);
  const region = new Int32Array(n).fill(-1);

  const first: number[] = [];
  for (let s = 0; s < n; s++) {
    if (inside[s] !== 1) continue;
    region[s] = 0;
    first.push(s);
    if (graph.ends[s] === 1) {
      coreOf[s] = cores.length;
      cores.push({ kind: "end", states: Uint32Array.of(s) });
    }
  }
  const regions: Uint32Array[] = [Uint32Array.from(first)];
  let regionCount = 1;

  // Tarjan's algorithm, iterative, restricted to one region at a time.
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Uint32Array(n);
  const callNode = new Uint32Array(n);
  const callEdge = new Uint32Array(n);
  const sccOf = new Int32Array(n).fill(-1);
  let counter = 0;
  let sccCount = 0;

  // Per-SCC tallies of fair instances, reset through the list of instances touched.
  const actions = fairness.length;
  const enabledIn = new Uint32Array(actions);
  const takenIn = new Uint8Array(actions);
  const touchedStamp = new Int32Array(actions).fill(-1);
  const touched: number[] = [];

  const judge = (scc: Uint32Array, id: number): void => {
    let nontrivial = scc.length > 1;
    touched.length = 0;
    for (const s of scc) {
      for (let e = edgeStart[s]!; e < edgeStart[s + 1]!; e++) {
        const t = edgeTarget[e]!;
        const inScc = t !== NO_TARGET && sccOf[t] === id;
        if (inScc && t === s) nontrivial = true;
        const a = edgeAction[e]!;
        if (fairness[a] === "none") continue;
        if (touchedStamp[a] !== id) {
          touchedStamp[a] = id;
          enabledIn[a] = 0;
          takenIn[a] = 0;
          touched.push(a);
        }
        enabledIn[a]!++;
        if (inScc) takenIn[a] = 1;
      }
    }
    if (!nontrivial) return;
    const strong: number[] = [];
    for (const a of touched) {
      if (takenIn[a] === 1) continue;
      if (fairness[a] === "weak" && enabledIn[a] === scc.length) return;
      if (fairness[a] === "strong") strong.push(a);
    }
    if (strong.length === 0) {
      const states = scc.slice().sort();
      const core = cores.length;
      cores.push({ kind: "cycle", states });
      for (const s of states) if (coreOf[s] === -1) coreOf[s] = core;
      return;
    }
    const refuted = new Set(strong);
    const rest: number[] = [];
    const next = regionCount++;
    for (const s of scc) {
      let keep = true;
      for (let e = edgeStart[s]!; e < edgeStart[s + 1]! && keep; e++) keep = !refuted.has(edgeAction[e]!);
      region[s] = keep ? next : -1;
      if (keep) rest.push(s);
    }
    if (rest.length > 0) regions.push(Uint32Array.from(rest));
  };

  for (let k = 0; k < regions.length; k++) {
    const members = regions[k]!;
    const r = region[members[0]!] ?? -1;
    for (const s of members) index[s] = -1;
    for (const root of members) {
      if (index[root] !== -1 || region[root] !== r) continue;
      let sp = 0; // Tarjan's stack
      let cp = 0; // call stack
      const enter = (s: number) => {
        index[s] = low[s] = counter++;
        stack[sp++] = s;
        onStack[s] = 1;
        callNode[cp] = s;
        callEdge[cp++] = edgeStart[s]!;
      };
      enter(root);
      while (cp > 0) {
        const s = callNode[cp - 1]!;
        const e = callEdge[cp - 1]!;
        if (e < edgeStart[s + 1]!) {
          callEdge[cp - 1] = e + 1;
          const t = edgeTarget[e]!;
          if (t === NO_TARGET || region[t] !== r) continue;
          if (index[t] === -1) enter(t);
          else if (onStack[t] === 1 && index[t]! < low[s]!) low[s] = index[t]!;
          continue;
        }
        cp--;
        if (cp > 0) {
          const p = callNode[cp - 1]!;
          if (low[s]! < low[p]!) low[p] = low[s]!;
        }
        if (low[s] !== index[s]) continue;
        const id = sccCount++;
        let top = sp;
        do {
          const u = stack[--top]!;
          onStack[u] = 0;
          sccOf[u] = id;
        } while (stack[top] !== s);
        const scc = stack.slice(top, sp);
        sp = top;
        judge(scc, id);
      }
    }
  }
  return { cores, coreOf };
}
