import assert from "node:assert/strict";
import { expectedOutcome } from "../src/check/gate_runner.ts";
import { gates } from "./mod.ts";

Deno.test("every gate name that states an outcome states the one the gate expects", () => {
  const wrong: string[] = [];
  for (const g of gates) {
    const { safety } = expectedOutcome(g);
    const says = /_holds$/.test(g.name)
      ? "holds"
      : /_(violated|deadlock)$/.test(g.name)
      ? "violated"
      : undefined;
    if (says !== undefined && says !== safety) wrong.push(`${g.name} expects safety ${safety}`);
    // A name that ends in a property kind (such as _liveness) reads as a result: say which.
    if (/_(liveness|safety|invariant)$/.test(g.name)) wrong.push(`${g.name} does not say holds or violated`);
  }
  assert.deepEqual(wrong, []);
});

Deno.test("gate names are unique", () => {
  const names = gates.map((g) => g.name);
  assert.equal(new Set(names).size, names.length);
});
