/**
 * Breadth-first search, level by level, over packed states.
 *
 * The loop reads top to bottom: take a state of the current level -> for each enabled action, copy the
 * state's words and apply the effect -> check transition properties -> fingerprint -> (once all
 * successors of the state are known) touch their home slots, then insert -> check invariants and
 * witnesses on new states -> append them to the next level. Because levels are finished in order, the
 * first violation found of each property is at the smallest depth: every counterexample is a shortest
 * one. Per state only its parent id and action index are kept; traces are rebuilt by replay.
 *
 * @module
 */

import { ExactStateSet } from "./exact_state_set.ts";
import { InputError } from "./errors.ts";
import { FingerprintSet } from "./fingerprint_set.ts";
import { fingerprint } from "./fingerprint.ts";
import { Frontier } from "./frontier.ts";
import { GrowableUint32Array } from "./growable_array.ts";
import { compileActions } from "./compiled_actions.ts";
import type { ModelInstance } from "./model.ts";
import { createView, StateValueError } from "./state_view.ts";
import type { VisitedSet } from "./visited_set.ts";

/** Where touched slots' contents go, so the reads that warm the cache are not optimised away. */
let touchSink = 0;

/** Parent id of an initial state. */
export const NO_PARENT = 0xffffffff;

/** What stops a search early. */
export interface SearchLimits {
  /** Stop (verdict incomplete) once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Do not explore beyond this many steps from an initial state. */
  readonly maxDepth?: number;
  /** Stop after this many seconds. */
  readonly timeLimitSeconds?: number;
}

/** Options of a search. */
export interface SearchOptions extends SearchLimits {
  /** Store full states (no collision can hide a state) instead of 64-bit fingerprints. */
  readonly exact?: boolean;
  /** Stop at the first violation instead of deciding every property. */
  readonly stopOnViolation?: boolean;
  /** Called every `progressIntervalSeconds` (default 2) while the search runs. */
  readonly onProgress?: (progress: Progress) => void;
  readonly progressIntervalSeconds?: number;
}

/** A snapshot of a running search. */
export interface Progress {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly memoryBytes: number;
}

/**
 * Where a property was decided. `stateId` is the violating or witnessing state; for a transition
 * property it is the source state and `actionIndex` the action taken from it.
 */
export interface Finding {
  readonly property: number;
  readonly stateId: number;
  readonly actionIndex: number;
  /** Number of actions in the trace. */
  readonly length: number;
}

/** Which limit stopped the search, if any. */
export type LimitHit = "max-states" | "max-depth" | "time" | undefined;

/** The raw outcome of a search: counts, findings, and what trace rebuilding needs. */
export interface SearchOutcome {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  readonly complete: boolean;
  readonly limit: LimitHit;
  /** Findings per property index (properties, then deadlock last when enabled). */
  readonly findings: readonly (Finding | undefined)[];
  readonly fired: readonly number[];
  readonly parents: GrowableUint32Array;
  readonly actionsTaken: GrowableUint32Array;
  readonly visited: VisitedSet;
  readonly peakMemoryBytes: number;
  /** Whether the search stopped early because every property was decided. */
  readonly allDecided: boolean;
}

/** Runs a model error (a throw in model code or a value outside a domain) into a one-paragraph message. */
export function modelFailure(
  instance: ModelInstance,
  where: string,
  depth: number,
  error: unknown,
): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof StateValueError
    ? `set a value outside its domain: ${error.message}`
    : `threw ${(error as Error)?.name ?? "an error"}: ${(error as Error)?.message ?? String(error)}`;
  return new InputError(`Model ${instance.name}, ${where} at depth ${depth}, ${message}.`, { cause: error });
}

/** Names the guard that threw: the compiled scan does not say which one did. */
function guardFailure(instance: ModelInstance, state: unknown, depth: number, error: unknown): InputError {
  for (const act of instance.actions) {
    try {
      act.guard?.(state, act.label.params);
    } catch (culprit) {
      return modelFailure(instance, `guard of action ${act.text}`, depth, culprit);
    }
  }
  return modelFailure(instance, "a guard", depth, error);
}

