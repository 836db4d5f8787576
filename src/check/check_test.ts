import assert from "node:assert/strict";
import { check, checkSync } from "./check.ts";
import { bool, defineModel } from "../../mod.ts";
import { InputError } from "../errors.ts";
import {
  composite,
  counter,
  falselySymmetric,
  humming,
  nondeterministic,
  outOfRange,
  throwingGuard,
} from "../testdata/test_models.ts";

const property = (r: ReturnType<typeof checkSync>, name: string) =>
  r.properties.find((p) => p.name === name)!;

Deno.test("checkSync() reports shortest counterexamples, witnesses and deadlocks", () => {
  const r = checkSync(counter, { params: { limit: 5 } });
  assert.equal(r.distinctStates, 6);
  assert.equal(r.transitions, 5);
  assert.equal(r.depth, 5);
  assert.equal(r.verdict, "violated");
  assert.deepEqual(
    r.properties.map((p) => [p.name, p.status, p.traceLength]),
    [
      ["below_limit", "violated", 5],
      ["reaches_two", "witnessed", 2],
      ["reaches_beyond", "not witnessed", undefined],
      ["never_wraps", "holds", undefined],
      ["deadlock", "violated", 5],
    ],
  );
  assert.deepEqual(property(r, "below_limit").trace!.states.map((s) => s.n), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(r.unfiredActions, ["wrap"]);
});

Deno.test("checkSync() treats terminal states as fine and checks transition properties", () => {
  const r = checkSync(counter, { params: { limit: 3, wrap: true } });
  assert.equal(property(r, "deadlock").status, "holds");
  const wraps = property(r, "never_wraps");
  assert.equal(wraps.status, "violated");
  assert.equal(wraps.traceLength, 4);
  assert.deepEqual(wraps.trace!.actions.map((a) => a.name), ["inc", "inc", "inc", "wrap"]);
  assert.equal(checkSync(counter, { params: { terminalAtLimit: true } }).properties.at(-1)!.status, "holds");
});

Deno.test("checkSync() never says holds when a limit cuts the search", () => {
  const limited = checkSync(counter, { params: { limit: 50, wrap: true }, maxStates: 10 });
  assert.equal(limited.limit, "max-states");
  assert.equal(limited.complete, false);
  assert.equal(property(limited, "never_wraps").status, "incomplete");
  assert.equal(property(limited, "reaches_beyond").status, "incomplete");
  const deep = checkSync(counter, { params: { limit: 50, wrap: true }, maxDepth: 10 });
  assert.equal(deep.limit, "max-depth");
  assert.equal(deep.distinctStates, 11);
  // A depth limit beyond the diameter is no limit.
  const enough = checkSync(counter, { params: { limit: 5, terminalAtLimit: true }, maxDepth: 5 });
  assert.equal(enough.limit, undefined);
  assert.equal(enough.complete, true);
});

Deno.test("checkSync() stops at the first violation when asked", () => {
  const r = checkSync(counter, { params: { limit: 40 }, stopOnViolation: true });
  assert.equal(r.verdict, "violated");
  assert.equal(r.complete, false);
  assert.ok(r.properties.some((p) => p.status === "incomplete"));
});

Deno.test("checkSync() counts the same in exact and fingerprint mode, with several initial states", () => {
  for (const cpus of [1, 2, 3]) {
    const fp = checkSync(composite, { params: { cpus } });
    const exact = checkSync(composite, { params: { cpus }, exact: true });
    assert.equal(fp.distinctStates, exact.distinctStates);
    assert.equal(fp.transitions, exact.transitions);
    assert.equal(fp.depth, exact.depth);
    assert.equal(exact.collisionProbability, 0);
    assert.ok(fp.collisionProbability > 0 && fp.collisionProbability < 1e-10);
    assert.equal(fp.verdict, "holds");
  }
});

Deno.test("checkSync() names the model, action, variable, value and depth of an out-of-domain write", () => {
  assert.throws(() => checkSync(outOfRange), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /Model out_of_range, action inc at depth 2, set a value outside its domain/);
    assert.match(error.message, /Expected n to be in int\(0, 2\) but found 3/);
    return true;
  });
});

Deno.test("checkSync() names the guard that threw", () => {
  assert.throws(
    () => checkSync(throwingGuard),
    /guard of action boom at depth 2, threw Error: guard exploded/,
  );
});

Deno.test("checkSync() rejects unknown and out-of-range parameters", () => {
  assert.throws(
    () => checkSync(counter, { params: { limt: 3 } }),
    /has no parameter "limt"; its parameters are limit/,
  );
  assert.throws(() => checkSync(counter, { params: { limit: 0 } }), /must be 1..100 but was given 0/);
  assert.throws(() => checkSync(counter, { params: { wrap: "yes" } }), /must be true\|false/);
});

Deno.test("checkSync() detects a nondeterministic model when rebuilding its trace", () => {
  assert.throws(() => checkSync(nondeterministic), /nondeterministic/);
});

Deno.test("checkSync() finds a deadlock where only background actions are enabled", () => {
  const r = checkSync(humming);
  const deadlock = property(r, "deadlock");
  assert.equal(deadlock.status, "violated");
  assert.deepEqual(deadlock.trace!.actions.map((a) => a.name), ["inc", "inc"]);
  assert.equal(r.actions.find((a) => a.name === "host_write")!.fired, 3);
});

Deno.test("checkSync() warns when a declared symmetry is not respected by a property", () => {
  const r = checkSync(falselySymmetric);
  assert.equal(r.distinctStates, 4); // orbits: how many slots are used
  assert.ok(r.warnings.some((w) => /slot_0_unused/.test(w)), r.warnings.join("\n"));
  assert.deepEqual(checkSync(counter).warnings, []);
});

Deno.test("check() with workers gives checkSync()'s result; a model its module does not export is refused", async () => {
  const one = checkSync(composite);
  const two = await check(composite, { workers: 2 });
  assert.equal(two.workers, 2);
  assert.deepEqual(
    [two.distinctStates, two.transitions, two.depth, two.properties.map((p) => [p.status, p.traceLength])],
    [one.distinctStates, one.transitions, one.depth, one.properties.map((p) => [p.status, p.traceLength])],
  );
  assert.equal(composite.origin, new URL("../testdata/test_models.ts", import.meta.url).href);
  const hidden = defineModel({
    name: "hidden",
    params: {},
    state: () => ({ b: bool }),
    init: () => {},
    actions: (_p, { action }) => [action("flip", { effect: (s) => void (s.b = !s.b) })],
  });
  assert.equal((await check(hidden)).distinctStates, 2);
  await assert.rejects(() => check(hidden, { workers: 2 }), /does not export it/);
  await assert.rejects(() => check(hidden, { workers: 0 }), /workers to be a whole number of at least 1/);
});
