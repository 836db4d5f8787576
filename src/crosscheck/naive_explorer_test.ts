import assert from "node:assert/strict";
import { gates } from "../../checks/mod.ts";
import { models } from "../../models/mod.ts";
import { checkInstance } from "../check/check.ts";
import { instantiate, type Model } from "../model/model.ts";
import { exploreNaively } from "./naive_explorer.ts";
import { checkLivenessNaively } from "./naive_liveness.ts";
import { isLiveness } from "../model/properties.ts";
import { composite, counter } from "../testdata/test_models.ts";

/** Runs both explorers and compares counts and every property's status and shortest trace length. */
function crossCheck(model: Model, params: Record<string, unknown>, exact: boolean): void {
  const instance = instantiate(model, params);
  const naive = exploreNaively(instance);
  const engine = checkInstance(instance, { exact });
  const where = `${model.name} ${JSON.stringify(params)}`;
  assert.equal(engine.distinctStates, naive.distinctStates, `distinct states of ${where}`);
  assert.equal(engine.transitions, naive.transitions, `transitions of ${where}`);
  assert.equal(engine.depth, naive.depth, `depth of ${where}`);
  // Liveness is the naive liveness checker's: verdicts, and the shortest prefix as the lasso's loop.
  const live = engine.properties.some((p) => isLiveness(p.kind)) ? checkLivenessNaively(instance) : undefined;
  for (const p of engine.properties) {
    if (isLiveness(p.kind)) {
      const naiveLive = live!.properties[p.name]!;
      assert.equal(p.status, naiveLive.status, `property ${p.name} of ${where}`);
      assert.equal(p.trace?.loop, naiveLive.prefixLength, `shortest prefix of ${p.name} of ${where}`);
      continue;
    }
    assert.deepEqual(
      {
        status: p.status,
        traceLength: p.status === "holds" || p.status === "not witnessed" ? undefined : p.traceLength,
      },
      { status: naive.properties[p.name]!.status, traceLength: naive.properties[p.name]!.traceLength },
      `property ${p.name} of ${where}`,
    );
  }
}

Deno.test("the engine agrees with the naive explorer on the test models", () => {
  for (const limit of [1, 2, 5]) {
    for (const wrap of [false, true]) crossCheck(counter as unknown as Model, { limit, wrap }, false);
  }
  for (const cpus of [1, 2, 3]) crossCheck(composite as unknown as Model, { cpus }, cpus === 2);
});

Deno.test("the engine agrees with the naive explorer on every small gate of the model library", () => {
  let compared = 0;
  for (const gate of gates) {
    if (gate.tags?.includes("slow") || gate.minStates > 60_000) continue;
    // Symmetry reduction counts orbits, by design not states: Rumur and brute force check those.
    if (instantiate(models.get(gate.model)!, { ...gate.params }).canonicalize) continue;
    crossCheck(models.get(gate.model)!, { ...gate.params }, compared % 2 === 1);
    compared++;
  }
  assert.ok(compared >= 1);
});

Deno.test("the engine agrees with the naive explorer on page_ownership, fixed and buggy", () => {
  const model = models.get("page_ownership")!;
  for (const pages of [1, 2, 3, 4]) {
    for (const fixed of [true, false]) crossCheck(model, { pages, fixed }, fixed);
  }
});
