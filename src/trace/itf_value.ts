/**
 * Values in the Informal Trace Format, both ways. hvcheck writes booleans, enum names as strings, integers
 * as `{"#bigint": "42"}`, arrays as lists and records as objects. It reads those and what Quint and Apalache
 * write for the same domains: plain JSON integers, `{"#tup": [...]}` and `{"#map": [[0, v], ...]}` for an
 * array (the map's keys must be exactly the indices), and sum-type values `{"tag": "free", "value":
 * {"#tup": []}}` for an enum.
 *
 * @module
 */

import { describe, type Domain, type Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";

/** An ITF value. */
export type ItfValue = boolean | string | { "#bigint": string } | ItfValue[] | { [key: string]: ItfValue };

/** Converts a plain value to ITF. */
export function toItfValue(value: Value): ItfValue {
  if (typeof value === "number") return { "#bigint": String(value) };
  if (Array.isArray(value)) return value.map(toItfValue);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toItfValue(v)]));
  }
  return value;
}

/** Whether `x` is a JSON object (not an array, not null). */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The integer an ITF value stands for (`{"#bigint": "3"}` or a plain JSON integer), if it is one. */
function integerOf(value: unknown): number | undefined {
  if (isObject(value) && typeof value["#bigint"] === "string" && /^-?\d+$/.test(value["#bigint"])) {
    return Number(value["#bigint"]);
  }
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/** The tag of a sum-type value without a payload (`{"tag": "free", "value": {"#tup": []}}`), if it is one. */
function tagOf(value: unknown): string | undefined {
  if (!isObject(value) || typeof value.tag !== "string") return undefined;
  const payload = value.value;
  const empty = payload === undefined ||
    (isObject(payload) && Array.isArray(payload["#tup"]) && payload["#tup"].length === 0);
  return empty && Object.keys(value).every((k) => k === "tag" || k === "value") ? value.tag : undefined;
}

/** The elements of a list, a `#tup`, or a `#map` keyed by exactly the indices 0..n-1, if it is one. */
function elementsOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) return undefined;
  if (Array.isArray(value["#tup"])) return value["#tup"];
  const pairs = value["#map"];
  if (!Array.isArray(pairs)) return undefined;
  const out: unknown[] = new Array(pairs.length);
  for (const pair of pairs) {
    const key = Array.isArray(pair) && pair.length === 2 ? integerOf(pair[0]) : undefined;
    if (key === undefined || key < 0 || key >= pairs.length || key in out) return undefined;
    out[key] = pair[1];
  }
  return out;
}

/** Converts an ITF value to a plain value of `domain`; throws an InputError naming `where`. */
export function fromItfValue(value: unknown, domain: Domain, where: string): Value {
  const bad = (expected: string): never => {
    throw new InputError(`${where}: expected ${expected} but found ${describe(value)}.`);
  };
  switch (domain.kind) {
    case "bool":
      return typeof value === "boolean" ? value : bad("a boolean");
    case "int": {
      const n = integerOf(value);
      if (n === undefined) return bad(`an integer {"#bigint": "..."}`);
      return n >= domain.min && n <= domain.max ? n : bad(`an integer in ${domain.min}..${domain.max}`);
    }
    case "enum": {
      const name = typeof value === "string" ? value : tagOf(value);
      return name !== undefined && (domain.values as readonly string[]).includes(name)
        ? name
        : bad(`one of ${domain.values.map((v) => JSON.stringify(v)).join(", ")}`);
    }
    case "array": {
      const elements = elementsOf(value);
      if (elements === undefined || elements.length !== domain.length) {
        return bad(`a list of ${domain.length} elements`);
      }
      return elements.map((v, i) => fromItfValue(v, domain.element, `${where}[${i}]`));
    }
    case "record": {
      if (!isObject(value)) return bad("a record (JSON object)");
      const out: Record<string, Value> = {};
      for (const [name, field] of Object.entries(domain.fields)) {
        if (!Object.hasOwn(value, name)) bad(`a record with field ${name}`);
        out[name] = fromItfValue(value[name], field, `${where}.${name}`);
      }
      const extra = Object.keys(value).filter((k) => !Object.hasOwn(domain.fields, k));
      if (extra.length) {
        bad(`no fields besides ${Object.keys(domain.fields).join(", ")} (found ${extra.join(", ")})`);
      }
      return out;
    }
  }
}

/**
 * A map of parameter values from ITF, where the domains are not known yet (action parameters, the
 * model parameters in `#meta`): integers become numbers, payload-free sum-type values their tag, other
 * values stay as they are.
 */
export function fromItfParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, integerOf(value) ?? tagOf(value) ?? value]),
  );
}
