import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import {
  arrayOf,
  bool,
  type Domain,
  elementOf,
  enumOf,
  type Fields,
  indexSet,
  recordOf,
  type Value,
} from "../state/domain.ts";
import { InputError } from "../errors.ts";
import { defineModel, instantiate, type Model, type ModelInstance, scalarValues } from "./model.ts";
import { boolParam, enumParam } from "./params.ts";
import { replayStates } from "../trace/replay.ts";
import { assignValue, createView, toValue } from "../state/state_view.ts";
import { checkSymmetry, permuteState, symmetricSets } from "./symmetry.ts";
import pageOwnership from "../../models/page_ownership.ts";

// deno-lint-ignore no-explicit-any
function inst(model: Model<any, any>, params: Record<string, unknown> = {}): ModelInstance {
  return instantiate(model as unknown as Model, params);
}

/** Deterministic pseudo-random numbers (xorshift32). */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function randomValue(domain: Domain, next: () => number): Value {
  switch (domain.kind) {
    case "array":
      return Array.from({ length: domain.length }, () => randomValue(domain.element, next));
    case "record":
      return Object.fromEntries(Object.entries(domain.fields).map(([k, d]) => [k, randomValue(d, next)]));
    default: {
      const values = scalarValues(domain);
      return values[Math.floor(next() * values.length)]!;
    }
  }
}

function allValues(domain: Domain): Value[] {
  switch (domain.kind) {
    case "array": {
      let out: Value[][] = [[]];
      for (let i = 0; i < domain.length; i++) {
        out = out.flatMap((prefix) => allValues(domain.element).map((v) => [...prefix, v]));
      }
      return out;
    }
    case "record": {
      let out: Record<string, Value>[] = [{}];
      for (const [k, d] of Object.entries(domain.fields)) {
        out = out.flatMap((prefix) => allValues(d).map((v) => ({ ...prefix, [k]: v })));
      }
      return out;
    }
    default:
      return scalarValues(domain);
  }
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])
  );
}

/** Every element of the product group of the instance's symmetric sets. */
function group(instance: ModelInstance): Record<string, number[]>[] {
  let out: Record<string, number[]>[] = [{}];
  for (const set of symmetricSets(instance)) {
    out = out.flatMap((g) => permutations(set.size).map((p) => ({ ...g, [set.name]: p })));
  }
  return out;
}

function pack(instance: ModelInstance, value: Value): Uint32Array {
  const words = new Uint32Array(instance.words);
  assignValue(createView(words, instance.shape), value);
  return words;
}

function canonical(instance: ModelInstance, words: Uint32Array): string {
  const copy = words.slice();
  instance.canonicalize!(copy);
  return copy.join(",");
}

/** An instance over `fields` with the given symmetric sets and no actions. */
function layoutOnly(fields: Fields, symmetry: string[]): ModelInstance {
  return inst(defineModel({
    name: "layout_only",
    params: {},
    state: () => fields,
    init: () => {},
    actions: () => [],
    symmetry,
    deadlock: false,
  }));
}

const page3 = indexSet("page", 3);
const cpu2 = indexSet("cpu", 2);
const layouts: [string, Fields, string[]][] = [
  // Sorting: arrays only, with a record element and a plain array inside.
  ["sorted rows", {
    pages: arrayOf(
      indexSet("page", 4),
      recordOf({ owner: enumOf("free", "guest", "shared"), maps: arrayOf(2, bool) }),
    ),
    flag: arrayOf(indexSet("page", 4), bool),
    phase: enumOf("a", "b"),
  }, ["page"]],
  // Exhaustive: values naming pages, and an array of cpus pointing at pages.
  ["pointers", {
    owner: arrayOf(page3, elementOf(cpu2, { none: true })),
    current: arrayOf(cpu2, elementOf(page3, { none: true })),
    dirty: arrayOf(page3, bool),
  }, ["page", "cpu"]],
  // One sorted set and one exhaustive set, side by side; and a matrix indexed twice by one set.
  ["mixed", {
    grant: arrayOf(indexSet("grant", 3), enumOf("none", "ro", "rw")),
    link: arrayOf(page3, arrayOf(page3, bool)),
    head: elementOf(page3),
  }, ["grant", "page"]],
];

