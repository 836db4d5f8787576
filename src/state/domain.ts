/**
 * Finite domains of state variables and action parameters.
 *
 * Every state variable has a finite domain, so the engine knows how many bits it needs and can reject
 * any value outside it. Scalars are booleans, bounded integers and enums (string literals); composites
 * are fixed-length arrays and records of domains.
 *
 * @module
 */

import { describe } from "./describe_value.ts";
import { checkName } from "./names.ts";

export { describe };

/** A boolean variable. */
export interface BoolDomain {
  /** Booleans: false, true. */
  readonly kind: "bool";
}

/** An integer variable in `min..max` (both inclusive). */
export interface IntDomain {
  /** Integers from min to max. */
  readonly kind: "int";
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
  /** Set by `elementOf`: the values name elements of this index set (-1, when allowed, names none). */
  readonly elementOf?: string;
}

/** A variable whose value is one of a fixed list of names. */
export interface EnumDomain<V extends string = string> {
  /** One of a list of strings. */
  readonly kind: "enum";
  /** The values, in order (the first is the zero value). */
  readonly values: readonly V[];
}

/** A fixed-length array of one element domain. */
export interface ArrayDomain<E extends Domain = Domain> {
  /** A fixed-length array of one element domain. */
  readonly kind: "array";
  /** Number of elements. */
  readonly length: number;
  /** The domain of each element. */
  readonly element: E;
  /** Set when built with an index set in place of the length: the set's name. */
  readonly indexedBy?: string;
}

/**
 * A named index set of `size` elements (0..size-1): interchangeable vCPUs, pages, grants, devices. Arrays
 * indexed by it and values naming its elements (`elementOf`) are what a symmetry declaration permutes.
 */
export interface IndexSet {
  /** An index set (see indexSet). */
  readonly kind: "indexSet";
  /** Its name, as `symmetry` and `elementOf` refer to it. */
  readonly name: string;
  /** Number of elements. */
  readonly size: number;
}

/** A record of named fields, laid out in declaration order. */
export interface RecordDomain<F extends Fields = Fields> {
  /** A record of named fields. */
  readonly kind: "record";
  /** The domain of each field. */
  readonly fields: F;
}

/** The domains whose values fit in one packed bit field. */
export type ScalarDomain = BoolDomain | IntDomain | EnumDomain;

/** Any domain of a state variable. */
export type Domain = ScalarDomain | ArrayDomain<Domain> | RecordDomain<Fields>;

/** Named domains: the variables of a model or the fields of a record. */
export type Fields = { readonly [name: string]: Domain };

/** The plain value of a domain, as it appears in traces: `{ owner: ["free", "guest"], gen: 0 }`. */
export type ValueOf<D> = D extends BoolDomain ? boolean
  : D extends IntDomain ? number
  : D extends EnumDomain<infer V> ? V
  : D extends ArrayDomain<infer E> ? ValueOf<E>[]
  : D extends RecordDomain<infer F> ? { [K in keyof F]: ValueOf<F[K]> }
  : never;

/** A plain value of any domain. */
export type Value = boolean | number | string | Value[] | { [name: string]: Value };

/**
 * The domain of a boolean variable.
 *
 * @example
 * ```ts
 * import { arrayOf, bool } from "./domain.ts";
 * const hostMapped = arrayOf(3, bool);
 * ```
 */
export const bool: BoolDomain = Object.freeze({ kind: "bool" });

/**
 * An integer domain `min..max`, both inclusive.
 *
 * @example
 * ```ts
 * import { int } from "./domain.ts";
 * const level = int(0, 3);
 * ```
 */
export function int(min: number, max: number): IntDomain {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
    throw new RangeError(
      `Expected int(min, max) with integers min <= max but found int(${describe(min)}, ${describe(max)})`,
    );
  }
  if (max - min >= 2 ** 31) {
    throw new RangeError(`Expected int(${min}, ${max}) to span fewer than 2^31 values`);
  }
  return Object.freeze({ kind: "int", min, max });
}

/**
 * An enum domain: one of the given names. The first is the default (zero) value.
 *
 * @example
 * ```ts
 * import { enumOf } from "./domain.ts";
 * const owner = enumOf("free", "guest", "shared");
 * ```
 */
