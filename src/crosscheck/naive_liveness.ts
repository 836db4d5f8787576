/**
 * An independent, naive liveness checker for small models, used to cross-check the engine's.
 *
 * Like the naive explorer (naive_explorer.ts, whose plain views it uses), it shares only the model's
 * action instances with the engine: states are plain JavaScript values keyed by their JSON text in a
 * Map; the whole reachable graph is built by a recursive depth-first walk and kept, every edge with the
 * index of its action instance; components are found by a recursive Kosaraju (two passes, the second
 * over reversed edges); shortest prefixes by relaxing edges until nothing changes (Bellman-Ford), not by
 * a breadth-first queue. Nothing of the engine's packed states, search, visited sets or liveness code is
 * used. It is slow and its recursion is as deep as the longest path: for models of thousands of states.
 *
 * Semantics (the engine's):
 *
 * - A behaviour is an infinite sequence of states s0 s1 ... where s0 is initial and each step is an
 *   enabled action instance: its guard is true and its effect makes the successor (an effect that fails
 *   an `assert` makes none). An instance is enabled in a state when it has a successor there. A state
 *   where no instance has a successor, or where the model's `terminal` holds, is an end state: a
 *   behaviour may stutter there forever, and that stutter is always allowed, whatever fairness says. The
 *   model has no symmetry reduction and no `withinBoundary` (both are refused).
 * - Fairness is per action instance (each combination of parameter values). Weak: a behaviour is unfair
 *   to instance a if from some point on a is enabled in every state and never taken. Strong: unfair if a
 *   is enabled in infinitely many states and taken only finitely often. Instances of fairness "none"
 *   (background ones always) ask nothing. A behaviour that stutters forever at an end state is fair.
 * - `eventually(p)` is violated iff some fair behaviour never visits a state where p holds.
 *   `leadsTo(t, r)` is violated iff some fair behaviour has a state i where t holds such that r is false
 *   at i and at every later state.
 *
 * Method: for a property, S is the set of reachable states where p (or r) is false. A fair behaviour
 * that stays in S forever either stutters at an end state of S, or from some point on stays in one
 * strongly connected component of the subgraph on S and goes round a fair cycle there. Going round a
 * whole component (with an edge inside) is fair iff (1) every weakly fair instance is taken on an edge
 * inside it or is not enabled in one of its states, and (2) every strongly fair instance enabled in one
 * of its states is taken on an edge inside it ("enabled" in the model: its successor may lie outside S).
 * When (1) fails no part of the component does better; when (2) fails for some instances, the states
 * where those are enabled cannot recur, so they are removed and the rest is decomposed again
 * (Lichtenstein and Pnueli, POPL 1985). The states of the components that pass are exactly the states
 * on fair cycles inside S. The property is violated iff such a state, or an end state of S, is reached
 * from an initial state through S (eventually), or through S from a reachable state where t holds and
 * r does not (leadsTo), or (leadsTo) a passing component holds such a trigger state and is reachable.
 *
 * A violation comes with a lasso whose prefix (the steps before the cycle begins) is as short as any
 * violating lasso's; its cycle goes round the component, taking one edge of every fair instance taken
 * in it and visiting a state where each weakly fair instance it never takes is not enabled (and the
 * trigger, when the trigger is on the cycle). `lassoProblem` checks any lasso against the semantics.
 *
 * @module
 */

import type { ActionInstance, ModelInstance } from "../model/model.ts";
import { asBoolean } from "../model/model_failure.ts";
import { AssertionSignal, type LivenessProperty } from "../model/properties.ts";
import { plainView, zero } from "./naive_explorer.ts";

/** The fairness of an action instance. */
export type Fairness = "weak" | "strong" | "none";

/** An edge of the state graph: the action instance taken, and the successor's id. */
export interface Edge {
  readonly action: number;
  readonly to: number;
}

/** The whole reachable graph of a model instance. States are numbered in the order first reached. */
export interface StateGraph {
  /** The JSON text of each state's plain value, by id. */
  readonly keys: readonly string[];
  /** The id of each state's JSON text. */
  readonly ids: ReadonlyMap<string, number>;
  /** The ids of the initial states, without repeats. */
  readonly initial: readonly number[];
  /** Each state's outgoing edges, one per action instance that has a successor (self-loops included). */
  readonly edges: readonly (readonly Edge[])[];
  /** The instances enabled in each state (those with a successor). */
  readonly enabled: readonly ReadonlySet<number>[];
  /** Whether a behaviour may stutter forever in each state (no successor, or terminal). */
  readonly end: readonly boolean[];
  /** The fairness of each action instance, by index. */
  readonly fairness: readonly Fairness[];
  /** The text of each action instance, such as `share(page=1)`. */
  readonly actions: readonly string[];
}

