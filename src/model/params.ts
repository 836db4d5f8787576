/**
 * Model parameters: named, typed, with defaults and allowed values, settable from the command line
 * as `--set NAME=VALUE`.
 *
 * @module
 */

import { describe } from "../state/domain.ts";
import { InputError } from "../errors.ts";

/** An integer parameter in `min..max`. */
export interface IntParam {
  /** An integer parameter. */
  readonly kind: "int";
  /** The smallest allowed value. */
  readonly min: number;
  /** The largest allowed value. */
  readonly max: number;
  /** The value when none is given. */
  readonly default: number;
  /** What the parameter means. */
  readonly description: string;
}

/** A boolean parameter. */
export interface BoolParam {
  /** A boolean parameter. */
  readonly kind: "bool";
  /** The value when none is given. */
  readonly default: boolean;
  /** What the parameter means. */
  readonly description: string;
}

/** A parameter that names one of a fixed list of choices (such as which fix is applied). */
export interface EnumParam<V extends string = string> {
  /** A parameter that takes one of a list of strings. */
  readonly kind: "enum";
  /** The allowed values. */
  readonly values: readonly V[];
  /** The value when none is given. */
  readonly default: V;
  /** What the parameter means. */
  readonly description: string;
}

/** Any parameter. */
export type Param = IntParam | BoolParam | EnumParam;

/** A model's parameter declarations. */
export type Params = { readonly [name: string]: Param };

/** The values of a model's parameters. */
export type ParamValues<P extends Params> = {
  readonly [K in keyof P]: P[K] extends IntParam ? number
    : P[K] extends BoolParam ? boolean
    : P[K] extends EnumParam<infer V> ? V
    : never;
};

/**
 * An integer parameter.
 *
 * @example
 * ```ts
 * import { intParam } from "./params.ts";
 * const pages = intParam({ min: 1, max: 16, default: 3, description: "guest pages" });
 * ```
 */
export function intParam(
  options: { min: number; max: number; default: number; description: string },
): IntParam {
  const { min, max, description } = options;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
    throw new RangeError(`Expected integer bounds min <= max but found ${describe(min)}..${describe(max)}`);
  }
  if (!Number.isInteger(options.default) || options.default < min || options.default > max) {
    throw new RangeError(
      `Expected the default to be in ${min}..${max} but found ${describe(options.default)}`,
    );
  }
  return Object.freeze({ kind: "int", min, max, default: options.default, description });
}

/**
 * A boolean parameter.
 *
 * @example
 * ```ts
 * import { boolParam } from "./params.ts";
 * const fixed = boolParam({ default: true, description: "apply the fix" });
 * ```
 */
export function boolParam(options: { default: boolean; description: string }): BoolParam {
  return Object.freeze({ kind: "bool", default: options.default, description: options.description });
}

/**
 * A parameter naming one of several choices.
 *
 * @example
 * ```ts
 * import { enumParam } from "./params.ts";
 * const variant = enumParam({ values: ["buggy", "fixed"], default: "fixed", description: "which code" });
 * ```
 */
export function enumParam<const V extends string>(
  options: { values: readonly V[]; default: NoInfer<V>; description: string },
): EnumParam<V> {
  if (options.values.length === 0) throw new RangeError("Expected at least one enum parameter value");
  if (!options.values.includes(options.default)) {
    throw new RangeError(
      `Expected the default to be one of ${options.values.join(", ")} but found ${describe(options.default)}`,
    );
  }
  return Object.freeze({
    kind: "enum",
    values: Object.freeze([...options.values]),
    default: options.default,
    description: options.description,
  });
}

/** The allowed values of a parameter, as shown by `list`: `1..16`, `true|false`, `a|b`. */
export function describeParam(param: Param): string {
  switch (param.kind) {
    case "int":
      return `${param.min}..${param.max}`;
    case "bool":
      return "true|false";
    case "enum":
      return param.values.join("|");
  }
}

/**
 * Resolves parameter values: defaults, overridden by `given`. Unknown names and out-of-range values
 * throw an InputError that lists what is allowed.
 */
export function resolveParams<P extends Params>(
  modelName: string,
  params: P,
  given: Readonly<Record<string, unknown>> = {},
): ParamValues<P> {
  const values: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(params)) values[name] = param.default;
  for (const [name, value] of Object.entries(given)) {
    // Own declarations only: `toString` or `__proto__` would otherwise find Object.prototype's.
    const param = Object.hasOwn(params, name) ? params[name] : undefined;
    if (!param) {
      const known = Object.keys(params);
      throw new InputError(
        `Model ${modelName} has no parameter "${name}"; its parameters are ${
          known.length ? known.join(", ") : "(none)"
        }.`,
      );
    }
    values[name] = checkParam(modelName, name, param, value);
  }
  return Object.freeze(values) as ParamValues<P>;
}

function checkParam(modelName: string, name: string, param: Param, value: unknown): unknown {
  const ok = param.kind === "int"
    ? Number.isInteger(value) && (value as number) >= param.min && (value as number) <= param.max
    : param.kind === "bool"
    ? typeof value === "boolean"
    : (param.values as readonly unknown[]).includes(value);
  if (!ok) {
    throw new InputError(
      `Parameter ${name} of model ${modelName} must be ${describeParam(param)} but was given ${
        describe(value)
      }.`,
    );
  }
  return value;
}

/**
 * Parses `NAME=VALUE` assignments from the command line against the declared parameters: integers,
 * `true`/`false`, or a choice name. A parameter set twice is refused: one of the two values would be
 * dropped without a word.
 */
export function parseAssignments(
  modelName: string,
  params: Params,
  assignments: readonly string[],
): Record<string, unknown> {
  const given: Record<string, unknown> = Object.create(null);
  const first = new Map<string, string>();
  for (const assignment of assignments) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(assignment);
    if (!match) {
      throw new InputError(`Expected --set NAME=VALUE but found ${JSON.stringify(assignment)}.`);
    }
    const [, name, text] = match as unknown as [string, string, string];
    const earlier = first.get(name);
    if (earlier !== undefined) {
      throw new InputError(
        `Parameter ${name} of model ${modelName} is set twice (--set ${earlier} and --set ${assignment}); ` +
          `set each parameter once.`,
      );
    }
    first.set(name, assignment);
    const param = Object.hasOwn(params, name) ? params[name] : undefined;
    if (!param) {
      resolveParams(modelName, params, { [name]: text }); // throws the unknown-parameter message
      continue;
    }
    given[name] = param.kind === "int"
      ? (/^-?\d+$/.test(text) ? Number(text) : text)
      : param.kind === "bool"
      ? (text === "true" ? true : text === "false" ? false : text)
      : text;
  }
  return given;
}