export function enumOf<const V extends string>(...values: V[]): EnumDomain<V> {
  if (values.length === 0) {
    throw new RangeError("Expected enumOf() to have at least one value but found none");
  }
  const seen = new Set<string>();
  for (const value of values) {
    if (typeof value !== "string" || value === "") {
      throw new TypeError(`Expected enum values to be non-empty strings but found ${describe(value)}`);
    }
    if (seen.has(value)) {
      throw new RangeError(`Expected enum values to be distinct but found "${value}" twice`);
    }
    seen.add(value);
  }
  return Object.freeze({ kind: "enum", values: Object.freeze([...values]) });
}

/**
 * A fixed-length array domain. Given an index set in place of the length, the array has one element per
 * element of the set, and a symmetry declaration on the set permutes its elements.
 *
 * @example
 * ```ts
 * import { arrayOf, bool, indexSet } from "./domain.ts";
 * const hostMapped = arrayOf(4, bool);
 * const shared = arrayOf(indexSet("page", 4), bool);
 * ```
 */
export function arrayOf<E extends Domain>(length: number | IndexSet, element: E): ArrayDomain<E> {
  if (typeof length === "object" && length !== null && (length as { kind?: unknown }).kind === "indexSet") {
    assertDomain(element, "array element");
    return Object.freeze({ kind: "array", length: length.size, element, indexedBy: length.name });
  }
  if (!Number.isSafeInteger(length) || (length as number) < 0) {
    throw new RangeError(
      `Expected array length to be a natural number or an indexSet but found ${describe(length)}`,
    );
  }
  assertDomain(element, "array element");
  return Object.freeze({ kind: "array", length: length as number, element });
}

/**
 * A named index set of `size` elements, for `arrayOf(set, ...)` and `elementOf(set)`.
 *
 * @example
 * ```ts
 * import { arrayOf, bool, elementOf, indexSet } from "./domain.ts";
 * const page = indexSet("page", 3);
 * const fields = { mapped: arrayOf(page, bool), current: elementOf(page, { none: true }) };
 * ```
 */
export function indexSet(name: string, size: number): IndexSet {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`Expected an index set name like page but found ${describe(name)}`);
  }
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`Expected index set ${name} to have a size >= 1 but found ${describe(size)}`);
  }
  return Object.freeze({ kind: "indexSet", name, size });
}

/**
 * An integer naming one element of an index set: `0..size-1`, or `-1..size-1` with `none: true`, where -1
 * names no element (a symmetry never moves it).
 *
 * @example
 * ```ts
 * import { elementOf, indexSet } from "./domain.ts";
 * const current = elementOf(indexSet("page", 3), { none: true });
 * ```
 */
export function elementOf(set: IndexSet, options: { none?: boolean } = {}): IntDomain {
  if ((set as { kind?: unknown } | null)?.kind !== "indexSet") {
    throw new TypeError(`Expected elementOf(set) with an indexSet but found ${describe(set)}`);
  }
  return Object.freeze({ kind: "int", min: options.none ? -1 : 0, max: set.size - 1, elementOf: set.name });
}

/**
 * A record domain with named fields.
 *
 * @example
 * ```ts
 * import { bool, enumOf, recordOf } from "./domain.ts";
 * const msr = recordOf({ enabled: bool, owner: enumOf("restoring", "image") });
 * ```
 */
export function recordOf<F extends Fields>(fields: F): RecordDomain<F> {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    throw new TypeError(
      `Expected recordOf() to take an object of field domains but found ${describe(fields)}`,
    );
  }
  for (const [name, domain] of Object.entries(fields)) {
    checkName("record field", name);
    assertDomain(domain, `field ${name}`);
  }
  return Object.freeze({ kind: "record", fields: Object.freeze({ ...fields }) });
}

/** Number of distinct values of a scalar domain. */
export function scalarSize(domain: ScalarDomain): number {
  switch (domain.kind) {
    case "bool":
      return 2;
    case "int":
      return domain.max - domain.min + 1;
    case "enum":
      return domain.values.length;
  }
}

/** Whether a domain is a scalar. */
export function isScalar(domain: Domain): domain is ScalarDomain {
  return domain.kind === "bool" || domain.kind === "int" || domain.kind === "enum";
}

