/**
 * Typed accessors over packed state words.
 *
 * A model's guards, effects and properties read and write a state through a view: scalar variables are
 * properties (`s.phase = "running"`), arrays of scalars have `get(i)`/`set(i, v)`, arrays of records or
 * arrays are plain arrays of nested views (`s.cpus[1].msr`). A view is built once over a fixed
 * `Uint32Array` and reused for every state the engine loads into those words, so reading and writing
 * states allocates nothing. Every write checks the value against its domain.
 *
 * @module
 */

import {
  type ArrayDomain,
  describe,
  describeDomain,
  type Domain,
  type Fields,
  type RecordDomain,
  type ScalarDomain,
  type Value,
  type ValueOf,
} from "./domain.ts";
import type { ArrayShape, RecordShape, ScalarShape, Shape } from "./layout.ts";
import { closest } from "./names.ts";

/** A write of a value outside its variable's domain. The engine adds the model, action and depth. */
export class StateValueError extends RangeError {
  /** Path of the variable, such as `owner[2]`. */
  readonly path: string;
  /** The rejected value. */
  readonly value: unknown;
  constructor(path: string, value: unknown, domain: Domain) {
    super(`Expected ${path} to be in ${describeDomain(domain)} but found ${describe(value)}`);
    this.name = "StateValueError";
    this.path = path;
    this.value = value;
  }
}

/** Accessor for a fixed-length array of scalars. */
export interface ScalarArrayView<T> {
  /** Number of elements. */
  readonly length: number;
  /** The element at `index`; throws a RangeError for an index outside `0..length-1`. */
  get(index: number): T;
  /** Writes the element at `index`; throws a RangeError when the value is outside the domain. */
  set(index: number, value: T): void;
  /** Sets every element to `value`. */
  fill(value: T): void;
  /** Whether `predicate` holds for every element. */
  every(predicate: (value: T, index: number) => boolean): boolean;
  /** Whether `predicate` holds for some element. */
  some(predicate: (value: T, index: number) => boolean): boolean;
  /** Number of elements equal to `value`. */
  count(value: T): number;
  /** Index of the first element equal to `value`, or -1. */
  indexOf(value: T): number;
  /** Whether some element equals `value`. */
  includes(value: T): boolean;
  /** Calls `f` on every element in index order. */
  forEach(f: (value: T, index: number) => void): void;
  /** A fresh plain array of `f` applied to every element (allocates: not for hot paths). */
  map<U>(f: (value: T, index: number) => U): U[];
  /** A fresh plain array of the elements (allocates: not for hot paths). */
  toArray(): T[];
}

/** The names of a record's scalar fields. */
export type ScalarKeys<F extends Fields> = { [K in keyof F]: F[K] extends ScalarDomain ? K : never }[keyof F];
/** The names of a record's array and record fields. */
export type CompositeKeys<F extends Fields> = Exclude<keyof F, ScalarKeys<F>>;

/** The view of a record (or of a whole state): scalar fields read and write as properties. */
export type RecordView<F extends Fields> =
  & { -readonly [K in ScalarKeys<F>]: ValueOf<F[K]> }
  & { readonly [K in CompositeKeys<F>]: ViewOf<F[K]> };

/** The view type of a composite domain. */
export type ViewOf<D> = D extends ArrayDomain<infer E>
  ? (E extends ScalarDomain ? ScalarArrayView<ValueOf<E>> : readonly ViewOf<E>[])
  : D extends RecordDomain<infer F> ? RecordView<F>
  : never;

/** A read-only view, as given to guards and properties (writes still type-check as errors only). */
export type ReadonlyView<F extends Fields> =
  & { readonly [K in ScalarKeys<F>]: ValueOf<F[K]> }
  & { readonly [K in CompositeKeys<F>]: ViewOf<F[K]> };