Deno.test("canonical form is invariant under every permutation of the symmetric sets", () => {
  const next = random(42);
  for (const [name, fields, symmetry] of layouts) {
    const instance = layoutOnly(fields, symmetry);
    const elements = group(instance);
    for (let trial = 0; trial < 60; trial++) {
      const words = pack(instance, randomValue(instance.domain, next));
      const form = canonical(instance, words);
      // The canonical form is itself a state of the orbit, and a fixed point.
      const rep = words.slice();
      instance.canonicalize!(rep);
      assert.equal(canonical(instance, rep), form, name);
      assert.ok(elements.some((g) => permuteState(instance, words, g).join(",") === form), name);
      for (const g of elements) {
        assert.equal(canonical(instance, permuteState(instance, words, g)), form, name);
      }
    }
  }
});

Deno.test("two states have the same canonical form iff a permutation maps one onto the other", () => {
  for (const [name, fields, symmetry] of layouts) {
    const instance = layoutOnly(fields, symmetry);
    const all = allValues(instance.domain);
    if (all.length > 5000) continue; // the sorted-rows layout is covered by the invariance test
    const elements = group(instance);
    const orbitOf = new Map<string, number>();
    let orbits = 0;
    for (const value of all) {
      const words = pack(instance, value);
      if (orbitOf.has(words.join(","))) continue;
      for (const g of elements) orbitOf.set(permuteState(instance, words, g).join(","), orbits);
      orbits++;
    }
    const formOf = new Map<string, number>();
    for (const value of all) {
      const words = pack(instance, value);
      const form = canonical(instance, words);
      const orbit = orbitOf.get(words.join(","))!;
      if (!formOf.has(form)) formOf.set(form, orbit);
      assert.equal(formOf.get(form), orbit, `${name}: one canonical form for two orbits`);
    }
    assert.equal(formOf.size, orbits, `${name}: one orbit with two canonical forms`);
  }
  // The sorted-rows layout at a size where every state can be enumerated.
  const small = layoutOnly({
    pages: arrayOf(indexSet("page", 3), recordOf({ owner: enumOf("free", "guest"), maps: arrayOf(2, bool) })),
    phase: enumOf("a", "b"),
  }, ["page"]);
  const forms = new Set(allValues(small.domain).map((v) => canonical(small, pack(small, v))));
  // Multisets of 3 rows out of 8 row values, times 2 phases: C(10, 3) * 2.
  assert.equal(forms.size, 120 * 2);
});

Deno.test("page_ownership with symmetric pages has 2*C(N+3,3) + 2*C(N+2,2) orbits, as Rumur counts", () => {
  const binomial = (n: number, k: number) => {
    let r = 1;
    for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
    return r;
  };
  // Rumur 2022.08.20, pages as a scalarset, --symmetry-reduction=exhaustive: 60, 100, 154, 224 (N=3..6).
  const pinned = [14, 32, 60, 100, 154, 224, 312, 420];
  for (let pages = 1; pages <= 8; pages++) {
    const r = checkSync(pageOwnership, { params: { pages, fixed: true, symmetry: true } });
    assert.equal(r.distinctStates, 2 * binomial(pages + 3, 3) + 2 * binomial(pages + 2, 2), `pages=${pages}`);
    assert.equal(r.distinctStates, pinned[pages - 1]);
    assert.equal(r.verdict, "holds");
    assert.deepEqual(r.unfiredActions, []);
  }
  const plain = checkSync(pageOwnership, { params: { pages: 3, fixed: true } });
  assert.equal(plain.distinctStates, 2 * 4 ** 3 + 2 * 3 ** 3);
});

