import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import { bool, defineModel } from "../../mod.ts";
import { instantiate, type Model } from "../model/model.ts";
import { replayStates } from "./replay.ts";
import { freeList } from "../testdata/trace_models.ts";
import type { Value } from "../state/domain.ts";

const freeListInstance = () => instantiate(freeList as unknown as Model, {});

Deno.test("the failing action of an assertion's counterexample is run from the last state and fails it", () => {
  const p = checkSync(freeList).properties.find((q) => q.name === "no_double_free")!;
  const trace = p.trace!;
  const states = trace.states as Record<string, Value>[];
  const replayed = replayStates(freeListInstance(), states, trace.actions, trace.failing!.action);
  assert.equal(replayed.ok, true);
  if (!replayed.ok) return;
  assert.deepEqual(replayed.failing, {
    action: { name: "free", params: { page: 0 } },
    asserted: "no_double_free",
  });
  assert.deepEqual(
    replayed.properties.find((q) => q.name === "no_double_free"),
    { name: "no_double_free", kind: "assertion", status: "violated", at: states.length },
  );
  // Without the failing action the steps of the trace fail nothing.
  const without = replayStates(freeListInstance(), states, trace.actions);
  assert.equal(without.properties.find((q) => q.name === "no_double_free")!.status, "holds");
});

Deno.test("a failing action that completes, or that is not enabled in the last state, is reported", () => {
  const allocated = [{ allocated: [false, false], freed: 0 }, { allocated: [true, false], freed: 0 }];
  const alloc0 = { name: "alloc", params: { page: 0 } };
  const free0 = { name: "free", params: { page: 0 } };
  // free(page=0) of an allocated page completes: the trace shows no assertion failing.
  const completes = replayStates(freeListInstance(), allocated, [alloc0], free0);
  assert.equal(completes.ok, true);
  if (completes.ok) assert.deepEqual(completes.failing, { action: free0 });
  // alloc(page=0) is not enabled once page 0 is allocated.
  const blocked = replayStates(freeListInstance(), allocated, [alloc0], alloc0);
  assert.equal(blocked.ok, false);
  if (!blocked.ok) {
    assert.equal(blocked.step, 2);
    assert.match(
      blocked.reason,
      /Step 2: the failing action alloc\(page=0\) that the trace records is not enabled in state #1/,
    );
  }
});

Deno.test("an action whose effect fails an assertion makes no state: inferring a step passes it by", () => {
  const freeFirst = defineModel({
    name: "free_first",
    params: {},
    state: () => ({ allocated: bool }),
    init: () => {},
    actions: (_p, { action, assert }) => [
      action("free", { effect: (s) => void (assert(s.allocated, "no_double_free"), s.allocated = false) }),
      action("alloc", { guard: (s) => !s.allocated, effect: (s) => void (s.allocated = true) }),
    ],
    properties: (_p, { assertion }) => [assertion("no_double_free")],
  });
  const instance = instantiate(freeFirst as unknown as Model, {});
  const run = replayStates(instance, [{ allocated: false }, { allocated: true }]);
  assert.equal(run.ok, true);
  if (run.ok) assert.deepEqual(run.actions, [{ name: "alloc", params: {} }]);
  // Recorded as free, the step is not one the model can take, and the reason says why.
  const recorded = replayStates(instance, [{ allocated: false }, { allocated: false }], [{
    name: "free",
    params: {},
  }]);
  assert.equal(recorded.ok, false);
  if (!recorded.ok) assert.match(recorded.reason, /action free fails assertion no_double_free in state #0/);
});