/**
 * A behaviour of the graph: the prefix, then the cycle forever. `prefixActions[i]` leads from
 * `prefix[i]` to the next state (`prefix[i + 1]`, or `cycle[0]` after the last); `cycleActions[j]` from
 * `cycle[j]` to `cycle[(j + 1) % cycle.length]`. A stutter is a cycle of one end state and no action.
 */
export interface Lasso {
  readonly prefix: readonly number[];
  readonly prefixActions: readonly number[];
  readonly cycle: readonly number[];
  readonly cycleActions: readonly number[];
  /** Whether the behaviour ends stuttering at `cycle[0]`, an end state. */
  readonly stutters: boolean;
  /** leadsTo: the index, in prefix then cycle, of the state where the trigger holds without response. */
  readonly trigger?: number;
}

/** A liveness property's verdict. */
export interface LivenessVerdict {
  readonly status: "holds" | "violated";
  /** For a violation: a violating lasso with a prefix as short as any. */
  readonly lasso?: Lasso;
  /** For a violation: the steps of the shortest prefix, `lasso.prefix.length`. */
  readonly prefixLength?: number;
}

/** A property's truth in each state, by id. */
export type Truth =
  | { readonly kind: "eventually"; readonly p: readonly boolean[] }
  | { readonly kind: "leadsTo"; readonly t: readonly boolean[]; readonly r: readonly boolean[] };

/** What the naive liveness checker found. */
export interface NaiveLivenessResult {
  readonly graph: StateGraph;
  /** Per liveness property of the model, by name. */
  readonly properties: Readonly<Record<string, LivenessVerdict>>;
  /** Per liveness property, its truth in each state (for `lassoProblem`). */
  readonly truth: Readonly<Record<string, Truth>>;
}

/** Options of `checkLivenessNaively`. */
export interface NaiveLivenessOptions {
  /**
   * The fairness of each non-background instance, instead of the model's (background instances have
   * none, whatever this says): to compare one model under several fairness assumptions.
   */
  readonly fairness?: (action: ActionInstance) => Fairness;
}

/** Builds the reachable graph of `instance` by a recursive depth-first walk. */
export function buildGraph(instance: ModelInstance, options: NaiveLivenessOptions = {}): StateGraph {
  if (instance.withinBoundary !== undefined) {
    throw new Error(`Model ${instance.name}: liveness is checked without withinBoundary.`);
  }
  if (instance.canonicalize !== undefined) {
    throw new Error(`Model ${instance.name}: liveness is checked without symmetry reduction.`);
  }
  const domain = instance.domain;
  const holder = { v: zero(domain) };
  const writer = plainView(domain, holder, "", false);
  const reader = plainView(domain, holder, "", true);
  const ids = new Map<string, number>();
  const keys: string[] = [];
  const edges: Edge[][] = [];
  const enabled: Set<number>[] = [];
  const end: boolean[] = [];

  const successors = (key: string): { action: number; key: string }[] => {
    const found: { action: number; key: string }[] = [];
    for (const a of instance.actions) {
      holder.v = JSON.parse(key);
      if (a.guard !== undefined && !asBoolean(a.guard(reader, a.label.params))) continue;
      try {
        a.effect(writer, a.label.params);
      } catch (error) {
        if (error instanceof AssertionSignal) continue; // no successor
        throw error;
      }
      found.push({ action: a.index, key: JSON.stringify(holder.v) });
    }
    return found;
  };
  const visit = (key: string): number => {
    const known = ids.get(key);
    if (known !== undefined) return known;
    const id = keys.length;
    ids.set(key, id);
    keys.push(key);
    const found = successors(key);
    holder.v = JSON.parse(key);
    end[id] = found.length === 0 || (instance.terminal?.(reader) ?? false);
    enabled[id] = new Set(found.map((f) => f.action));
    const out: Edge[] = edges[id] = [];
    for (const f of found) out.push({ action: f.action, to: visit(f.key) });
    return id;
  };

  const initial: number[] = [];
  for (const init of instance.inits) {
    holder.v = zero(domain);
    init(writer, instance.params);
    const id = visit(JSON.stringify(holder.v));
    if (!initial.includes(id)) initial.push(id);
  }
  return {
    keys,
    ids,
    initial,
    edges,
    enabled,
    end,
    fairness: instance.actions.map((a) =>
      a.background ? "none" : options.fairness ? options.fairness(a) : a.fairness
    ),
    actions: instance.actions.map((a) => a.text),
  };
}

