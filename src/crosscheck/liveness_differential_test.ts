/**
 * The engine's liveness verdicts against the naive liveness checker's (src/crosscheck/naive_liveness.ts,
 * which shares nothing with src/liveness/) on random models with random fairness: the same status for
 * every liveness property, the same shortest prefix for every violation, and every lasso the engine
 * reports a fair violating behaviour of the naive checker's own graph.
 */

import assert from "node:assert/strict";
import { checkInstanceParallel, checkSync } from "../check/check.ts";
import { instantiate, type Model, type ModelInstance } from "../model/model.ts";
import { formatAction } from "../model/properties.ts";
import type { Trace } from "../trace/trace.ts";
import {
  checkLivenessNaively,
  type Lasso,
  lassoProblem,
  type NaiveLivenessResult,
} from "./naive_liveness.ts";
import { type FairnessMode, generate, randomLivenessCase } from "./random_model.ts";

/** The engine's lasso as the naive checker's graph names it (ids, action instances, trigger position). */
function asNaiveLasso(
  instance: ModelInstance,
  naive: NaiveLivenessResult,
  trace: Trace,
  name: string,
): Lasso {
  const ids = trace.states.map((s) => {
    const id = naive.graph.ids.get(JSON.stringify(s));
    assert.ok(id !== undefined, `state ${JSON.stringify(s)} of ${name}'s lasso is not in the naive graph`);
    return id;
  });
  const actions = trace.actions.map((label) =>
    instance.actions.findIndex((a) => a.text === formatAction(label))
  );
  const loop = trace.loop!;
  const stutters = actions.length === ids.length - 1;
  const lasso = {
    prefix: ids.slice(0, loop),
    prefixActions: actions.slice(0, loop),
    cycle: ids.slice(loop),
    cycleActions: stutters ? [] : actions.slice(loop),
    stutters,
  };
  const truth = naive.truth[name]!;
  if (truth.kind === "eventually") return lasso;
  // The trace does not say where the trigger is: any position that makes it a counterexample will do.
  const trigger = ids.findIndex((_, k) =>
    lassoProblem(naive.graph, truth, { ...lasso, trigger: k }) === undefined
  );
  return { ...lasso, trigger: Math.max(0, trigger) };
}

function compare(seed: number, names: number, mode: FairnessMode): { properties: number; violated: number } {
  const { model, params } = randomLivenessCase(seed, names, mode);
  const where = `random liveness model seed=${seed} names=${names} fairness=${mode}: ${
    generate(seed, names, true).summary
  }`;
  const instance = instantiate(model, params);
  const naive = checkLivenessNaively(instance);
  const engine = checkSync(model, { params });
  let properties = 0, violated = 0;
  for (const result of engine.properties) {
    if (result.kind !== "eventually" && result.kind !== "leadsTo") continue;
    properties++;
    const expected = naive.properties[result.name]!;
    assert.equal(result.status, expected.status, `${where}: ${result.name}`);
    if (result.status !== "violated") continue;
    violated++;
    assert.equal(result.trace!.loop, expected.prefixLength, `${where}: ${result.name}'s shortest prefix`);
    const problem = lassoProblem(
      naive.graph,
      naive.truth[result.name]!,
      asNaiveLasso(instance, naive, result.trace!, result.name),
    );
    assert.equal(problem, undefined, `${where}: ${result.name}'s lasso`);
  }
  assert.equal(engine.livenessGraph?.states, naive.graph.keys.length, `${where}: states`);
  return { properties, violated };
}

const count = Number(Deno.env.get("HVCHECK_LIVENESS_MODELS") ?? "300");

Deno.test("random models with random fairness: the engine's liveness verdicts and lassos agree with the naive checker", () => {
  assert.ok(Number.isSafeInteger(count) && count >= 0, "HVCHECK_LIVENESS_MODELS is a count");
  let properties = 0, violated = 0;
  for (let seed = 1; seed <= count; seed++) {
    for (const mode of ["generated", "none"] as const) {
      const r = compare(seed, seed % 4 === 3 ? 0 : 1, mode);
      properties += r.properties;
      violated += r.violated;
    }
  }
  console.log(
    `${2 * count} random models, ${properties} liveness properties, ${violated} violated: all agree`,
  );
  assert.ok(count === 0 || (violated > 0 && violated < properties), "both verdicts occur");
});

Deno.test("random liveness models give the same verdicts and lassos on 1, 2 and 3 workers", async () => {
  const url = new URL("./random_model.ts", import.meta.url).href;
  for (let seed = 1; seed <= 12; seed++) {
    const { model, params, exportName } = randomLivenessCase(seed, 1);
    const instance = instantiate(model as Model, params);
    const runs = [];
    for (const workers of [1, 2, 3]) {
      const r = await checkInstanceParallel(instance, { module: url, exportName }, workers);
      runs.push(r.properties.map((p) => ({ name: p.name, status: p.status, trace: p.trace })));
    }
    assert.deepEqual(runs[1], runs[0], `seed ${seed}`);
    assert.deepEqual(runs[2], runs[0], `seed ${seed}`);
  }
});