/** vCPUs take pages and point at one of theirs; both sets are symmetric (when `symmetry`). */
const pointers = defineModel({
  name: "sym_pointers",
  params: {
    symmetry: boolParam({ default: true, description: "declare cpus and pages symmetric" }),
    bug: enumParam({
      values: ["none", "release_current", "select_unowned"],
      default: "none",
      description: "",
    }),
  },
  state: () => ({
    owner: arrayOf(indexSet("page", 3), elementOf(indexSet("cpu", 2), { none: true })),
    current: arrayOf(indexSet("cpu", 2), elementOf(indexSet("page", 3), { none: true })),
    dirty: arrayOf(indexSet("page", 3), bool),
  }),
  init: (s) => {
    s.owner.fill(-1);
    s.current.fill(-1);
  },
  actions: (p, { action }) => {
    const cpu = elementOf(indexSet("cpu", 2)), page = elementOf(indexSet("page", 3));
    return [
      action("take", {
        params: { cpu, page },
        guard: (s, a) => s.owner.get(a.page) === -1,
        effect: (s, a) => s.owner.set(a.page, a.cpu),
      }),
      action("select", {
        params: { cpu, page },
        guard: (s, a) =>
          (p.bug === "select_unowned" || s.owner.get(a.page) === a.cpu) && s.current.get(a.cpu) === -1,
        effect: (s, a) => s.current.set(a.cpu, a.page),
      }),
      action("write", {
        params: { cpu },
        guard: (s, a) => s.current.get(a.cpu) >= 0,
        effect: (s, a) => s.dirty.set(s.current.get(a.cpu), true),
      }),
      action("deselect", {
        params: { cpu },
        guard: (s, a) => s.current.get(a.cpu) >= 0,
        effect: (s, a) => s.current.set(a.cpu, -1),
      }),
      action("release", {
        params: { cpu, page },
        guard: (s, a) =>
          s.owner.get(a.page) === a.cpu && (p.bug === "release_current" || s.current.get(a.cpu) !== a.page),
        effect: (s, a) => {
          s.owner.set(a.page, -1);
          s.dirty.set(a.page, false);
        },
      }),
    ];
  },
  properties: (_p, { always, sometimes, transition }) => [
    always("current_is_owned", (s) => s.current.every((page, c) => page < 0 || s.owner.get(page) === c)),
    sometimes("two_dirty", (s) => s.dirty.count(true) === 2),
    transition(
      "select_owned",
      (before, a) => a.name !== "select" || before.owner.get(a.params.page as number) === a.params.cpu,
    ),
  ],
  symmetry: (p) => p.symmetry ? ["cpu", "page"] : [],
  deadlock: false,
});

/** Every reachable state, packed, by a plain breadth-first walk. */
function reachable(instance: ModelInstance): Uint32Array[] {
  const seen = new Map<string, Uint32Array>();
  const queue: Uint32Array[] = [];
  const words = new Uint32Array(instance.words), before = new Uint32Array(instance.words);
  const view = createView(words, instance.shape), beforeView = createView(before, instance.shape);
  const add = () => {
    const key = words.join(",");
    if (!seen.has(key)) {
      seen.set(key, words.slice());
      queue.push(words.slice());
    }
  };
  for (const init of instance.inits) {
    words.fill(0);
    init(view, instance.params);
    add();
  }
  for (let i = 0; i < queue.length; i++) {
    for (const act of instance.actions) {
      before.set(queue[i]!);
      if (act.guard && !act.guard(beforeView, act.label.params)) continue;
      words.set(before);
      act.effect(view, act.label.params);
      add();
    }
  }
  return [...seen.values()];
}

Deno.test("elementOf values and two independent sets: orbit count equals brute-force orbits", () => {
  const instance = inst(pointers);
  const elements = group(instance);
  const states = reachable(inst(pointers, { symmetry: false }));
  const orbits = new Set(
    states.map((w) => elements.map((g) => permuteState(instance, w, g).join(",")).sort()[0]),
  );
  const reduced = checkSync(pointers);
  const plain = checkSync(pointers, { params: { symmetry: false } });
  assert.equal(plain.distinctStates, states.length);
  assert.equal(reduced.distinctStates, orbits.size);
  assert.ok(reduced.distinctStates < plain.distinctStates);
  assert.equal(reduced.verdict, "holds");
  assert.deepEqual(reduced.properties.map((p) => p.status), ["holds", "witnessed", "holds"]);
  assert.deepEqual(checkSymmetry(instance), []);
});

/** Checks that every trace of a result is a run of the model and as long as without symmetry. */
function assertConcreteTraces(
  model: typeof pointers | typeof pageOwnership,
  params: Record<string, unknown>,
) {
  const reduced = checkSync(model as typeof pointers, { params: { ...params, symmetry: true } });
  const plain = checkSync(model as typeof pointers, { params: { ...params, symmetry: false } });
  const instance = inst(model as typeof pointers, { ...params, symmetry: true });
  let traces = 0;
  reduced.properties.forEach((p, i) => {
    assert.equal(p.status, plain.properties[i]!.status, p.name);
    assert.equal(p.traceLength, plain.properties[i]!.traceLength, p.name);
    if (!p.trace) return;
    traces++;
    assert.equal(p.trace.actions.length, plain.properties[i]!.trace!.actions.length, p.name);
    const replayed = replayStates(instance, p.trace.states as Record<string, Value>[], p.trace.actions);
    assert.ok(replayed.ok, `${p.name}: ${JSON.stringify(replayed)}`);
    const without = replayStates(instance, p.trace.states as Record<string, Value>[]);
    assert.ok(without.ok, p.name);
  });
  assert.ok(traces > 0);
  return reduced;
}