/**
 * The strongly connected components of the subgraph on `nodes` (the states where `inside` holds), by a
 * recursive Kosaraju: finishing order forwards, then components backwards in reverse finishing order.
 */
export function components(
  graph: StateGraph,
  nodes: readonly number[],
  inside: (id: number) => boolean,
): number[][] {
  const finished: number[] = [];
  const seen = new Set<number>();
  const forward = (v: number): void => {
    seen.add(v);
    for (const e of graph.edges[v]!) if (inside(e.to) && !seen.has(e.to)) forward(e.to);
    finished.push(v);
  };
  for (const v of nodes) if (!seen.has(v)) forward(v);
  const back = new Map<number, number[]>();
  for (const v of nodes) {
    for (const e of graph.edges[v]!) {
      if (!inside(e.to)) continue;
      const list = back.get(e.to);
      if (list) list.push(v);
      else back.set(e.to, [v]);
    }
  }
  const placed = new Set<number>();
  const found: number[][] = [];
  const backward = (v: number, into: number[]): void => {
    placed.add(v);
    into.push(v);
    for (const u of back.get(v) ?? []) if (!placed.has(u)) backward(u, into);
  };
  for (let i = finished.length - 1; i >= 0; i--) {
    const v = finished[i]!;
    if (placed.has(v)) continue;
    const component: number[] = [];
    backward(v, component);
    found.push(component);
  }
  return found;
}

/**
 * The components of the subgraph on `inside` whose states all lie on fair cycles of that subgraph: the
 * components with an edge inside that meet weak fairness, refined (states removed, then decomposed
 * again) until they meet strong fairness too.
 */
export function fairComponents(graph: StateGraph, inside: (id: number) => boolean): number[][] {
  const fair: number[][] = [];
  const examine = (component: number[]): void => {
    const members = new Set(component);
    const taken = new Set<number>();
    let internal = false;
    for (const u of component) {
      for (const e of graph.edges[u]!) {
        if (members.has(e.to)) {
          internal = true;
          taken.add(e.action);
        }
      }
    }
    if (!internal) return; // one state and no self-loop: no cycle at all
    const unmet: number[] = [];
    graph.fairness.forEach((fairness, a) => {
      if (taken.has(a) || fairness === "none") return;
      if (fairness === "weak" && component.every((s) => graph.enabled[s]!.has(a))) unmet.push(-1);
      if (fairness === "strong" && component.some((s) => graph.enabled[s]!.has(a))) unmet.push(a);
    });
    if (unmet.includes(-1)) return; // a weakly fair instance ignored throughout: no sub-cycle does better
    if (unmet.length === 0) {
      fair.push(component);
      return;
    }
    const rest = component.filter((s) => !unmet.some((a) => graph.enabled[s]!.has(a)));
    const kept = new Set(rest);
    for (const sub of components(graph, rest, (v) => kept.has(v))) examine(sub);
  };
  const nodes = graph.keys.map((_, id) => id).filter(inside);
  for (const component of components(graph, nodes, inside)) examine(component);
  return fair;
}

interface Step {
  readonly from: number;
  readonly action: number;
  readonly to: number;
}

/**
 * Shortest distances from `seeds` along edges into states where `allowed` holds, by relaxing every edge
 * until no distance shrinks, with the edge that last shortened each.
 */
function relax(
  graph: StateGraph,
  seeds: ReadonlyMap<number, number>,
  allowed: (id: number) => boolean,
): { distance: Map<number, number>; via: Map<number, Step> } {
  const distance = new Map(seeds);
  const via = new Map<number, Step>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [from, d] of [...distance]) {
      for (const e of graph.edges[from]!) {
        if (!allowed(e.to) || (distance.get(e.to) ?? Infinity) <= d + 1) continue;
        distance.set(e.to, d + 1);
        via.set(e.to, { from, action: e.action, to: e.to });
        changed = true;
      }
    }
  }
  return { distance, via };
}

/** The steps that led to `id` in a `relax` result, back to a seed. */
function stepsTo(via: ReadonlyMap<number, Step>, id: number): Step[] {
  const steps: Step[] = [];
  for (let step = via.get(id); step !== undefined; step = via.get(step.from)) steps.unshift(step);
  return steps;
}

