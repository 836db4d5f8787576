/**
 * Random small models, for differential testing of the engine against the naive explorer.
 *
 * One seed gives one model: nested arrays and records of bool, int and enum scalars (ints up to 31 bits
 * wide, so fields straddle and fill words), variable and field names drawn from a given list (meant to be
 * hostile: the engine's own identifiers and JavaScript's special names), guarded actions with parameters,
 * invariants, witnesses and transition properties. Only a few leaves change, each among at most three
 * values, so every model has at most a few thousand reachable states.
 *
 * The model is one `defineModel` whose parameters are the seed and the index of the name list, so worker
 * threads that import this module rebuild the same model.
 *
 * @module
 */

import {
  arrayOf,
  bool,
  type Domain,
  enumOf,
  type Fields,
  int,
  recordOf,
  type ScalarDomain,
  type Value,
} from "../state/domain.ts";
import {
  type ActionParamDomains,
  type ActionSpec,
  defineModel,
  type ModelKit,
  range,
} from "../model/model.ts";
import { intParam } from "../model/params.ts";
import type { ActionLabel, Property } from "../model/properties.ts";

/** A deterministic PRNG (mulberry32): floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One step from a view to a leaf: a record field, or an element of an array (of scalars or not). */
type Step = { readonly field: string } | { readonly index: number; readonly scalars: boolean };

/** A scalar somewhere in the state, and the values it may take in the model. */
interface Leaf {
  readonly path: readonly Step[];
  readonly domain: ScalarDomain;
  values: Value[];
}

type View = Record<string, unknown>;

function parent(view: unknown, path: readonly Step[]): unknown {
  let node = view;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i]!;
    node = "field" in step ? (node as View)[step.field] : (node as unknown[])[step.index];
  }
  return node;
}

/** Reads a leaf through a view, as model code would (`s.a[1].b`, `s.c.get(2)`). */
function read(view: unknown, path: readonly Step[]): Value {
  const node = parent(view, path), last = path[path.length - 1]!;
  if ("field" in last) return (node as View)[last.field] as Value;
  return (node as { get(i: number): Value }).get(last.index);
}

function write(view: unknown, path: readonly Step[], value: Value): void {
  const node = parent(view, path), last = path[path.length - 1]!;
  if ("field" in last) (node as View)[last.field] = value;
  else (node as { set(i: number, v: Value): void }).set(last.index, value);
}

function zeroOf(domain: ScalarDomain): Value {
  return domain.kind === "bool" ? false : domain.kind === "int" ? domain.min : domain.values[0]!;
}

/** What a seed generated: the state's fields and builders for the rest of the model. */
interface Generated {
  readonly fields: Fields;
  readonly inits: ((state: unknown) => void)[];
  readonly actions: (kit: ModelKit<Fields>) => ActionSpec<Fields, ActionParamDomains>[];
  readonly properties: (kit: ModelKit<Fields>) => Property<Fields>[];
  readonly terminal: ((state: unknown) => boolean) | undefined;
  readonly withinBoundary: ((state: unknown) => boolean) | undefined;
  /** A one-line description of the shape, for messages. */
  readonly summary: string;
}

/** JavaScript's special names, and words of the trace formats. */
const specialNames = [
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "then",
  "catch",
  "finally",
  "toJSON",
  "call",
  "apply",
  "bind",
  "arguments",
  "caller",
  "callee",
  "name",
  "length",
  "undefined",
  "NaN",
  "Infinity",
  "null",
  "true",
  "false",
  "delete",
  "class",
  "new",
  "this",
  "super",
  "await",
  "yield",
  "let",
  "static",
  "eval",
  "Symbol",
  "Object",
  "Array",
  "Proxy",
  "Reflect",
  "globalThis",
  "$",
  "_",
  "$$",
  "__",
  "_$",
  "get",
  "set",
  "every",
  "some",
  "fill",
  "map",
  "forEach",
  "includes",
  "indexOf",
  "count",
  "toArray",
  "w",
  "b",
  "s",
  "p",
  "vars",
  "states",
  "meta",
  "params",
  "action",
  "actions",
  "model",
  "index",
  "format",
  "bigint",
  "kind",
  "fields",
  "values",
  "min",
  "max",
  "element",
];

