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
 * With liveness (`generate(seed, list, true)`, the models of `randomLivenessCase`), the same seed's model
 * also gets random `eventually` and `leadsTo` properties, a random fairness per action (its own weak or
 * strong, or none to take the model's) and a random model default, and no `withinBoundary`. Those draws
 * come after all the others, so the rest of the model is the one without liveness. Each model also
 * records its structure (`Generated.structure`): leaves, actions and predicates as data, from which
 * spin_liveness.ts writes a Promela twin.
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
  type ActionFairness,
  type ActionParamDomains,
  type ActionSpec,
  defineModel,
  type Model,
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

/**
 * A predicate as data: `any` holds when one of the leaves (by index in `RandomStructure.leaves`) has
 * the value (one leaf: an equality; an array's elements: its `includes` or `some`).
 */
export type Expr =
  | { readonly any: readonly number[]; readonly value: Value }
  | { readonly not: Expr }
  | { readonly and: readonly [Expr, Expr] }
  | { readonly or: readonly [Expr, Expr] };

/** A random model as data, for a twin in another language: what its closures do. */
export interface RandomStructure {
  /**
   * Every scalar of the state, in order: the values it takes in the model (the first is its zero), and
   * whether any action or initial state writes it (`active`; the others keep their zero).
   */
  readonly leaves: readonly {
    readonly path: string;
    readonly values: readonly Value[];
    readonly active: boolean;
  }[];
  /** Each initial state: the leaves set away from zero, in order. */
  readonly inits: readonly (readonly { readonly leaf: number; readonly value: Value }[])[];
  /**
   * The actions, in order. `k`: the length of the range parameter `k` (0: none); `twice`: a bool
   * parameter `twice` (steps by two). Each write moves a leaf (with `param`, the leaf at index `k`) to
   * the value `constant % values.length` when `constant >= 0`, else `by` (1, or 2 when twice) values on,
   * cyclically, in its value list.
   */
  readonly actions: readonly {
    readonly name: string;
    readonly k: number;
    readonly twice: boolean;
    readonly guard: Expr | undefined;
    readonly writes: readonly {
      readonly leaves: readonly number[];
      readonly param: boolean;
      readonly constant: number;
    }[];
    /** Its own fairness (liveness only). */
    readonly fair: ActionFairness | undefined;
  }[];
  readonly terminal: Expr | undefined;
  /** The liveness properties (liveness only). */
  readonly liveness: readonly (
    | { readonly name: string; readonly kind: "eventually"; readonly p: Expr }
    | { readonly name: string; readonly kind: "leadsTo"; readonly t: Expr; readonly r: Expr }
  )[];
  /** The model's default fairness (liveness only). */
  readonly fairness: ActionFairness | undefined;
}

/** What a seed generated: the state's fields and builders for the rest of the model. */
interface Generated {
  readonly fields: Fields;
  readonly inits: ((state: unknown) => void)[];
  /** The actions; `fair` maps each action's own fairness (liveness only; default: as generated). */
  readonly actions: (
    kit: ModelKit<Fields>,
    fair?: (f: ActionFairness | undefined) => ActionFairness | undefined,
  ) => ActionSpec<Fields, ActionParamDomains>[];
  readonly properties: (kit: ModelKit<Fields>) => Property<Fields>[];
  readonly terminal: ((state: unknown) => boolean) | undefined;
  readonly withinBoundary: ((state: unknown) => boolean) | undefined;
  /** A one-line description of the shape, for messages. */
  readonly summary: string;
  /** The model as data. */
  readonly structure: RandomStructure;
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

/** Generates the model of `seed` with names from `nameList(list)`, with liveness properties or not. */
export function generate(seed: number, list = 0, liveness = false): Generated {
  const key = `${seed}:${list}${liveness ? ":liveness" : ""}`;
  let generated = cache.get(key);
  if (!generated) {
    generated = generateUncached(seed, nameList(list), liveness);
    cache.set(key, generated);
  }
  return generated;
}

function generateUncached(seed: number, names: readonly string[], liveness: boolean): Generated {
  for (let attempt = 0;; attempt++) {
    const made = attemptModel(prng(seed * 7919 + attempt), names, liveness);
    if (made) return made;
  }
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function attemptModel(rng: () => number, names: readonly string[], liveness: boolean): Generated | undefined {
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

  // Each predicate's structure, by the predicate (the closures are the model; these say what they do).
  const exprs = new Map<unknown, Expr>();
  const tagged = <T>(f: T, e: Expr): T => {
    exprs.set(f, e);
    return f;
  };
  const expr = (f: unknown): Expr => exprs.get(f)!;
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
    const at = leaf.path.length - 1;
    const elements = { any: leaves.flatMap((l, i) => sameExcept(l, leaf, at) ? [i] : []), value };
    if ("index" in last && r < 0.2) {
      // Through the array view's own methods.
      return tagged(
        (view) => (parent(view, leaf.path) as { includes(v: Value): boolean }).includes(value),
        elements,
      );
    }
    if ("index" in last && r < 0.3) {
      return tagged(
        (view) =>
          (parent(view, leaf.path) as { some(f: (v: Value) => boolean): boolean }).some((v) => v === value),
        elements,
      );
    }
    return tagged((view) => read(view, leaf.path) === value, { any: [leaves.indexOf(leaf)], value });
  }
  function predicate(): (view: unknown) => boolean {
    const a = atom(), b = atom();
    switch (below(4)) {
      case 0:
        return a;
      case 1:
        return tagged((s) => !a(s), { not: expr(a) });
      case 2:
        return tagged((s) => a(s) && !b(s), { and: [expr(a), { not: expr(b) }] });
      default:
        return tagged((s) => a(s) || b(s), { or: [expr(a), expr(b)] });
    }
  }

  /** A predicate that holds in most states: guards and boundaries that rarely hold make tiny models. */
  function likely(): (view: unknown) => boolean {
    const a = predicate(), b = predicate();
    return rng() < 0.5
      ? tagged((s) => !(a(s) && b(s)), { not: { and: [expr(a), expr(b)] } })
      : tagged((s) => a(s) || !b(s), { or: [expr(a), { not: expr(b) }] });
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
  const initSets: { leaf: Leaf; value: Value }[][] = [];
  const inits: ((state: unknown) => void)[] = Array.from({ length: 1 + below(2) }, (_, k) => {
    const sets = k === 0
      ? []
      : active.filter(() => rng() < 0.5).map((leaf) => ({ leaf, value: pick(leaf.values) }));
    initSets.push(sets);
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

  // Liveness: drawn after everything else, so that the rest of the model is the same without it.
  const fairs: (ActionFairness | undefined)[] = specs.map(() => undefined);
  let fairness: ActionFairness | undefined;
  const livenessNames: string[] = [];
  const livenessKinds: ("eventually" | "leadsTo")[] = [];
  const livenessPredicates: (readonly [(view: unknown) => boolean, (view: unknown) => boolean])[] = [];
  if (liveness) {
    specs.forEach((_, i) => fairs[i] = pick([undefined, undefined, "weak", "strong"] as const));
    fairness = pick([undefined, "weak", "strong"] as const);
    livenessNames.push(...distinctNames(
      1 + below(2),
      names.filter((n) => identifier.test(n) && n !== "deadlock" && !propertyNames.includes(n)),
    ));
    for (const _ of livenessNames) {
      livenessKinds.push(pick(["eventually", "leadsTo"] as const));
      livenessPredicates.push([predicate(), predicate()]);
    }
  }
  const structure: RandomStructure = {
    leaves: leaves.map((l) => ({
      path: JSON.stringify(l.path),
      values: [...l.values],
      active: active.includes(l),
    })),
    inits: initSets.map((sets) => sets.map(({ leaf, value }) => ({ leaf: leaves.indexOf(leaf), value }))),
    actions: specs.map((spec, i) => ({
      name: spec.name,
      k: spec.paramLength,
      twice: spec.flag,
      guard: spec.guard ? expr(spec.guard) : undefined,
      writes: spec.writes.map((w) => ({
        leaves: w.leaves.map((l) => leaves.indexOf(l)),
        param: w.param,
        constant: w.constant,
      })),
      fair: fairs[i],
    })),
    terminal: terminal ? expr(terminal) : undefined,
    liveness: livenessNames.map((name, i) => {
      const [a, b] = livenessPredicates[i]!;
      return livenessKinds[i] === "eventually"
        ? { name, kind: "eventually", p: expr(a) }
        : { name, kind: "leadsTo", t: expr(a), r: expr(b) };
    }),
    fairness,
  };

  return {
    fields,
    inits,
    actions: (kit, fair = (f) => f) =>
      specs.map((spec, i) => {
        const params: Record<string, ScalarDomain> = {};
        if (spec.paramLength > 0) params.k = range(spec.paramLength);
        if (spec.flag) params.twice = bool;
        const own = fair(fairs[i]);
        return kit.action(spec.name, {
          params,
          ...(spec.guard ? { guard: (s: unknown) => spec.guard!(s) } : {}),
          effect: (next: unknown, p: Record<string, Value>) => {
            for (const w of spec.writes) {
              const leaf = w.param ? w.leaves[p.k as number]! : w.leaves[0]!;
              step(leaf, next, p.twice === true ? 2 : 1, w.constant);
            }
          },
          ...(own ? { fair: own } : {}),
        }) as unknown as ActionSpec<Fields, ActionParamDomains>;
      }),
    properties: (kit) => [
      ...propertyNames.map((name, i) => {
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
      ...livenessNames.map((name, i) => {
        const [a, b] = livenessPredicates[i]!;
        return livenessKinds[i] === "eventually" ? kit.eventually(name, a) : kit.leadsTo(name, a, b);
      }),
    ],
    terminal,
    withinBoundary: liveness ? undefined : withinBoundary,
    summary: JSON.stringify(fields),
    structure,
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

/**
 * How `randomLivenessCase` sets fairness: as generated; none at all; or strong replaced by weak (for
 * SPIN, whose fairness is weak only).
 */
export type FairnessMode = "generated" | "none" | "weak";

const fairnessModes: readonly FairnessMode[] = ["generated", "none", "weak"];

/** The random model with liveness whose own default fairness is `fairness` (see randomLivenessCase). */
function livenessModel(name: string, fairness: ActionFairness | undefined) {
  return defineModel({
    name,
    description: "A random small model with liveness properties and fairness, for cross-checks.",
    params: {
      seed: intParam({ min: 0, max: 2 ** 31 - 1, default: 1, description: "which model" }),
      names: intParam({ min: 0, max: 1000, default: 0, description: "0: plain names, 1: hostile names" }),
      fairness: intParam({ min: 0, max: 2, default: 0, description: "0: as generated, 1: none, 2: weak" }),
    },
    state: (p) => generate(p.seed, p.names, true).fields,
    init: [0, 1].map((k) => (s: unknown, p: { seed: number; names: number }) => {
      const inits = generate(p.seed, p.names, true).inits;
      inits[Math.min(k, inits.length - 1)]!(s);
    }),
    actions: (p, kit) =>
      generate(p.seed, p.names, true).actions(
        kit as unknown as ModelKit<Fields>,
        (f) => p.fairness === 1 ? undefined : p.fairness === 2 && f === "strong" ? "weak" : f,
      ),
    properties: (p, kit) => generate(p.seed, p.names, true).properties(kit as unknown as ModelKit<Fields>),
    terminal: (s, p) => generate(p.seed, p.names, true).terminal?.(s) ?? false,
    ...(fairness ? { fairness } : {}),
  });
}

/** The random model with liveness and no default fairness (see randomLivenessCase). */
export const randomLivenessModel = livenessModel("random_liveness", undefined);
/** The random model with liveness and weak fairness by default (see randomLivenessCase). */
export const randomLivenessModelWeak = livenessModel("random_liveness_weak", "weak");
/** The random model with liveness and strong fairness by default (see randomLivenessCase). */
export const randomLivenessModelStrong = livenessModel("random_liveness_strong", "strong");

/**
 * The random model with liveness of `seed` (see the module's doc), with fairness as `mode` says. A
 * model's default fairness is fixed in its spec, so the seed's generated default picks one of three
 * models; `exportName` names it for worker threads.
 *
 * @example
 * ```ts
 * import { randomLivenessCase } from "./random_model.ts";
 * import { instantiate } from "../model/model.ts";
 * const { model, params } = randomLivenessCase(3);
 * console.assert(instantiate(model, params).properties.some((p) => p.kind === "eventually" || p.kind === "leadsTo"));
 * ```
 */
export function randomLivenessCase(
  seed: number,
  names = 0,
  mode: FairnessMode = "generated",
): { model: Model; params: { seed: number; names: number; fairness: number }; exportName: string } {
  const generated = generate(seed, names, true).structure.fairness;
  const fairness = mode === "none"
    ? undefined
    : mode === "weak" && generated === "strong"
    ? "weak"
    : generated;
  const [model, exportName] = fairness === "weak"
    ? [randomLivenessModelWeak, "randomLivenessModelWeak"]
    : fairness === "strong"
    ? [randomLivenessModelStrong, "randomLivenessModelStrong"]
    : [randomLivenessModel, "randomLivenessModel"];
  return {
    model: model as unknown as Model,
    params: { seed, names, fairness: fairnessModes.indexOf(mode) },
    exportName,
  };
}