/** Throws a TypeError unless `domain` is a domain built by this module's constructors. */
export function assertDomain(domain: unknown, where: string): asserts domain is Domain {
  const kind = (domain as { kind?: unknown } | null)?.kind;
  if (kind !== "bool" && kind !== "int" && kind !== "enum" && kind !== "array" && kind !== "record") {
    throw new TypeError(
      `Expected ${where} to be a domain (bool, int(), enumOf(), arrayOf(), recordOf()) but found ${
        describe(domain)
      }`,
    );
  }
}

/**
 * Why `domain` is not a well-formed domain, or undefined when it is one: for domains that did not come
 * from this module's constructors (built by hand, or changed after), which would otherwise lay out
 * as garbage. Checks the whole tree, and names the part that is wrong (`.msr`, `[]`) after `path`.
 */
export function domainProblem(domain: unknown, path = ""): string | undefined {
  const d = domain as Record<string, unknown> | null;
  const at = path === "" ? "" : ` at ${path}`;
  switch (typeof d === "object" && d !== null ? d.kind : undefined) {
    case "bool":
      return undefined;
    case "int": {
      const { min, max } = d as { min: unknown; max: unknown };
      return Number.isSafeInteger(min) && Number.isSafeInteger(max) && (min as number) <= (max as number) &&
          (max as number) - (min as number) < 2 ** 31
        ? undefined
        : `an int domain needs integers min <= max spanning fewer than 2^31 values, but found ${
          describe(d)
        }${at}`;
    }
    case "enum": {
      const values = d!.values;
      return Array.isArray(values) && values.length > 0 &&
          values.every((v) => typeof v === "string" && v !== "") && new Set(values).size === values.length
        ? undefined
        : `an enum domain needs distinct non-empty string values, but found ${describe(d)}${at}`;
    }
    case "array": {
      const length = d!.length;
      if (!Number.isSafeInteger(length) || (length as number) < 0) {
        return `an array domain needs a natural number length, but found ${describe(length)}${at}`;
      }
      return domainProblem(d!.element, `${path}[]`);
    }
    case "record": {
      const fields = d!.fields;
      if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
        return `a record domain needs an object of field domains, but found ${describe(fields)}${at}`;
      }
      for (const [name, field] of Object.entries(fields)) {
        const problem = domainProblem(field, `${path}.${name}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `expected a domain (bool, int(), enumOf(), arrayOf(), recordOf()), but found ${
        describe(domain)
      }${at}`;
  }
}

/** Whether `value` belongs to `domain`. */
export function contains(domain: Domain, value: unknown): boolean {
  switch (domain.kind) {
    case "bool":
      return typeof value === "boolean";
    case "int":
      return Number.isInteger(value) && (value as number) >= domain.min && (value as number) <= domain.max;
    case "enum":
      return typeof value === "string" && (domain.values as readonly string[]).includes(value);
    case "array":
      return Array.isArray(value) && value.length === domain.length &&
        value.every((element) => contains(domain.element, element));
    case "record": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
      const names = Object.keys(domain.fields);
      return Object.keys(value).length === names.length &&
        names.every((name) => contains(domain.fields[name]!, (value as Record<string, unknown>)[name]));
    }
  }
}

/** A short description of a domain for messages: `int(0, 3)`, `enumOf("a", "b")`. */
export function describeDomain(domain: Domain): string {
  switch (domain.kind) {
    case "bool":
      return "bool";
    case "int":
      return domain.elementOf === undefined
        ? `int(${domain.min}, ${domain.max})`
        : `elementOf(${domain.elementOf}: ${domain.min}..${domain.max})`;
    case "enum":
      return `enumOf(${domain.values.map((v) => JSON.stringify(v)).join(", ")})`;
    case "array":
      return `arrayOf(${
        domain.indexedBy === undefined ? domain.length : `${domain.indexedBy}[${domain.length}]`
      }, ${describeDomain(domain.element)})`;
    case "record":
      return `recordOf({ ${
        Object.entries(domain.fields).map(([k, d]) => `${k}: ${describeDomain(d)}`).join(", ")
      } })`;
  }
}