/** A shortest walk from `from` to `to` inside `members` (an empty one when they are the same state). */
function walk(graph: StateGraph, from: number, to: number, members: ReadonlySet<number>): Step[] {
  if (from === to) return [];
  const { via } = relax(graph, new Map([[from, 0]]), (v) => members.has(v));
  if (!via.has(to)) throw new Error(`state ${to} is not reachable from ${from} in its component`);
  return stepsTo(via, to);
}

/** A fair cycle from `start` round its fair component (see the module's doc), visiting `visit` too. */
function fairCycle(
  graph: StateGraph,
  start: number,
  component: readonly number[],
  visit: readonly number[],
): Step[] {
  const members = new Set(component);
  const inside: Step[] = component.flatMap((from) =>
    graph.edges[from]!.filter((e) => members.has(e.to)).map((e) => ({ from, action: e.action, to: e.to }))
  );
  const wanted: (Step | number)[] = [inside.find((s) => s.from === start)!, ...visit];
  graph.fairness.forEach((fairness, a) => {
    if (fairness === "none") return;
    const edge = inside.find((s) => s.action === a);
    if (edge) wanted.push(edge);
    else if (fairness === "weak") wanted.push(component.find((s) => !graph.enabled[s]!.has(a))!);
  });
  const steps: Step[] = [];
  let at = start;
  for (const w of wanted) {
    // Met already on the way (an edge of that instance taken, that state visited): nothing to add.
    if (steps.length > 0 && typeof w !== "number" && steps.some((s) => s.action === w.action)) continue;
    if (typeof w === "number" && (w === at || steps.some((s) => s.from === w))) continue;
    if (typeof w === "number") {
      steps.push(...walk(graph, at, w, members));
      at = w;
    } else {
      steps.push(...walk(graph, at, w.from, members), w);
      at = w.to;
    }
  }
  steps.push(...walk(graph, at, start, members));
  return steps;
}

function truthOf(instance: ModelInstance, graph: StateGraph, p: LivenessProperty): Truth {
  const holder = { v: zero(instance.domain) };
  const reader = plainView(instance.domain, holder, "", true);
  const each = (f: (state: never) => unknown) =>
    graph.keys.map((key) => {
      holder.v = JSON.parse(key);
      return asBoolean(f(reader as never));
    });
  return p.kind === "eventually"
    ? { kind: "eventually", p: each(p.predicate) }
    : { kind: "leadsTo", t: each(p.trigger), r: each(p.response) };
}

/**
 * Decides one liveness property on the graph. A violating lasso's prefix is as short as any: for
 * leadsTo the trigger may come before the cycle (then the prefix runs to it and on through S), or on
 * the cycle itself (then the prefix is any run to the cycle's fair component, and the cycle visits the
 * trigger).
 */
export function decide(graph: StateGraph, truth: Truth): LivenessVerdict {
  const goal = truth.kind === "eventually" ? truth.p : truth.r;
  const inS = (id: number) => !goal[id];
  const fair = fairComponents(graph, inS);
  const componentOf = new Map<number, readonly number[]>();
  for (const c of fair) for (const s of c) componentOf.set(s, c);
  // Where the run through S may start, at what distance from an initial state, and how it got there.
  let seeds: Map<number, number>;
  let before = new Map<number, Step>();
  let reached = new Map<number, number>();
  if (truth.kind === "eventually") {
    seeds = new Map(graph.initial.filter(inS).map((id) => [id, 0]));
  } else {
    const reach = relax(graph, new Map(graph.initial.map((id) => [id, 0])), () => true);
    before = reach.via;
    reached = reach.distance;
    seeds = new Map([...reached].filter(([id]) => truth.t[id] && inS(id)));
  }
  const { distance, via } = relax(graph, seeds, inS);
  interface Candidate {
    readonly length: number;
    readonly target: number;
    /** A trigger state the cycle must visit (leadsTo, trigger on the cycle). */
    readonly onCycle?: number;
  }
  let best: Candidate | undefined;
  const consider = (c: Candidate) => {
    if (
      best === undefined || c.length < best.length || (c.length === best.length && c.target < best.target)
    ) {
      best = c;
    }
  };
  for (const [target, length] of distance) {
    if (graph.end[target] || componentOf.has(target)) consider({ length, target });
  }
  if (truth.kind === "leadsTo") {
    for (const c of fair) {
      const trigger = c.find((s) => truth.t[s]);
      if (trigger === undefined) continue;
      for (const target of c) consider({ length: reached.get(target)!, target, onCycle: trigger });
    }
  }
  if (best === undefined) return { status: "holds" };
  const { target, onCycle } = best as Candidate;
  const through = onCycle === undefined ? stepsTo(via, target) : [];
  const seed = onCycle !== undefined ? target : through.length === 0 ? target : through[0]!.from;
  const prefixSteps = [...stepsTo(before, seed), ...through];
  const stutters = onCycle === undefined && graph.end[target]!;
  const cycleSteps = stutters
    ? []
    : fairCycle(graph, target, componentOf.get(target)!, onCycle === undefined ? [] : [onCycle]);
  const cycle = stutters ? [target] : cycleSteps.map((s) => s.from);
  const trigger = onCycle === undefined
    ? prefixSteps.length - through.length
    : prefixSteps.length + cycle.indexOf(onCycle);
  const lasso: Lasso = {
    prefix: prefixSteps.map((s) => s.from),
    prefixActions: prefixSteps.map((s) => s.action),
    cycle,
    cycleActions: cycleSteps.map((s) => s.action),
    stutters,
    ...(truth.kind === "leadsTo" ? { trigger } : {}),
  };
  return { status: "violated", lasso, prefixLength: lasso.prefix.length };
}