Deno.test("counterexamples under symmetry are concrete runs that replay, as short as without", () => {
  const po = assertConcreteTraces(pageOwnership, { pages: 3, fixed: false });
  assert.deepEqual(
    po.properties[0]!.trace!.actions.map((a) => [a.name, a.params.page]),
    [["alloc", 0], ["share", 0], ["kexec_start", undefined], ["kexec_complete", undefined]],
  );
  const released = assertConcreteTraces(pointers, { bug: "release_current" });
  assert.equal(released.properties.find((p) => p.name === "current_is_owned")!.status, "violated");
  const unowned = assertConcreteTraces(pointers, { bug: "select_unowned" });
  const select = unowned.properties.find((p) => p.name === "select_owned")!;
  assert.equal(select.status, "violated");
  // The last step is a real violation: select of a page the cpu does not own.
  const last = select.trace!.actions.at(-1)!;
  const before = select.trace!.states.at(-2)! as { owner: number[] };
  assert.equal(last.name, "select");
  assert.notEqual(before.owner[last.params.page as number], last.params.cpu);
  // The witness of two_dirty is a concrete run too.
  assert.equal(unowned.properties.find((p) => p.name === "two_dirty")!.status, "witnessed");
});

Deno.test("checkSymmetry warns when a property, the initial state or an action singles out a page", () => {
  const symmetric = inst(pageOwnership, { pages: 3, symmetry: true });
  assert.deepEqual(checkSymmetry(symmetric), []);
  const spec = pageOwnership.spec;
  const asymmetricProperty = defineModel({
    ...spec,
    name: "page_ownership_page0",
    properties: (_p, { always }) => [always("page0_never_shared", (s) => s.owner.get(0) !== "shared")],
  });
  const warnings = checkSymmetry(inst(asymmetricProperty, { pages: 3, symmetry: true }));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /page0_never_shared .*unsound/);
  const asymmetricInit = defineModel({
    ...spec,
    name: "page_ownership_init",
    init: (s) => s.owner.set(0, "guest"),
  });
  assert.match(
    checkSymmetry(inst(asymmetricInit, { pages: 3, symmetry: true })).join("\n"),
    /initial states/,
  );
  // An action that singles out page 0.
  const asymmetricAction = defineModel({
    ...spec,
    name: "page_ownership_action",
    actions: (p, kit) => [
      ...spec.actions(p, kit),
      kit.action("pin_first", {
        guard: (s) => s.owner.get(0) === "shared",
        effect: (s) => s.owner.set(0, "free"),
      }),
    ],
  });
  assert.match(
    checkSymmetry(inst(asymmetricAction, { pages: 3, symmetry: true })).join("\n"),
    /pin_first/,
  );
  // Transition properties: symmetric with elementOf parameters, not when they single out an element.
  assert.deepEqual(checkSymmetry(inst(pointers)), []);
  const firstCpu = defineModel({
    ...pointers.spec,
    name: "sym_pointers_cpu0",
    properties: (
      _p,
      { transition },
    ) => [transition("cpu0_never_selects", (_b, a) => a.name !== "select" || a.params.cpu !== 0)],
  });
  assert.match(checkSymmetry(inst(firstCpu)).join("\n"), /cpu0_never_selects/);
});

Deno.test("symmetry on a set no state variable uses is an input error", () => {
  assert.throws(
    () => layoutOnly({ flags: arrayOf(indexSet("page", 2), bool) }, ["vcpu"]),
    (e) => e instanceof InputError && /"vcpu"/.test(e.message),
  );
  assert.throws(
    () =>
      layoutOnly({ a: arrayOf(indexSet("page", 2), bool), b: arrayOf(indexSet("page", 3), bool) }, ["page"]),
    InputError,
  );
  // Beyond the exhaustive limit without the sorting form: refused with a clear message.
  assert.throws(
    () => layoutOnly({ a: arrayOf(indexSet("page", 8), bool), at: elementOf(indexSet("page", 8)) }, ["page"]),
    (e) => e instanceof InputError && /40320 permutations/.test(e.message),
  );
  // Sorting has no such limit.
  const wide = layoutOnly({ a: arrayOf(indexSet("page", 12), enumOf("x", "y", "z")) }, ["page"]);
  const words = pack(wide, { a: ["z", "x", "y", "x", "z", "z", "y", "x", "x", "y", "z", "x"] });
  wide.canonicalize!(words);
  assert.deepEqual(toValue(createView(words, wide.shape)), {
    a: ["x", "x", "x", "x", "x", "y", "y", "y", "z", "z", "z", "z"],
  });
});
