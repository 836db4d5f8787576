import assert from "node:assert/strict";
import { arrayOf, bool, defineModel, elementOf, indexSet, int } from "../../mod.ts";
import { checkInstance } from "../check/check.ts";
import { instantiate } from "../model/model.ts";
import { search, type SearchOutcome } from "../search/search.ts";
import { rebuildTrace, ReplayError } from "./trace.ts";

/**
 * A model whose behaviour a switch changes after the search: the search's findings are then replayed
 * against a model that no longer makes them, as a nondeterministic model would. Each switch breaks
 * one thing the validation checks.
 */
function switchable() {
  const broken = {
    effect: false,
    guard: false,
    invariant: false,
    witness: false,
    transition: false,
    deadlock: false,
    assertion: false,
    writes: false,
  };
  const model = defineModel({
    name: "switchable",
    params: {},
    state: () => ({ n: int(0, 4), flag: bool }),
    init: () => {},
    actions: (_p, { action, assert }) => [
      action("inc", {
        guard: (s) => {
          if (broken.writes) (s as { flag: boolean }).flag = true;
          return s.n < 4 && !(broken.guard && s.n === 1);
        },
        effect: (s) => {
          if (broken.effect && s.n === 1) s.flag = true;
          s.n = s.n + 1;
        },
      }),
      action("set", {
        guard: (s) => s.n === 3 && !s.flag,
        effect: (s) => {
          assert(broken.assertion, "never_set");
          s.flag = true;
        },
      }),
      action("unstick", { guard: (s) => broken.deadlock && s.n === 4, effect: () => {} }),
    ],
    properties: (_p, { always, sometimes, transition, assertion }) => [
      always("below_three", (s) => s.n < 3 || broken.invariant),
      sometimes("reaches_two", (s) => s.n === 2 && !broken.witness),
      transition("no_inc_to_two", (_b, a, after) => a.name !== "inc" || after.n !== 2 || broken.transition),
      assertion("never_set"),
    ],
  });
  return { model, broken };
}

function searched() {
  const { model, broken } = switchable();
  const instance = instantiate(model as never);
  const outcome = search(instance);
  const finding = (name: string) => {
    // Deadlock is one of the instance's properties, like the declared ones.
    return outcome.findings[instance.properties.findIndex((p) => p.name === name)]!;
  };
  return { instance, outcome, broken, finding };
}

const rebuild = (s: ReturnType<typeof searched>, name: string) =>
  rebuildTrace(s.instance, s.outcome as SearchOutcome, s.finding(name));

Deno.test("rebuildTrace() returns every kind of finding's trace when the model is deterministic", () => {
  const s = searched();
  assert.deepEqual(rebuild(s, "below_three").states.map((x) => x.n), [0, 1, 2, 3]);
  assert.deepEqual(rebuild(s, "reaches_two").states.map((x) => x.n), [0, 1, 2]);
  assert.deepEqual(rebuild(s, "no_inc_to_two").actions.map((a) => a.name), ["inc", "inc"]);
  const set = rebuild(s, "never_set");
  assert.equal(set.states.length, 4);
  assert.deepEqual(set.failing?.action, { name: "set", params: {} });
  assert.match(set.failing!.reason, /failed assertion never_set/);
  assert.deepEqual(rebuild(s, "deadlock").states.map((x) => x.n), [0, 1, 2, 3, 4]);
});

/** Asserts that rebuilding `name`'s trace fails at `step` with a message matching `pattern`. */
function refused(s: ReturnType<typeof searched>, name: string, step: number, pattern: RegExp) {
  assert.throws(() => rebuild(s, name), (error: unknown) => {
    assert.ok(error instanceof ReplayError, String(error));
    assert.equal(error.step, step, error.message);
    assert.match(error.message, pattern);
    assert.match(error.message, /^Model switchable: replaying /);
    assert.match(error.message, /The trace is not shown: it would not be a counterexample/);
    return true;
  });
}

Deno.test("rebuildTrace() refuses a run whose state the search never stored, naming the step", () => {
  const s = searched();
  s.broken.effect = true;
  refused(
    s,
    "below_three",
    2,
    /step 2 \(inc\) leads to \{"n":2,"flag":true\}, a state the search never stored/,
  );
});