/**
 * Why `lasso` is not a fair behaviour of the graph that violates the property of `truth`, or undefined
 * when it is one: checked step by step against the semantics above, independently of how it was found.
 */
export function lassoProblem(graph: StateGraph, truth: Truth, lasso: Lasso): string | undefined {
  const states = [...lasso.prefix, ...lasso.cycle];
  if (lasso.cycle.length === 0) return "the cycle is empty";
  if (lasso.prefixActions.length !== lasso.prefix.length) return "the prefix has one action per state";
  if (!graph.initial.includes(states[0]!)) return `state ${states[0]} is not initial`;
  const hasEdge = (from: number, action: number, to: number) =>
    graph.edges[from]!.some((e) => e.action === action && e.to === to);
  for (let i = 0; i < lasso.prefix.length; i++) {
    if (!hasEdge(states[i]!, lasso.prefixActions[i]!, states[i + 1]!)) return `no prefix step ${i}`;
  }
  if (lasso.stutters) {
    if (lasso.cycle.length !== 1 || lasso.cycleActions.length !== 0) return "a stutter is one state";
    if (!graph.end[lasso.cycle[0]!]) return `state ${lasso.cycle[0]} is not an end state`;
  } else {
    if (lasso.cycleActions.length !== lasso.cycle.length) return "the cycle has one action per state";
    for (let j = 0; j < lasso.cycle.length; j++) {
      const next = lasso.cycle[(j + 1) % lasso.cycle.length]!;
      if (!hasEdge(lasso.cycle[j]!, lasso.cycleActions[j]!, next)) return `no cycle step ${j}`;
    }
    const taken = new Set(lasso.cycleActions);
    for (let a = 0; a < graph.fairness.length; a++) {
      const enabledAt = lasso.cycle.filter((s) => graph.enabled[s]!.has(a)).length;
      if (taken.has(a)) continue;
      if (graph.fairness[a] === "weak" && enabledAt === lasso.cycle.length) {
        return `weakly fair ${graph.actions[a]} is always enabled on the cycle and never taken`;
      }
      if (graph.fairness[a] === "strong" && enabledAt > 0) {
        return `strongly fair ${graph.actions[a]} is enabled on the cycle and never taken`;
      }
    }
  }
  if (truth.kind === "eventually") {
    const at = states.findIndex((s) => truth.p[s]);
    return at < 0 ? undefined : `the predicate holds at position ${at}`;
  }
  const k = lasso.trigger;
  if (k === undefined || k < 0 || k >= states.length) return "no trigger position";
  if (!truth.t[states[k]!]) return `the trigger is false at position ${k}`;
  const from = Math.min(k, lasso.prefix.length);
  const at = states.findIndex((s, i) => i >= from && truth.r[s]);
  return at < 0 ? undefined : `the response holds at position ${at}, after the trigger`;
}

/**
 * Checks every liveness property of a small model instance naively (see the module's doc). Safety
 * properties are the naive explorer's business and are ignored here.
 */
export function checkLivenessNaively(
  instance: ModelInstance,
  options: NaiveLivenessOptions = {},
): NaiveLivenessResult {
  const graph = buildGraph(instance, options);
  const properties = new Map<string, LivenessVerdict>();
  const truths = new Map<string, Truth>();
  for (const p of instance.properties) {
    if (p.kind !== "eventually" && p.kind !== "leadsTo") continue;
    const truth = truthOf(instance, graph, p);
    truths.set(p.name, truth);
    properties.set(p.name, decide(graph, truth));
  }
  return { graph, properties: Object.fromEntries(properties), truth: Object.fromEntries(truths) };
}