/*
 * Every view node keeps its words, base word, base bit offset and path under these symbols, so no name a
 * model gives a variable or field can reach them (a variable named `w` once read its neighbours' bits).
 */
const W = Symbol("words");
const B = Symbol("base");
const S = Symbol("shift");
const P = Symbol("path");

/** Internal shape shared by every view node. */
interface Node {
  [W]: Uint32Array;
  [B]: number;
  [S]: number;
  [P]: string;
}

const toValueKey = Symbol("toValue");
const assignKey = Symbol("assign");

interface Plain {
  [toValueKey](): Value;
  [assignKey](value: Value): void;
}

/** A write through a read-only view: a guard, property, terminal or withinBoundary wrote the state. */
export class StateWriteError extends TypeError {
  /** Path of the variable written, such as `cpus[1].msr`. */
  readonly path: string;
  constructor(path: string) {
    super(
      `wrote variable ${path}, but guards, properties, terminal and withinBoundary see the state read-only ` +
        `(only effects and init may write it)`,
    );
    this.name = "StateWriteError";
    this.path = path;
  }
}

/** A read or write of a name the model does not declare (a misspelt variable, say). */
export class UndeclaredNameError extends TypeError {
  /** The name used. */
  readonly key: string;
  /** Whether it was written (else read). */
  readonly write: boolean;
  constructor(key: string, write: boolean, message: string) {
    super(message);
    this.name = "UndeclaredNameError";
    this.key = key;
    this.write = write;
  }
}

function undeclared(
  node: unknown,
  key: string,
  write: boolean,
  names: readonly string[],
  array: boolean,
): never {
  const path = (node as Partial<Node> | null)?.[P] ?? "";
  const verb = write ? "wrote" : "read";
  const guess = closest(key, names);
  const hint = guess !== undefined
    ? ` (did you mean ${guess}?)`
    : names.length <= 12
    ? ` (${array ? "an array view has" : path === "" ? "the model declares" : "the record has"} ${
      names.join(", ")
    })`
    : "";
  if (array) {
    if (/^\d+$/.test(key)) {
      throw new UndeclaredNameError(
        key,
        write,
        `${verb} ${path}[${key}] by indexing, but an array of scalars is read with ${path}.get(${key}) ` +
          `and written with ${path}.set(${key}, value)`,
      );
    }
    throw new UndeclaredNameError(
      key,
      write,
      `${verb} ${path}.${key}, which an array view does not have${hint}`,
    );
  }
  const what = path === "" ? `undeclared variable ${key}` : `undeclared field ${key} of ${path.slice(0, -1)}`;
  throw new UndeclaredNameError(key, write, `${verb} ${what}${hint}`);
}

/**
 * The end of every view's prototype chain: only a name no accessor answers reaches it, so the hot path
 * never does. Object.prototype's members and symbols (Deno's inspect, iterators) resolve as usual, and
 * `then` and `toJSON` are absent, so awaiting or serialising a view does not throw.
 */
function missTrap(names: readonly string[], array: boolean): object {
  return new Proxy(Object.prototype, {
    get(target, key, receiver) {
      if (typeof key === "symbol" || key in target) return Reflect.get(target, key, receiver);
      if (key === "then" || key === "toJSON") return undefined;
      return undeclared(receiver, key, false, names, array);
    },
    set(target, key, value, receiver) {
      if (typeof key === "symbol") return Reflect.set(target, key, value, receiver);
      return undeclared(receiver, key, true, names, array);
    },
  });
}

const arrayMethods = [
  "length",
  "get",
  "set",
  "fill",
  "every",
  "some",
  "count",
  "indexOf",
  "includes",
  "forEach",
  "map",
  "toArray",
];

/*
 * Accessors are generated as source per shape (`new Function`), with every word index, shift, mask and
 * enum name as a literal: V8 then inlines them into the model's guards and effects like hand-written
 * bit operations. Closure-based accessors measured 4-5x slower on page_ownership, because one shared
 * accessor body sees every variable's codec and its calls stay megamorphic.
 */

