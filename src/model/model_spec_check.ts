/**
 * The type of every part of a model spec, checked where the engine takes a model in (`defineModel` and
 * `instantiate`), whatever built the spec: a model file without type checking, `as any`, or an object
 * spread from another model. A part of the wrong type is refused, naming the part and what was found,
 * rather than ignored (`deadlock: "no"` would have left deadlock detection on) or failing later as an
 * internal error (`properties: () => 5`).
 *
 * @module
 */

import { describe } from "../state/describe_value.ts";
import { InputError } from "../errors.ts";
import { closest } from "../state/names.ts";

/** Every part a spec may have, in the order the README lists them. */
export const SPEC_PARTS = [
  "name",
  "description",
  "params",
  "state",
  "init",
  "actions",
  "properties",
  "deadlock",
  "terminal",
  "withinBoundary",
  "symmetry",
  "fairness",
] as const;

/** What each part must be, for the message; a part that is not required may be left out. */
const EXPECTED: Readonly<Record<(typeof SPEC_PARTS)[number], { what: string; required: boolean }>> = {
  name: { what: "a string", required: true },
  description: { what: "a string", required: false },
  params: { what: "an object of parameters (intParam, boolParam, enumParam)", required: false },
  state: { what: "a function (params) => { variable: domain, ... }", required: true },
  init: { what: "a function (state, params) => void, or a non-empty array of them", required: true },
  actions: { what: "a function (params, kit) => [action(...), ...]", required: true },
  properties: { what: "a function (params, kit) => [always(...), ...]", required: false },
  deadlock: { what: "a boolean (true or false)", required: false },
  terminal: { what: "a function (state, params) => boolean", required: false },
  withinBoundary: { what: "a function (state, params) => boolean", required: false },
  symmetry: { what: "an array of index set names, or a function (params) => such an array", required: false },
  fairness: {
    what: `"weak" or "strong" (the fairness of actions that do not set their own)`,
    required: false,
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function fits(part: (typeof SPEC_PARTS)[number], value: unknown): boolean {
  switch (part) {
    case "name":
    case "description":
      return typeof value === "string";
    case "params":
      return isPlainObject(value);
    case "init":
      return typeof value === "function" ||
        (Array.isArray(value) && value.length > 0 && value.every((f) => typeof f === "function"));
    case "deadlock":
      return typeof value === "boolean";
    case "fairness":
      return value === "weak" || value === "strong";
    case "symmetry":
      return typeof value === "function" ||
        (Array.isArray(value) && value.every((s) => typeof s === "string"));
    default:
      return typeof value === "function";
  }
}

/**
 * Why `spec` is not a model spec, naming the first part that is missing or of the wrong type (or a
 * part no spec has, such as a misspelt `withinBoundry`), or undefined when every part fits.
 *
 * @example
 * ```ts
 * import { specProblem } from "./model_spec_check.ts";
 * const spec = { name: "m", params: {}, state: () => ({}), init: () => {}, actions: () => [], deadlock: "no" };
 * console.assert(specProblem(spec)!.startsWith("deadlock must be a boolean"));
 * ```
 */
export function specProblem(spec: unknown): string | undefined {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return `the spec must be an object with name, state, init and actions, but is ${describe(spec)}`;
  }
  const parts = spec as Record<string, unknown>;
  for (const key of Object.keys(parts)) {
    if ((SPEC_PARTS as readonly string[]).includes(key)) continue;
    const guess = closest(key, SPEC_PARTS);
    return `the spec has a part named ${describe(key)}, which no model spec has${
      guess === undefined ? "" : ` (did you mean ${guess}?)`
    }; the parts are ${SPEC_PARTS.join(", ")}`;
  }
  for (const part of SPEC_PARTS) {
    const value = parts[part];
    const { what, required } = EXPECTED[part];
    if (value === undefined && !required) continue;
    if (value === undefined) return `${part} is missing: it must be ${what}`;
    if (!fits(part, value)) return `${part} must be ${what}, but is ${describe(value)}`;
  }
  return undefined;
}

/** Throws an InputError naming model `name` and the part of `spec` that does not fit. */
export function checkSpec(spec: unknown, name: string): void {
  const problem = specProblem(spec);
  if (problem !== undefined) throw new InputError(`Model ${name}: ${problem}.`);
}

/**
 * Why `param` is not a parameter declaration (as intParam, boolParam and enumParam build them), or
 * undefined when it is one.
 */
export function paramProblem(param: unknown): string | undefined {
  const p = param as Record<string, unknown> | null;
  const kind = typeof p === "object" && p !== null ? p.kind : undefined;
  const found = `but is ${describe(param)}`;
  switch (kind) {
    case "int": {
      const { min, max } = p as { min: unknown; max: unknown };
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || (min as number) > (max as number)) {
        return `an int parameter must have integer bounds min <= max, ${found}`;
      }
      const d = p!.default;
      if (!Number.isInteger(d) || (d as number) < (min as number) || (d as number) > (max as number)) {
        return `the default of an int parameter must be in ${min}..${max}, ${found}`;
      }
      return undefined;
    }
    case "bool":
      return typeof p!.default === "boolean"
        ? undefined
        : `a bool parameter must default to true or false, ${found}`;
    case "enum": {
      const values = p!.values;
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === "string")) {
        return `an enum parameter must have a non-empty array of string values, ${found}`;
      }
      return (values as unknown[]).includes(p!.default)
        ? undefined
        : `the default of an enum parameter must be one of its values, ${found}`;
    }
    default:
      return `a parameter must be built with intParam, boolParam or enumParam, ${found}`;
  }
}
