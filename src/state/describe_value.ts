/**
 * Describing any value for an error message as JavaScript writes it: `NaN`, `Infinity`, `-0`, `1.5`,
 * `"str"`, `undefined`, `5n`, `[1, NaN]`, `{ a: undefined }`, `a Map`. JSON.stringify would print NaN
 * as `null` and drop undefined fields, so a message would name a value the model never wrote.
 *
 * Describing never throws and never runs user code: no getter, proxy trap, toString or toJSON is
 * called, only own data properties are read, and output is cut short for deep or long values.
 *
 * @module
 */

import { types } from "node:util";

/** Elements or fields shown per array or object. */
const MAX_ITEMS = 8;

/** Nesting shown before `[...]` or `{...}`. */
const MAX_DEPTH = 2;

/** Characters of a string shown. */
const MAX_STRING = 120;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A short description of `value` for a message.
 *
 * @example
 * ```ts
 * import { describe } from "./describe_value.ts";
 * console.assert(describe(NaN) === "NaN");
 * console.assert(describe({ x: 1.5, y: undefined }) === "{ x: 1.5, y: undefined }");
 * console.assert(describe("on") === '"on"');
 * ```
 */
export function describe(value: unknown): string {
  try {
    return describeAt(value, 0, new Set());
  } catch {
    // A revoked proxy, say: even looking at it throws.
    return `a ${typeof value}`;
  }
}

function describeAt(value: unknown, depth: number, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return value.description === undefined ? "Symbol()" : `Symbol(${value.description})`;
    case "function":
      return "a function";
  }
  if (value === null) return "null";
  const object = value as object;
  if (seen.has(object)) return "[Circular]";
  if (isProxy(object)) return Array.isArray(object) ? "an array" : "an object";
  if (Array.isArray(object)) {
    if (depth >= MAX_DEPTH) return object.length === 0 ? "[]" : "[...]";
    seen.add(object);
    const items: string[] = [];
    for (let i = 0; i < Math.min(object.length, MAX_ITEMS); i++) {
      const d = Object.getOwnPropertyDescriptor(object, i);
      items.push(
        d === undefined ? "<empty>" : "value" in d ? describeAt(d.value, depth + 1, seen) : "<getter>",
      );
    }
    if (object.length > MAX_ITEMS) items.push(`... ${object.length - MAX_ITEMS} more`);
    seen.delete(object);
    return `[${items.join(", ")}]`;
  }
  const prototype = Object.getPrototypeOf(object);
  const plain = prototype === Object.prototype || prototype === null;
  const kind = plain ? "" : className(prototype);
  const keys = Object.keys(object);
  if (!plain && keys.length === 0) return kind === "" ? "an object" : `${article(kind)} ${kind}`;
  if (keys.length === 0) return "{}";
  const prefix = kind === "" ? "" : `${kind} `;
  if (depth >= MAX_DEPTH) return `${prefix}{...}`;
  seen.add(object);
  const fields = keys.slice(0, MAX_ITEMS).map((key) => {
    const d = Object.getOwnPropertyDescriptor(object, key);
    const shown = d === undefined
      ? "undefined"
      : "value" in d
      ? describeAt(d.value, depth + 1, seen)
      : "<getter>";
    return `${identifier.test(key) ? key : quote(key)}: ${shown}`;
  });
  if (keys.length > MAX_ITEMS) fields.push(`... ${keys.length - MAX_ITEMS} more`);
  seen.delete(object);
  return `${prefix}{ ${fields.join(", ")} }`;
}

function quote(text: string): string {
  return text.length > MAX_STRING ? `${JSON.stringify(text.slice(0, MAX_STRING))}...` : JSON.stringify(text);
}

/** The name of the class whose prototype is `prototype`, read without running user code. */
function className(prototype: object): string {
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (isProxy(p)) return "";
    const d = Object.getOwnPropertyDescriptor(p, "constructor");
    const name = d !== undefined && "value" in d && typeof d.value === "function"
      ? Object.getOwnPropertyDescriptor(d.value, "name")
      : undefined;
    if (name !== undefined && "value" in name && typeof name.value === "string" && name.value !== "") {
      return name.value;
    }
  }
  return "";
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? "an" : "a";
}

/** Whether `object` is a proxy, whose traps are user code. */
function isProxy(object: object): boolean {
  return types.isProxy(object);
}