/** Source of an expression decoding the raw bits in `raw`. Enum names come from the array `V`. */
function decodeSource(domain: ScalarDomain, raw: string): string {
  switch (domain.kind) {
    case "bool":
      return `((${raw}) !== 0)`;
    case "int":
      return `((${raw}) + ${domain.min})`;
    case "enum":
      return `V[${raw}]`;
  }
}

/** Source of an expression giving the raw bits of `v`, or -1 when `v` is outside the domain. */
function encodeSource(domain: ScalarDomain): string {
  switch (domain.kind) {
    case "bool":
      return `(v === true ? 1 : v === false ? 0 : -1)`;
    case "int":
      return `(typeof v === "number" && v >= ${domain.min} && v <= ${domain.max} && Math.floor(v) === v ? v - ${domain.min} : -1)`;
    case "enum":
      return domain.values.length <= 8
        ? `(${domain.values.map((name, i) => `v === ${JSON.stringify(name)} ? ${i} : `).join("")}-1)`
        : `(M.has(v) ? M.get(v) : -1)`;
  }
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (2 ** bits - 1) | 0;
}

function fail(path: string, value: unknown, domain: Domain): never {
  throw new StateValueError(path, value, domain);
}

function badIndex(path: string, length: number, index: unknown): never {
  throw new RangeError(`Expected an index of ${path} in 0..${length - 1} but found ${describe(index)}`);
}

function readOnly(path: string): never {
  throw new StateWriteError(path);
}

function compile<T>(domain: ScalarDomain, body: string): T {
  // A copy: the domain's array is frozen, and V8's optimised code reads a frozen array's elements
  // through a generic inline-cache call (8% of page_ownership's run time), a plain array's inline.
  const values = domain.kind === "enum" ? [...domain.values] : [];
  const names = new Map(values.map((name, i) => [name, i]));
  return new Function("V", "M", "D", "fail", "badIndex", "readOnly", "W", "B", "S", "P", body)(
    values,
    names,
    domain,
    fail,
    badIndex,
    readOnly,
    W,
    B,
    S,
    P,
  ) as T;
}

type ScalarArrayClass = new (
  w: Uint32Array,
  b: number,
  s: number,
  p: string,
) => ScalarArrayView<unknown> & Node;

function scalarArrayClass(shape: ArrayShape, readonly: boolean): ScalarArrayClass {
  const element = shape.element as ScalarShape;
  const { length, perWord } = shape;
  const bits = element.bits, mask = maskOf(bits);
  const at = `this[B] + ((i / ${perWord}) | 0)`;
  const bit = `this[S] + (i % ${perWord}) * ${bits}`;
  const raw = `((this[W][${at}] >>> (${bit})) & ${mask})`;
  const check = `if (!(i >= 0 && i < ${length} && (i | 0) === i)) badIndex(this[P], ${length}, i);`;
  const set = readonly ? `set(i, v) { readOnly(this[P] + "[" + i + "]"); }` : `set(i, v) {
        ${check}
        const r = ${encodeSource(element.domain)};
        if (r < 0) fail(this[P] + "[" + i + "]", v, D);
        const at = ${at}, bit = ${bit};
        this[W][at] = (this[W][at] & ~(${mask} << bit)) | (r << bit);
      }`;
  return compile<ScalarArrayClass>(
    element.domain,
    `return class ScalarArray {
      constructor(w, b, s, p) { this[W] = w; this[B] = b; this[S] = s; this[P] = p; }
      get length() { return ${length}; }
      get(i) { ${check} return ${decodeSource(element.domain, raw)}; }
      ${set}
      fill(v) { ${readonly ? `readOnly(this[P]);` : ""} for (let i = 0; i < ${length}; i++) this.set(i, v); }
      every(f) { for (let i = 0; i < ${length}; i++) if (!f(${
      decodeSource(element.domain, raw)
    }, i)) return false; return true; }
      some(f) { for (let i = 0; i < ${length}; i++) if (f(${
      decodeSource(element.domain, raw)
    }, i)) return true; return false; }
      indexOf(v) {
        const r = ${encodeSource(element.domain)};
        if (r < 0) return -1;
        for (let i = 0; i < ${length}; i++) if (${raw} === r) return i;
        return -1;
      }
      count(v) {
        const r = ${encodeSource(element.domain)};
        let n = 0;
        for (let i = 0; i < ${length}; i++) if (${raw} === r) n++;
        return n;
      }
      includes(v) { return this.indexOf(v) >= 0; }
      forEach(f) { for (let i = 0; i < ${length}; i++) f(${decodeSource(element.domain, raw)}, i); }
      map(f) { const out = []; for (let i = 0; i < ${length}; i++) out.push(f(${
      decodeSource(element.domain, raw)
    }, i)); return out; }
      toArray() { const out = []; for (let i = 0; i < ${length}; i++) out.push(this.get(i)); return out; }
    }`,
  );
}

