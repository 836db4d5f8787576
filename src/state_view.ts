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

type ScalarKeys<F extends Fields> = { [K in keyof F]: F[K] extends ScalarDomain ? K : never }[keyof F];
type CompositeKeys<F extends Fields> = Exclude<keyof F, ScalarKeys<F>>;

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

/** Internal shape shared by every view node: the words, a base word, a base bit offset and a path. */
interface Node {
  w: Uint32Array;
  b: number;
  s: number;
  p: string;
}

const toValueKey = Symbol("toValue");
const assignKey = Symbol("assign");

interface Plain {
  [toValueKey](): Value;
  [assignKey](value: Value): void;
}

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

function compile<T>(domain: ScalarDomain, body: string): T {
  // A copy: the domain's array is frozen, and V8's optimised code reads a frozen array's elements
  // through a generic inline-cache call (8% of page_ownership's run time), a plain array's inline.
  const values = domain.kind === "enum" ? [...domain.values] : [];
  const names = new Map(values.map((name, i) => [name, i]));
  return new Function("V", "M", "D", "fail", "badIndex", body)(values, names, domain, fail, badIndex) as T;
}

type ScalarArrayClass = new (
  w: Uint32Array,
  b: number,
  s: number,
  p: string,
) => ScalarArrayView<unknown> & Node;

function scalarArrayClass(shape: ArrayShape): ScalarArrayClass {
  const element = shape.element as ScalarShape;
  const { length, perWord } = shape;
  const bits = element.bits, mask = maskOf(bits);
  const at = `this.b + ((i / ${perWord}) | 0)`;
  const bit = `this.s + (i % ${perWord}) * ${bits}`;
  const raw = `((this.w[${at}] >>> (${bit})) & ${mask})`;
  const check = `if (!(i >= 0 && i < ${length} && (i | 0) === i)) badIndex(this.p, ${length}, i);`;
  return compile<ScalarArrayClass>(
    element.domain,
    `return class ScalarArray {
      constructor(w, b, s, p) { this.w = w; this.b = b; this.s = s; this.p = p; }
      get length() { return ${length}; }
      get(i) { ${check} return ${decodeSource(element.domain, raw)}; }
      set(i, v) {
        ${check}
        const r = ${encodeSource(element.domain)};
        if (r < 0) fail(this.p + "[" + i + "]", v, D);
        const at = ${at}, bit = ${bit};
        this.w[at] = (this.w[at] & ~(${mask} << bit)) | (r << bit);
      }
      fill(v) { for (let i = 0; i < ${length}; i++) this.set(i, v); }
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

const arrayClasses = new WeakMap<ArrayShape, ScalarArrayClass>();

function buildScalarArray(w: Uint32Array, b: number, s: number, shape: ArrayShape, path: string): unknown {
  let Class = arrayClasses.get(shape);
  if (!Class) {
    Class = scalarArrayClass(shape);
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
    arrayClasses.set(shape, Class);
  }
  return new Class(w, b, s, path);
}

/**
 * One prototype per record shape: scalar fields are generated accessors on the prototype, reading
 * `this.w[this.b + word] >>> (this.s + shift)`. Every instance of a shape shares it, so call sites in
 * model code stay monomorphic.
 */
function recordPrototype(shape: RecordShape): object {
  const prototype: Record<PropertyKey, unknown> = {};
  for (const field of shape.fields) {
    if (field.shape.kind !== "scalar") continue;
    const { word, shift } = field;
    const { bits, domain } = field.shape;
    const mask = maskOf(bits);
    const name = JSON.stringify(field.name);
    const accessors = compile<PropertyDescriptor>(
      domain,
      `return {
        enumerable: true,
        get() { return ${
        decodeSource(domain, `(this.w[this.b + ${word}] >>> (this.s + ${shift})) & ${mask}`)
      }; },
        set(v) {
          const r = ${encodeSource(domain)};
          if (r < 0) fail(this.p + ${name}, v, D);
          const at = this.b + ${word}, bit = this.s + ${shift};
          this.w[at] = (this.w[at] & ~(${mask} << bit)) | (r << bit);
        },
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

const prototypes = new WeakMap<RecordShape, object>();

function buildRecord(w: Uint32Array, b: number, s: number, shape: RecordShape, path: string): object {
  let prototype = prototypes.get(shape);
  if (!prototype) {
    prototype = recordPrototype(shape);
    prototypes.set(shape, prototype);
  }
  const node = Object.create(prototype) as Node & Record<string, unknown>;
  node.w = w;
  node.b = b;
  node.s = s;
  node.p = path === "" ? "" : `${path}.`;
  for (const field of shape.fields) {
    if (field.shape.kind === "scalar") continue;
    const child = build(w, b + field.word, s + field.shift, field.shape, `${node.p}${field.name}`);
    Object.defineProperty(node, field.name, { value: child, enumerable: true, writable: false });
  }
  return node;
}

function build(w: Uint32Array, b: number, s: number, shape: Shape, path: string): unknown {
  switch (shape.kind) {
    case "record":
      return buildRecord(w, b, s, shape, path);
    case "array":
      if (shape.element.kind === "scalar") return buildScalarArray(w, b, s, shape, path);
      return Object.freeze(Array.from({ length: shape.length }, (_, i) => {
        const word = shape.element.small ? b + ((i / shape.perWord) | 0) : b + i * shape.elementWords;
        const shift = shape.element.small ? s + (i % shape.perWord) * shape.element.size : s;
        return build(w, word, shift, shape.element, `${path}[${i}]`);
      }));
    case "scalar":
      throw new TypeError("A scalar has no view of its own: it is a property of its record");
  }
}

/** Builds the view of a whole state over `words` (the root shape is a record of the model's variables). */
export function createView<F extends Fields>(words: Uint32Array, shape: RecordShape): RecordView<F> {
  return buildRecord(words, 0, 0, shape, "") as RecordView<F>;
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