/** The engine files whose identifiers the hostile names include: the views, layout and compiled code. */
const engineFiles = [
  "state/state_view.ts",
  "state/layout.ts",
  "model/compiled_actions.ts",
  "crosscheck/naive_explorer.ts",
  "state/domain.ts",
  "model/model.ts",
  "search/level_worker.ts",
  "search/expand_phase.ts",
  "search/outboxes.ts",
  "search/insert_phase.ts",
  "search/samples.ts",
  "trace/trace_itf.ts",
  "trace/trace_text.ts",
  "model/symmetry.ts",
];

let hostile: string[] | undefined;

/**
 * Names a model might clash with: JavaScript's special names and every identifier in the engine's
 * view, layout and search code (read from their source, so a new internal name is covered at once).
 */
export function hostileNames(): string[] {
  if (hostile) return hostile;
  const found = new Set(specialNames);
  for (const file of engineFiles) {
    const text = Deno.readTextFileSync(new URL(`../${file}`, import.meta.url));
    for (const [name] of text.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) found.add(name);
  }
  found.delete("__proto__"); // refused by the naming rule (names.ts)
  return hostile = [...found].sort();
}

/** The name lists that `randomModel`'s `names` parameter picks: plain ones, and hostile ones. */
export function nameList(index: number): readonly string[] {
  return index === 1 ? hostileNames() : ["a", "b", "c", "d", "e", "f", "g"];
}

const cache = new Map<string, Generated>();

/** Generates the model of `seed` with names from `nameList(list)`. */
export function generate(seed: number, list = 0): Generated {
  const key = `${seed}:${list}`;
  let generated = cache.get(key);
  if (!generated) {
    generated = generateUncached(seed, nameList(list));
    cache.set(key, generated);
  }
  return generated;
}

