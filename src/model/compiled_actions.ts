/**
 * The model's action instances compiled into two straight-line functions: `enabled(state, out)`
 * evaluates every guard in firing order and lists the enabled instances, `apply(index, next)` runs one
 * effect.
 *
 * Calling every guard from one loop makes that call site megamorphic, so V8 cannot inline any guard.
 * Generated code gives each instance its own call site, where the guard is a known function: V8
 * inlines it together with the state accessors it reads. Past UNROLL_LIMIT instances the code would
 * be too large to optimise, and a plain loop is used instead.
 *
 * @module
 */

import type { ActionInstance } from "./model.ts";
import { notBoolean } from "./model_failure.ts";

const UNROLL_LIMIT = 2048;

/** Compiled guards and effects of a model's action instances. */
export interface CompiledActions {
  /**
   * Writes the indices of the enabled instances into `out` in firing order; returns how many. A guard
   * that returns anything but a boolean throws a PredicateResultError.
   */
  enabled(state: unknown, out: Int32Array): number;
  /** Applies instance `index`'s effect to `next`. */
  apply(index: number, next: unknown): void;
}

/** Compiles the action instances. */
export function compileActions(actions: readonly ActionInstance[]): CompiledActions {
  const guards = actions.map((a) => a.guard ?? (() => true));
  const effects = actions.map((a) => a.effect);
  const params = actions.map((a) => a.label.params);
  if (actions.length > UNROLL_LIMIT) {
    return {
      enabled(state, out) {
        let n = 0;
        for (let i = 0; i < guards.length; i++) {
          const r = guards[i]!(state, params[i]);
          if (r === true) out[n++] = i;
          else if (r !== false) notBoolean(r);
        }
        return n;
      },
      apply(index, next) {
        effects[index]!(next, params[index]);
      },
    };
  }
  const locals = actions.map((_, i) => `const g${i} = G[${i}], e${i} = E[${i}], p${i} = P[${i}];`).join("\n");
  const tests = actions.map((_, i) =>
    `r = g${i}(s, p${i}); if (r === true) out[n++] = ${i}; else if (r !== false) B(r);`
  )
    .join("\n");
  const cases = actions.map((_, i) => `case ${i}: e${i}(s, p${i}); return;`).join("\n");
  const source = `${locals}
    return {
      enabled(s, out) { let n = 0, r; ${tests} return n; },
      apply(k, s) { switch (k) { ${cases} } },
    };`;
  return new Function("G", "E", "P", "B", source)(guards, effects, params, notBoolean) as CompiledActions;
}
