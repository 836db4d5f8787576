import assert from "node:assert/strict";
import { checkSync } from "../../mod.ts";
import { formatAction } from "../../src/model/properties.ts";
import model, { cpuhp } from "./cpuhp.ts";

const run = (params: Record<string, unknown>) => checkSync(model, { params });

Deno.test("cpuhp_demo pins its state counts and holds when teardown mirrors startup", () => {
  const counts: [Record<string, unknown>, number][] = [
    [{}, 108],
    [{ boot: false }, 36],
    [{ cpus: 4, callbacks: 3 }, 2048],
    [{ cpus: 1, callbacks: 2 }, 3],
  ];
  for (const [params, n] of counts) {
    const r = run(params);
    assert.equal(r.distinctStates, n, JSON.stringify(params));
    assert.equal(r.verdict, params.cpus === 1 ? "violated" : "holds", JSON.stringify(params));
  }
  // One CPU: CPU0 never goes down, so no secondary ever cycles.
  assert.equal(
    run({ cpus: 1, callbacks: 2 }).properties.find((p) => p.name === "secondary_cycles")!.status,
    "not witnessed",
  );
});

Deno.test("cpuhp_demo leaky_teardown: the registration outlives the offline", () => {
  const r = run({ variant: "leaky_teardown" });
  assert.equal(r.distinctStates, 192);
  const p = r.properties.find((p) => p.name === "registrations_match_state")!;
  assert.equal(p.status, "violated");
  assert.deepEqual(p.trace!.actions.map(formatAction), [
    "cpuhp_startup(cpu=1)",
    "cpuhp_startup(cpu=1)",
    "cpu_down(cpu=1)",
    "cpuhp_teardown(cpu=1)",
  ]);
});

Deno.test("cpuhp_demo fires every action", () => {
  assert.deepEqual(run({}).unfiredActions, []);
});

Deno.test("cpuhp() teardown runs callbacks in reverse order", () => {
  const r = run({ boot: false, cpus: 2, callbacks: 3 });
  const witness = r.properties.find((p) => p.name === "secondary_cycles")!.trace!;
  assert.deepEqual(witness.actions.map(formatAction), [
    "cpu_down(cpu=1)",
    "cpuhp_teardown(cpu=1)",
    "cpuhp_teardown(cpu=1)",
    "cpuhp_teardown(cpu=1)",
  ]);
  const states = witness.states.map((s) => (s["cpuhp"] as { state: number }[])[1]!.state);
  assert.deepEqual(states, [3, 3, 2, 1, 0]);
});

Deno.test("cpuhp() refuses to offline CPU0 and bad sizes", () => {
  const hp = cpuhp({ cpus: 2, callbacks: 1 });
  const s = { cpuhp: [{ state: 1, target: 1 }, { state: 1, target: 1 }] };
  assert.throws(() => hp.request(s, 0, false), RangeError);
  hp.requestSecondaries(s, false);
  assert.deepEqual(s.cpuhp, [{ state: 1, target: 1 }, { state: 1, target: 0 }]);
  assert.equal(hp.settled(s), false);
  assert.throws(() => cpuhp({ cpus: 0, callbacks: 1 }), RangeError);
  assert.throws(() => cpuhp({ cpus: 1, callbacks: 0 }), RangeError);
});