/** Per shape, the writable [0] and read-only [1] variant of a view class or prototype. */
const arrayClasses = new WeakMap<ArrayShape, [ScalarArrayClass?, ScalarArrayClass?]>();

function buildScalarArray(
  w: Uint32Array,
  b: number,
  s: number,
  shape: ArrayShape,
  path: string,
  readonly: boolean,
): unknown {
  let variants = arrayClasses.get(shape);
  if (!variants) arrayClasses.set(shape, variants = []);
  let Class = variants[readonly ? 1 : 0];
  if (!Class) {
    Class = scalarArrayClass(shape, readonly);
    Object.setPrototypeOf(Class.prototype, missTrap(arrayMethods, true));
    Object.defineProperty(Class.prototype, toValueKey, {
      value(this: ScalarArrayView<Value>): Value {
        return this.toArray();
      },
    });
    Object.defineProperty(Class.prototype, assignKey, {
      value(this: ScalarArrayView<Value>, value: Value[]): void {
        value.forEach((element, i) => this.set(i, element));
      },
    });
    variants[readonly ? 1 : 0] = Class;
  }
  return new Class(w, b, s, path);
}

/**
 * One prototype per record shape (and mode): scalar fields are generated accessors on the prototype,
 * reading `this[W][this[B] + word] >>> (this[S] + shift)`. Every instance of a shape shares it, so call
 * sites in model code stay monomorphic.
 */
function recordPrototype(shape: RecordShape, readonly: boolean): object {
  const prototype = Object.create(missTrap(shape.fields.map((f) => f.name), false));
  for (const field of shape.fields) {
    if (field.shape.kind !== "scalar") continue;
    const { word, shift } = field;
    const { bits, domain } = field.shape;
    const mask = maskOf(bits);
    const name = JSON.stringify(field.name);
    const setter = readonly ? `set(v) { readOnly(this[P] + ${name}); },` : `set(v) {
          const r = ${encodeSource(domain)};
          if (r < 0) fail(this[P] + ${name}, v, D);
          const at = this[B] + ${word}, bit = this[S] + ${shift};
          this[W][at] = (this[W][at] & ~(${mask} << bit)) | (r << bit);
        },`;
    const accessors = compile<PropertyDescriptor>(
      domain,
      `return {
        enumerable: true,
        get() { return ${
        decodeSource(domain, `(this[W][this[B] + ${word}] >>> (this[S] + ${shift})) & ${mask}`)
      }; },
        ${setter}
      };`,
    );
    Object.defineProperty(prototype, field.name, accessors);
  }
  Object.defineProperty(prototype, toValueKey, {
    value(this: Record<string, unknown>): Value {
      const value: Record<string, Value> = {};
      for (const field of shape.fields) {
        value[field.name] = field.shape.kind === "scalar"
          ? this[field.name] as Value
          : plainOf(this[field.name]);
      }
      return value;
    },
  });
  Object.defineProperty(prototype, assignKey, {
    value(this: Record<string, unknown>, value: Record<string, Value>): void {
      for (const field of shape.fields) {
        if (field.shape.kind === "scalar") this[field.name] = value[field.name];
        else assignPlain(this[field.name], value[field.name]!);
      }
    },
  });
  return prototype;
}