Deno.test("rebuildTrace() refuses a run whose action is not enabled any more", () => {
  const s = searched();
  s.broken.guard = true;
  refused(s, "below_three", 2, /action inc, which the search took at step 2, is not enabled there now/);
});

Deno.test("rebuildTrace() refuses an invariant that holds at the last state", () => {
  const s = searched();
  s.broken.invariant = true;
  refused(
    s,
    "below_three",
    3,
    /counterexample of invariant below_three, below_three holds at its last state/,
  );
});

Deno.test("rebuildTrace() refuses a witness that does not hold at its last state", () => {
  const s = searched();
  s.broken.witness = true;
  refused(s, "reaches_two", 2, /witness of witness reaches_two, reaches_two does not hold at its last state/);
});

Deno.test("rebuildTrace() refuses a transition property that holds on the last step", () => {
  const s = searched();
  s.broken.transition = true;
  refused(s, "no_inc_to_two", 2, /no_inc_to_two holds on its last step \(inc at step 2\)/);
});

Deno.test("rebuildTrace() refuses a deadlock that is not one", () => {
  const s = searched();
  s.broken.deadlock = true;
  refused(s, "deadlock", 4, /its last state \(step 4\) is not a deadlock/);
});

Deno.test("rebuildTrace() refuses an assertion that the last action does not fail", () => {
  const s = searched();
  s.broken.assertion = true;
  refused(
    s,
    "never_set",
    4,
    /action set from its last state \(step 3\) does not fail assertion never_set now/,
  );
});

Deno.test("rebuildTrace() names a guard that writes the state", () => {
  const s = searched();
  s.broken.writes = true;
  assert.throws(
    () => rebuild(s, "below_three"),
    /the guard of action inc wrote variable \w+, but guards, properties/,
  );
});

Deno.test("rebuildTrace() checks exact words in exact mode", () => {
  const { model, broken } = switchable();
  const instance = instantiate(model as never);
  const outcome = search(instance, { exact: true });
  broken.effect = true;
  const index = instance.properties.findIndex((p) => p.name === "below_three");
  assert.throws(() => rebuildTrace(instance, outcome, outcome.findings[index]!), /never stored/);
});

/** Slots used one at a time; a switch makes the property single out slot 0 after the search. */
function symmetricSwitchable() {
  const broken = { invariant: false };
  const slot = indexSet("slot", 3);
  const model = defineModel({
    name: "symmetric_switchable",
    params: {},
    state: () => ({ used: arrayOf(slot, bool) }),
    init: () => {},
    actions: (_p, { action }) => [
      action("use", {
        params: { slot: elementOf(slot) },
        guard: (s, { slot }) => !s.used.get(slot),
        effect: (s, { slot }) => s.used.set(slot, true),
      }),
    ],
    properties: (_p, { always }) => [
      always("fewer_than_two", (s) => s.used.count(true) < 2 || (broken.invariant && !s.used.get(2))),
    ],
    symmetry: ["slot"],
    deadlock: false,
  });
  return { model, broken };
}

Deno.test("rebuildTrace() under symmetry returns a concrete run and checks its last state", () => {
  const { model, broken } = symmetricSwitchable();
  const instance = instantiate(model as never);
  const outcome = search(instance);
  const trace = rebuildTrace(instance, outcome, outcome.findings[0]!);
  assert.deepEqual(trace.actions.map((a) => a.params.slot), [0, 1]);
  broken.invariant = true;
  assert.throws(
    () => rebuildTrace(instance, outcome, outcome.findings[0]!),
    /fewer_than_two holds at its last state .* not symmetric in slot/,
  );
});

Deno.test("checkSync() returns a validated trace for every violation and witness", () => {
  const { model } = switchable();
  const result = checkInstance(instantiate(model as never));
  for (const p of result.properties) {
    if (p.status === "violated" || p.status === "witnessed") {
      assert.ok(p.trace, p.name);
      assert.equal(p.trace.actions.length + (p.trace.failing ? 1 : 0), p.traceLength, p.name);
    }
  }
});