/** Breadth-first search of `instance`. */
export function search(instance: ModelInstance, options: SearchOptions = {}): SearchOutcome {
  const started = performance.now();
  const width = instance.words;
  const actions = instance.actions;
  const properties = instance.properties;
  const deadlockIndex = instance.deadlock ? properties.length : -1;
  const findings: (Finding | undefined)[] = new Array(properties.length + (instance.deadlock ? 1 : 0));
  const maxStates = options.maxStates ?? Infinity;
  const maxDepth = options.maxDepth ?? Infinity;
  const deadline = options.timeLimitSeconds === undefined
    ? Infinity
    : started + options.timeLimitSeconds * 1000;
  const progressEvery = (options.progressIntervalSeconds ?? 2) * 1000;
  const onProgress = options.onProgress;

  const current = new Uint32Array(width);
  const next = new Uint32Array(width);
  const currentView = createView(current, instance.shape);
  const nextView = createView(next, instance.shape);
  const visited: VisitedSet = options.exact ? new ExactStateSet(width) : new FingerprintSet();
  const parents = new GrowableUint32Array();
  const actionsTaken = new GrowableUint32Array();
  const fired = new Array<number>(actions.length).fill(0);
  let level = new Frontier(width);
  let nextLevel = new Frontier(width);

  // Successors of one state, fingerprinted before any is inserted (see VisitedSet.touch).
  const batch = new Uint32Array(Math.max(1, actions.length) * width);
  const batchFp = new Uint32Array(Math.max(1, actions.length) * 2);
  const batchAction = new Int32Array(Math.max(1, actions.length));
  const fp = new Uint32Array(2);
  const compiled = compileActions(actions);
  const enabledList = new Int32Array(Math.max(1, actions.length));

  // Undecided properties by kind; rebuilt when one is decided, so decided ones cost nothing.
  let invariants: number[] = [];
  let witnesses: number[] = [];
  let transitionChecks: number[] = [];
  let undecided = 0;
  const sortUndecided = () => {
    invariants = [];
    witnesses = [];
    transitionChecks = [];
    properties.forEach((p, i) => {
      if (findings[i]) return;
      if (p.kind === "always") invariants.push(i);
      else if (p.kind === "sometimes") witnesses.push(i);
      else transitionChecks.push(i);
    });
    undecided = invariants.length + witnesses.length + transitionChecks.length +
      (deadlockIndex >= 0 && !findings[deadlockIndex] ? 1 : 0);
  };
  sortUndecided();
  const hasDecidable = undecided > 0;
  let violationFound = false;

  const decide = (finding: Finding) => {
    findings[finding.property] = finding;
    if (finding.property === deadlockIndex || properties[finding.property]!.kind !== "sometimes") {
      violationFound = true;
    }
    sortUndecided();
  };

  /** Checks invariants and witnesses on the state in `nextView`, whose id is `id`. */
  const checkState = (id: number, depth: number) => {
    for (let k = 0; k < invariants.length; k++) {
      const index = invariants[k]!;
      let ok: boolean;
      try {
        ok = (properties[index]!.predicate as (s: unknown) => boolean)(nextView);
      } catch (error) {
        throw modelFailure(instance, `property ${properties[index]!.name}`, depth, error);
      }
      if (!ok) {
        decide({ property: index, stateId: id, actionIndex: -1, length: depth });
        k--;
      }
    }
    for (let k = 0; k < witnesses.length; k++) {
      const index = witnesses[k]!;
      let ok: boolean;
      try {
        ok = (properties[index]!.predicate as (s: unknown) => boolean)(nextView);
      } catch (error) {
        throw modelFailure(instance, `property ${properties[index]!.name}`, depth, error);
      }
      if (ok) {
        decide({ property: index, stateId: id, actionIndex: -1, length: depth });
        k--;
      }
    }
  };

  let distinct = 0;
  let transitions = 0;
  let depth = 0;
  let limit: LimitHit;
  let peakMemory = 0;
  let lastProgress = started;
  const sampleMemory = () => {
    const rss = Deno.memoryUsage().rss;
    if (rss > peakMemory) peakMemory = rss;
    return rss;
  };

  // Level 0: the initial states.
  for (let k = 0; k < instance.inits.length; k++) {
    next.fill(0);
    try {
      instance.inits[k]!(nextView, instance.params);
    } catch (error) {
      throw modelFailure(instance, `init${instance.inits.length > 1 ? ` #${k}` : ""}`, 0, error);
    }
    fingerprint(next, 0, width, fp);
    if (!visited.insert(next, 0, fp)) continue;
    if (distinct >= maxStates) {
      limit = "max-states";
      break;
    }
    parents.push(NO_PARENT);
    actionsTaken.push(k);
    nextLevel.push(next, 0);
    checkState(distinct++, 0);
  }

  let levelFirstId = 0;
  let stopped = limit !== undefined;
  search: while (nextLevel.length > 0 && limit === undefined) {
    [level, nextLevel] = [nextLevel, level];
    nextLevel.clear();
    const levelSize = level.length;
    const atDepthLimit = depth >= maxDepth;
    for (let i = 0; i < levelSize; i++) {
      const id = levelFirstId + i;
      level.read(i, current);
      if (instance.withinBoundary) {
        let inside: boolean;
        try {
          inside = instance.withinBoundary(currentView);
        } catch (error) {
          throw modelFailure(instance, "withinBoundary", depth, error);
        }
        if (!inside) continue;
      }

      // Expand: every enabled action, in declaration order.
      let enabledCount: number;
      try {
        enabledCount = compiled.enabled(currentView, enabledList);
      } catch (error) {
        throw guardFailure(instance, currentView, depth, error);
      }
      let count = 0;
      for (let e = 0; e < enabledCount; e++) {
        const a = enabledList[e]!;
        const act = actions[a]!;
        for (let w = 0; w < width; w++) next[w] = current[w]!;
        try {
          compiled.apply(a, nextView);
        } catch (error) {
          throw modelFailure(instance, `action ${act.text}`, depth, error);
        }
        if (atDepthLimit) {
          // Successors beyond the depth limit are not explored; a new one makes the run incomplete.
          fingerprint(next, 0, width, fp);
          if (!visited.has(next, 0, fp)) limit = "max-depth";
          count++;
          continue;
        }
        transitions++;
        fired[a]!++;
        for (let k = 0; k < transitionChecks.length; k++) {
          const index = transitionChecks[k]!;
          const property = properties[index]!;
          let ok: boolean;
          try {
            ok = (property.predicate as (s: unknown, a: unknown, n: unknown) => boolean)(
              currentView,
              act.label,
              nextView,
            );
          } catch (error) {
            throw modelFailure(instance, `property ${property.name} on action ${act.text}`, depth, error);
          }
          if (!ok) {
            decide({ property: index, stateId: id, actionIndex: a, length: depth + 1 });
            k--;
          }
        }
        for (let w = 0, at = count * width; w < width; w++) batch[at + w] = next[w]!;
        fingerprint(next, 0, width, fp);
        batchFp[count * 2] = fp[0]!;
        batchFp[count * 2 + 1] = fp[1]!;
        batchAction[count] = a;
        count++;
      }

      if (count === 0 && deadlockIndex >= 0 && !findings[deadlockIndex]) {
        let fine = false;
        try {
          fine = instance.terminal !== undefined && instance.terminal(currentView);
        } catch (error) {
          throw modelFailure(instance, "terminal", depth, error);
        }
        if (!fine) decide({ property: deadlockIndex, stateId: id, actionIndex: -1, length: depth });
      }
      if (atDepthLimit) continue;

      // Touch every home slot first so the cache misses overlap, then insert.
      for (let k = 0; k < count; k++) {
        fp[1] = batchFp[k * 2 + 1]!;
        touchSink ^= visited.touch(fp);
      }
      for (let k = 0; k < count; k++) {
        fp[0] = batchFp[k * 2]!;
        fp[1] = batchFp[k * 2 + 1]!;
        if (!visited.insert(batch, k * width, fp)) continue;
        if (distinct >= maxStates) {
          limit = "max-states";
          stopped = true;
          break search;
        }
        const newId = distinct++;
        parents.push(id);
        actionsTaken.push(batchAction[k]!);
        nextLevel.push(batch, k * width);
        if (invariants.length + witnesses.length > 0) {
          for (let w = 0; w < width; w++) next[w] = batch[k * width + w]!;
          checkState(newId, depth + 1);
        }
      }

      if (hasDecidable && (undecided === 0 || (options.stopOnViolation && violationFound))) {
        stopped = true;
        break search;
      }
      if ((i & 1023) === 0) {
        const now = performance.now();
        if (now > deadline) {
          limit = "time";
          stopped = true;
          break search;
        }
        if (onProgress && now - lastProgress >= progressEvery) {
          lastProgress = now;
          const seconds = (now - started) / 1000;
          onProgress({
            distinctStates: distinct,
            transitions,
            depth,
            queue: levelSize - i + nextLevel.length,
            seconds,
            statesPerSecond: distinct / seconds,
            memoryBytes: sampleMemory(),
          });
        }
      }
    }
    levelFirstId += levelSize;
    if (nextLevel.length > 0) depth++;
  }
  sampleMemory();
  const allDecided = hasDecidable && undecided === 0;
  return {
    distinctStates: distinct,
    transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    complete: !stopped && limit === undefined,
    limit,
    findings,
    fired,
    parents,
    actionsTaken,
    visited,
    peakMemoryBytes: peakMemory,
    allDecided,
  };
}
