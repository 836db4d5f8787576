/**
 * The naming rule for everything a model names, and "did you mean" suggestions.
 *
 * State variables, record fields, models, actions, properties and parameters are JavaScript
 * identifiers made of ASCII letters, digits, `_` and `$`, not starting with a digit. Every such name
 * works, including the ones JavaScript gives a meaning (`constructor`, `toString`, `length`, `then`),
 * except `__proto__`: an object literal `{ __proto__: bool }` sets the prototype instead of declaring
 * a variable, and `object[name] = value` does the same, so no model could declare it reliably. The
 * rule also keeps names usable in trace file names (no path separator, no `..`) and in ITF, whose
 * reserved keys start with `#`.
 *
 * @module
 */

import { describe as quote } from "./describe_value.ts";

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Why `name` cannot name a `what` (such as "state variable" or "action"), or undefined when it can.
 *
 * @example
 * ```ts
 * import { nameProblem } from "./names.ts";
 * console.assert(nameProblem("constructor") === undefined);
 * console.assert(nameProblem("../x")!.includes("path separator"));
 * ```
 */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return `a name must be a string, not ${quote(name)}`;
  if (name === "") return "a name cannot be empty";
  if (/[/\\]/.test(name) || name.includes("..")) {
    return 'a name cannot contain a path separator or "..": trace file names are built from names';
  }
  if (name === "__proto__") {
    return "__proto__ sets an object's prototype in JavaScript object literals and assignments, " +
      "so it cannot name anything in a model";
  }
  if (!identifier.test(name)) {
    return "a name must be an identifier: ASCII letters, digits, _ and $, not starting with a digit";
  }
  return undefined;
}

/** Returns `name`, or throws a TypeError saying which `what` has the bad name and why. */
export function checkName(what: string, name: unknown): string {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new TypeError(`Expected a valid ${what} name but found ${quote(name)}: ${problem}`);
  }
  return name as string;
}

/** Edit distance, ignoring case, where swapping two neighbours is one edit (`levle` is one from `level`). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i + j),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `name`, when it is close enough to be a likely misspelling (an edit
 * distance of at most a third of its length, rounded, ignoring case) or an abbreviation (a prefix of
 * two characters or more: `--max` for `--max-states`).
 *
 * @example
 * ```ts
 * import { closest } from "./names.ts";
 * console.assert(closest("xenShinf", ["xenShInfo", "phase"]) === "xenShInfo");
 * ```
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined, bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = candidate.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.round(name.length / 3)) ? best : undefined;
}
