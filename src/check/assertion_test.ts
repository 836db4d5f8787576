import assert from "node:assert/strict";
import { checkInstanceParallel, checkSync } from "./check.ts";
import { runGate } from "./gate_runner.ts";
import { libraryOf } from "../testdata/library.ts";
import { gate } from "./gate.ts";
import { bool, defineModel } from "../../mod.ts";
import { instantiate, type Model } from "../model/model.ts";
import { exploreNaively } from "../crosscheck/naive_explorer.ts";
import { assert as assertIn, assertion } from "../model/properties.ts";
import { toItf } from "../trace/trace_itf.ts";
import { formatTraceText } from "../trace/trace_text.ts";
import { freeList, symmetricFreeList, undeclaredAssertion } from "../testdata/trace_models.ts";
import { TracedError } from "../trace/failure_site.ts";

const file = new URL("../testdata/trace_models.ts", import.meta.url).href;
const named = (r: ReturnType<typeof checkSync>, name: string) => r.properties.find((p) => p.name === name)!;

Deno.test("an assertion failed in an effect is a violation with a shortest counterexample ending in that action", () => {
  const r = checkSync(freeList);
  const p = named(r, "no_double_free");
  assert.equal(p.kind, "assertion");
  assert.equal(p.status, "violated");
  assert.equal(p.traceLength, 1);
  assert.equal(p.trace!.states.length, 1);
  assert.deepEqual(p.trace!.failing!.action, { name: "free", params: { page: 0 } });
  assert.equal(r.verdict, "violated");
  // The failing action makes no state and is no transition: alloc(0), alloc(1) from each state only.
  assert.equal(named(r, "both_allocated").status, "witnessed");
  const naive = exploreNaively(instantiate(freeList as never));
  assert.equal(r.complete, true);
  assert.equal(r.distinctStates, naive.distinctStates);
  assert.equal(r.transitions, naive.transitions);
  assert.deepEqual(naive.properties.no_double_free, { status: "violated", traceLength: 1 });
});

Deno.test("an assertion that never fails holds", () => {
  const guarded = defineModel({
    name: "guarded_free",
    params: {},
    state: () => ({ allocated: bool }),
    init: () => {},
    actions: (_p, { action, assert }) => [
      action("alloc", { guard: (s) => !s.allocated, effect: (s) => void (s.allocated = true) }),
      action("free", {
        guard: (s) => s.allocated,
        effect: (s) => void (assert(s.allocated, "no_double_free"), s.allocated = false),
      }),
    ],
    properties: (_p, { assertion }) => [assertion("no_double_free")],
  });
  const r = checkSync(guarded);
  assert.equal(named(r, "no_double_free").status, "holds");
  assert.equal(r.verdict, "holds");
  assert.equal(exploreNaively(instantiate(guarded as never)).properties.no_double_free!.status, "holds");
});

Deno.test("assertions agree in exact mode, with 2 and 3 workers, and under symmetry", async () => {
  const one = checkSync(freeList);
  const exact = checkSync(freeList, { exact: true });
  assert.deepEqual(named(exact, "no_double_free").trace, named(one, "no_double_free").trace);
  for (const workers of [2, 3]) {
    const many = await checkInstanceParallel(instantiate(freeList as never), {
      module: file,
      exportName: "freeList",
    }, workers);
    assert.deepEqual(many.properties, one.properties);
    assert.equal(many.distinctStates, one.distinctStates);
  }
  const sym = checkSync(symmetricFreeList);
  const p = named(sym, "no_double_free");
  assert.equal(p.status, "violated");
  assert.equal(p.traceLength, 3);
  assert.deepEqual(p.trace!.actions.map((a) => a.name), ["alloc", "free"]);
  assert.equal(p.trace!.failing!.action.name, "free");
  const symWorkers = await checkInstanceParallel(
    instantiate(symmetricFreeList as never),
    { module: file, exportName: "symmetricFreeList" },
    2,
  );
  assert.deepEqual(symWorkers.properties, sym.properties);
  assert.deepEqual(named(checkSync(symmetricFreeList, { exact: true }), "no_double_free").trace, p.trace);
});

Deno.test("an assertion the model does not declare is a model error naming it", () => {
  assert.throws(() => checkSync(undeclaredAssertion), (error: unknown) => {
    assert.ok(error instanceof TracedError);
    assert.match(
      error.message,
      /action inc at depth 1: its effect failed assertion "typo", which the model does not declare/,
    );
    assert.equal(error.trace!.actions.length, 1);
    return true;
  });
});

Deno.test("assert() refuses a condition that is not a boolean; assertion() checks its name", () => {
  assert.throws(() => assertIn(1 as unknown as boolean, "x"), /expects a boolean condition but found number/);
  assert.throws(() => assertion("bad name"), /Expected a property name/);
  assert.throws(() => assertion("deadlock"), /reserved/);
});

Deno.test("text and ITF traces show the failing action after the last state", () => {
  const trace = named(checkSync(freeList), "no_double_free").trace!;
  const text = formatTraceText(trace, "Assertion no_double_free fails in the effect of the last action.");
  assert.match(text, /\(1 steps\)/);
  assert.match(text, /State 2: <free\(page=0\)>\n\(no state: its effect failed assertion no_double_free\)/);
  const itf = toItf(trace);
  assert.equal(itf.states.length, 1);
  assert.deepEqual(JSON.parse(itf["#meta"].failing!), {
    action: { name: "free", params: { page: 0 } },
    reason: "its effect failed assertion no_double_free",
  });
});

Deno.test("a gate expects an assertion like any property", async () => {
  const models = new Map([["free_list", freeList as unknown as Model]]);
  const met = await runGate(
    gate({
      name: "free_list_double_free",
      model: "free_list",
      params: {},
      expect: { no_double_free: { violated: 1 }, both_allocated: "witnessed", freed_bounded: "holds" },
      minStates: 4,
      why: "freeing a page that is not allocated is caught inside the effect",
    }),
    libraryOf(models),
  );
  assert.deepEqual(met.problems, []);
  const missed = await runGate(
    gate({
      name: "free_list_claims_safe",
      model: "free_list",
      params: {},
      expect: { no_double_free: "holds", both_allocated: "witnessed", freed_bounded: "holds" },
      minStates: 4,
      why: "a gate that expects the assertion to hold must miss",
    }),
    libraryOf(models),
  );
  assert.deepEqual(missed.problems, ["property no_double_free is violated in 1 steps, expected holds"]);
});