function generateUncached(seed: number, names: readonly string[]): Generated {
  for (let attempt = 0;; attempt++) {
    const made = attemptModel(prng(seed * 7919 + attempt), names);
    if (made) return made;
  }
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function attemptModel(rng: () => number, names: readonly string[]): Generated | undefined {
  const below = (n: number) => Math.floor(rng() * n);
  const pick = <T>(xs: readonly T[]): T => xs[below(xs.length)]!;
  const distinctNames = (n: number, from: readonly string[]): string[] => {
    const out = new Set<string>();
    while (out.size < Math.min(n, from.length)) out.add(pick(from));
    return [...out];
  };

  const scalar = (): ScalarDomain => {
    const r = rng();
    if (r < 0.35) return bool;
    if (r < 0.75) {
      const bits = pick([1, 2, 3, 5, 8, 13, 17, 24, 31]);
      const min = pick([-5, 0, 1, 100]);
      return int(min, min + 2 ** bits - 1 - (bits === 31 ? 1 : 0));
    }
    return enumOf(...distinctNames(1 + below(5), [...names, "__proto__", "#meta", "a b", "0"]));
  };
  const domain = (depth: number): Domain => {
    const r = rng();
    if (depth >= 3 || r < 0.45) return scalar();
    if (r < 0.75) return arrayOf(1 + below(3), domain(depth + 1));
    return record(depth + 1);
  };
  const record = (depth: number): Domain => {
    const fields: Record<string, Domain> = {};
    for (const name of distinctNames(1 + below(3), names)) {
      Object.defineProperty(fields, name, { value: domain(depth), enumerable: true });
    }
    return recordOf(fields);
  };

  const fields: Record<string, Domain> = {};
  for (const name of distinctNames(1 + below(4), names)) {
    Object.defineProperty(fields, name, { value: domain(0), enumerable: true });
  }
  const leaves: Leaf[] = [];
  const walk = (d: Domain, path: Step[]) => {
    if (d.kind === "record") {
      for (const [name, f] of Object.entries(d.fields)) walk(f, [...path, { field: name }]);
    } else if (d.kind === "array") {
      const scalars = d.element.kind !== "array" && d.element.kind !== "record";
      for (let i = 0; i < d.length; i++) walk(d.element, [...path, { index: i, scalars }]);
    } else {
      leaves.push({ path, domain: d, values: [zeroOf(d)] });
    }
  };
  for (const [name, d] of Object.entries(fields)) walk(d, [{ field: name }]);
  if (leaves.length > 40) return undefined;

  const randomValue = (d: ScalarDomain): Value => {
    if (d.kind === "bool") return rng() < 0.5;
    if (d.kind === "enum") return pick(d.values);
    return pick([d.min, d.min + 1, d.max, d.max - 1, d.min + below(Math.min(d.max - d.min + 1, 1000))]);
  };
  const active: Leaf[] = [];
  const activate = (leaf: Leaf) => {
    if (active.includes(leaf)) return;
    active.push(leaf);
    for (let k = 0; k < 8 && leaf.values.length < 3; k++) {
      const v = randomValue(leaf.domain);
      if (!leaf.values.includes(v)) leaf.values.push(v);
    }
  };
  const sameExcept = (a: Leaf, b: Leaf, at: number) =>
    a.path.length === b.path.length &&
    a.path.every((s, i) => i === at || JSON.stringify(s) === JSON.stringify(b.path[i]));
  for (let k = 2 + below(4); k > 0; k--) activate(pick(leaves));

  // Actions: each writes one or two active leaves; a parameter picks an array element or a value.
  const actionNames = distinctNames(2 + below(4), names.filter((n) => identifier.test(n)));
  interface Write {
    readonly leaves: Leaf[]; // indexed by the parameter, when `param` is set
    readonly param: boolean;
    readonly constant: number; // -1: cycle through the leaf's values
  }
  const specs = actionNames.map((name) => {
    const writes: Write[] = [];
    let paramLength = 0;
    for (let k = 1 + below(2); k > 0; k--) {
      const leaf = pick(active);
      const arrayAt = leaf.path.findIndex((s) => "index" in s);
      if (arrayAt >= 0 && paramLength === 0 && rng() < 0.5) {
        const siblings = leaves.filter((l) => sameExcept(l, leaf, arrayAt))
          .sort((x, y) =>
            (x.path[arrayAt] as { index: number }).index - (y.path[arrayAt] as { index: number }).index
          );
        siblings.forEach(activate);
        paramLength = siblings.length;
        writes.push({ leaves: siblings, param: true, constant: -1 });
      } else {
        writes.push({ leaves: [leaf], param: false, constant: rng() < 0.2 ? 1 + below(2) : -1 });
      }
    }
    const flag = paramLength === 0 && rng() < 0.3; // a bool parameter: step one or two values
    return { name, writes, paramLength, flag, guard: rng() < 0.3 ? undefined : likely() };
  });
  function atom(): (view: unknown) => boolean {
    const leaf = pick(active);
    const value = pick(leaf.values);
    const r = rng();
    const last = leaf.path[leaf.path.length - 1]!;
    if ("index" in last && r < 0.2) {
      // Through the array view's own methods.
      return (view) => (parent(view, leaf.path) as { includes(v: Value): boolean }).includes(value);
    }
    if ("index" in last && r < 0.3) {
      return (view) =>
        (parent(view, leaf.path) as { some(f: (v: Value) => boolean): boolean }).some((v) => v === value);
    }
    return (view) => read(view, leaf.path) === value;
  }
  function predicate(): (view: unknown) => boolean {
    const a = atom(), b = atom();
    switch (below(4)) {
      case 0:
        return a;
      case 1:
        return (s) => !a(s);
      case 2:
        return (s) => a(s) && !b(s);
      default:
        return (s) => a(s) || b(s);
    }
  }

  /** A predicate that holds in most states: guards and boundaries that rarely hold make tiny models. */
  function likely(): (view: unknown) => boolean {
    const a = predicate(), b = predicate();
    return rng() < 0.5 ? (s) => !(a(s) && b(s)) : (s) => a(s) || !b(s);
  }

  let product = 1;
  for (const leaf of active) product *= leaf.values.length;
  if (product > 4000) return undefined;

  const step = (leaf: Leaf, view: unknown, by: number, constant: number) => {
    const values = leaf.values;
    const next = constant >= 0
      ? values[constant % values.length]!
      : values[(values.indexOf(read(view, leaf.path)) + by) % values.length]!;
    write(view, leaf.path, next);
  };
  const inits: ((state: unknown) => void)[] = Array.from({ length: 1 + below(2) }, (_, k) => {
    const sets = k === 0
      ? []
      : active.filter(() => rng() < 0.5).map((leaf) => ({ leaf, value: pick(leaf.values) }));
    return (state: unknown) => sets.forEach(({ leaf, value }) => write(state, leaf.path, value));
  });
  const propertyNames = distinctNames(
    1 + below(3),
    names.filter((n) => identifier.test(n) && n !== "deadlock"),
  );
  const propertyKinds = propertyNames.map(() =>
    pick(["always", "always", "sometimes", "transition"] as const)
  );
  const propertyPredicates = propertyKinds.map(() => [predicate(), predicate()] as const);
  const terminal = rng() < 0.3 ? predicate() : undefined;
  const withinBoundary = rng() < 0.2 ? likely() : undefined;

  return {
    fields,
    inits,
    actions: (kit) =>
      specs.map((spec) => {
        const params: Record<string, ScalarDomain> = {};
        if (spec.paramLength > 0) params.k = range(spec.paramLength);
        if (spec.flag) params.twice = bool;
        return kit.action(spec.name, {
          params,
          ...(spec.guard ? { guard: (s: unknown) => spec.guard!(s) } : {}),
          effect: (next: unknown, p: Record<string, Value>) => {
            for (const w of spec.writes) {
              const leaf = w.param ? w.leaves[p.k as number]! : w.leaves[0]!;
              step(leaf, next, p.twice === true ? 2 : 1, w.constant);
            }
          },
        }) as unknown as ActionSpec<Fields, ActionParamDomains>;
      }),
    properties: (kit) =>
      propertyNames.map((name, i) => {
        const [a, b] = propertyPredicates[i]!;
        switch (propertyKinds[i]!) {
          case "always":
            return kit.always(name, (s) => !(a(s) && b(s)));
          case "sometimes":
            return kit.sometimes(name, (s) => a(s) && b(s));
          case "transition":
            return kit.transition(
              name,
              (before: unknown, action: ActionLabel, after: unknown) =>
                action.name !== actionNames[0] || !(a(before) && b(after)),
            );
        }
      }),
    terminal,
    withinBoundary,
    summary: JSON.stringify(fields),
  };
}

/**
 * The random model of parameter `seed`, with names from `nameList(names)`.
 *
 * @example
 * ```ts
 * import { randomModel } from "./random_model.ts";
 * import { checkSync } from "../check/check.ts";
 * console.assert(checkSync(randomModel, { params: { seed: 3 } }).distinctStates > 0);
 * ```
 */
export const randomModel = defineModel({
  name: "random",
  description: "A random small model, for differential tests.",
  params: {
    seed: intParam({ min: 0, max: 2 ** 31 - 1, default: 1, description: "which model" }),
    names: intParam({
      min: 0,
      max: 1000,
      default: 0,
      description: "0: plain names, 1: hostile names (nameList)",
    }),
  },
  state: (p) => generate(p.seed, p.names).fields,
  init: [0, 1].map((k) => (s: unknown, p: { seed: number; names: number }) => {
    const inits = generate(p.seed, p.names).inits;
    inits[Math.min(k, inits.length - 1)]!(s);
  }),
  actions: (p, kit) => generate(p.seed, p.names).actions(kit as unknown as ModelKit<Fields>),
  properties: (p, kit) => generate(p.seed, p.names).properties(kit as unknown as ModelKit<Fields>),
  terminal: (s, p) => generate(p.seed, p.names).terminal?.(s) ?? false,
  withinBoundary: (s, p) => generate(p.seed, p.names).withinBoundary?.(s) ?? true,
});