const prototypes = new WeakMap<RecordShape, [object?, object?]>();

function buildRecord(
  w: Uint32Array,
  b: number,
  s: number,
  shape: RecordShape,
  path: string,
  readonly: boolean,
): object {
  let variants = prototypes.get(shape);
  if (!variants) prototypes.set(shape, variants = []);
  let prototype = variants[readonly ? 1 : 0];
  if (!prototype) variants[readonly ? 1 : 0] = prototype = recordPrototype(shape, readonly);
  const node = Object.create(prototype) as Node & Record<string, unknown>;
  node[W] = w;
  node[B] = b;
  node[S] = s;
  node[P] = path === "" ? "" : `${path}.`;
  for (const field of shape.fields) {
    if (field.shape.kind === "scalar") continue;
    const child = build(w, b + field.word, s + field.shift, field.shape, `${node[P]}${field.name}`, readonly);
    Object.defineProperty(node, field.name, { value: child, enumerable: true, writable: false });
  }
  return node;
}

function build(w: Uint32Array, b: number, s: number, shape: Shape, path: string, readonly: boolean): unknown {
  switch (shape.kind) {
    case "record":
      return buildRecord(w, b, s, shape, path, readonly);
    case "array":
      if (shape.element.kind === "scalar") return buildScalarArray(w, b, s, shape, path, readonly);
      return Object.freeze(Array.from({ length: shape.length }, (_, i) => {
        const word = shape.element.small ? b + ((i / shape.perWord) | 0) : b + i * shape.elementWords;
        const shift = shape.element.small ? s + (i % shape.perWord) * shape.element.size : s;
        return build(w, word, shift, shape.element, `${path}[${i}]`, readonly);
      }));
    case "scalar":
      throw new TypeError("A scalar has no view of its own: it is a property of its record");
  }
}

/** Builds the view of a whole state over `words` (the root shape is a record of the model's variables). */
export function createView<F extends Fields>(words: Uint32Array, shape: RecordShape): RecordView<F> {
  return buildRecord(words, 0, 0, shape, "", false) as RecordView<F>;
}

/**
 * A read-only view over `words`, for guards, properties, terminal and withinBoundary: it reads what a
 * view made by createView over the same words writes, and every write throws a StateWriteError.
 */
export function createReadonlyView<F extends Fields>(
  words: Uint32Array,
  shape: RecordShape,
): ReadonlyView<F> {
  return buildRecord(words, 0, 0, shape, "", true) as ReadonlyView<F>;
}

function plainOf(node: unknown): Value {
  if (Array.isArray(node)) return node.map(plainOf);
  return (node as Plain)[toValueKey]();
}

function assignPlain(node: unknown, value: Value): void {
  if (Array.isArray(node)) {
    (node as unknown[]).forEach((child, i) => assignPlain(child, (value as Value[])[i]!));
  } else {
    (node as Plain)[assignKey](value);
  }
}

/** The plain value of a view: `{ owner: ["free", "guest"], phase: "running" }` (allocates). */
export function toValue<F extends Fields>(view: RecordView<F>): { [K in keyof F]: ValueOf<F[K]> } {
  return plainOf(view) as { [K in keyof F]: ValueOf<F[K]> };
}

/** Writes a plain value into a view; throws StateValueError for a value outside its domain. */
export function assignValue<F extends Fields>(view: RecordView<F>, value: Value): void {
  assignPlain(view, value);
}
