import assert from "node:assert/strict";
import { check, checkSync, type Model } from "../../mod.ts";
import { blinkingRequest, hostWrites, mayEndEarly, spinOrFinish } from "../testdata/liveness_models.ts";
import { formatTraceText } from "../trace/trace_text.ts";
import { toItf } from "../trace/trace_itf.ts";
import { instantiate } from "../model/model.ts";
import { search } from "../search/search.ts";
import { decideLiveness, livenessBytes } from "./liveness_run.ts";

/** Each property's status for each fairness of the action the answer turns on. */
// deno-lint-ignore no-explicit-any
function statuses(model: Model<any, any>, fairness: string): Record<string, string> {
  const result = checkSync(model, { params: { fairness } });
  return Object.fromEntries(result.properties.map((p) => [p.name, p.status]));
}

Deno.test("weak fairness makes an action that stays enabled happen; without it a spin loop starves it", () => {
  assert.equal(statuses(spinOrFinish, "none").finishes, "violated");
  assert.equal(statuses(spinOrFinish, "weak").finishes, "holds");
  assert.equal(statuses(spinOrFinish, "strong").finishes, "holds");
});

Deno.test("an action enabled only every other step needs strong fairness", () => {
  assert.equal(statuses(blinkingRequest, "none").served, "violated");
  assert.equal(statuses(blinkingRequest, "weak").served, "violated");
  assert.equal(statuses(blinkingRequest, "strong").served, "holds");
});

Deno.test("a behaviour may end in a terminal state: no fairness forces the other branch", () => {
  for (const fairness of ["none", "weak", "strong"]) {
    const result = checkSync(mayEndEarly, { params: { fairness } });
    const served = result.properties.find((p) => p.name === "served")!;
    assert.equal(served.status, "violated", fairness);
    assert.equal(served.trace!.loop, served.trace!.states.length - 1, "the lasso stutters at its end");
    assert.equal(served.trace!.actions.length, served.trace!.states.length - 1);
    assert.deepEqual(served.trace!.actions.map((a) => a.name), ["quit"]);
  }
});

Deno.test("a background action looping forever is no progress: leadsTo fails without fairness on revoke", () => {
  assert.deepEqual(statuses(hostWrites, "none"), {
    shared_is_revoked: "violated",
    answered_at_once: "holds",
    revoked: "violated",
    deadlock: "holds",
  });
  assert.deepEqual(statuses(hostWrites, "weak"), {
    shared_is_revoked: "holds",
    answered_at_once: "holds",
    revoked: "holds",
    deadlock: "holds",
  });
  const result = checkSync(hostWrites, { params: { fairness: "none" } });
  const trace = result.properties[0]!.trace!;
  // Shortest prefix: share; then the host writes forever.
  assert.deepEqual(trace.actions.map((a) => a.name), ["share", "host_write", "host_write"]);
  assert.equal(trace.loop, 1);
  assert.equal(result.verdict, "violated");
});

Deno.test("a lasso is written with its loop in text and ITF", () => {
  const result = checkSync(spinOrFinish, { params: { fairness: "none" } });
  const trace = result.properties[0]!.trace!;
  assert.deepEqual(trace.actions.map((a) => a.name), ["spin", "spin"]);
  assert.equal(trace.loop, 0);
  assert.match(formatTraceText(trace, "finishes"), /Back to state 1: <spin>/);
  const itf = toItf(trace, { property: "finishes" }) as { loop?: number };
  assert.equal(itf.loop, 0);
});

Deno.test("liveness verdicts and lassos are the same for 1, 2 and 3 workers", async () => {
  for (const model of [spinOrFinish, blinkingRequest, hostWrites]) {
    const runs: unknown[] = [];
    for (const workers of [1, 2, 3]) {
      const r = await check(model as unknown as Model, { params: { fairness: "weak" }, workers });
      runs.push(r.properties.map((p) => ({ name: p.name, status: p.status, trace: p.trace })));
    }
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
  }
});

Deno.test("a search cut by a limit leaves liveness incomplete, never holds", () => {
  const result = checkSync(hostWrites, { params: { fairness: "weak" }, maxStates: 2 });
  assert.equal(result.properties[0]!.status, "incomplete");
  assert.equal(result.verdict, "incomplete");
});

Deno.test("liveness without any fair action is reported in the warnings", () => {
  const result = checkSync(spinOrFinish, { params: { fairness: "none" } });
  assert.ok(result.warnings.some((w) => /No action of model spin_or_finish is fair/.test(w)));
  assert.ok(!checkSync(spinOrFinish, { params: { fairness: "weak" } }).warnings.length);
});

Deno.test("liveness with checkpoints is refused; over a memory budget the graph does not fit, incomplete", () => {
  assert.throws(
    () => checkSync(spinOrFinish, { checkpointDir: "/nonexistent" }),
    /checkpoints do not hold that graph/,
  );
  const instance = instantiate(spinOrFinish as unknown as Model, { fairness: "weak" });
  const outcome = search(instance, {});
  const need = livenessBytes(instance, outcome.distinctStates, outcome.transitions);
  const cut = decideLiveness(instance, outcome, { memoryBytes: need - 1 })!;
  assert.equal(cut.stopped, "memory");
  assert.deepEqual([...cut.verdicts.values()], [{ status: "incomplete" }]);
  assert.match(cut.warnings[0]!, new RegExp(`needs about ${need} bytes`));
  assert.equal(decideLiveness(instance, outcome, { memoryBytes: need })!.stopped, undefined);
});

Deno.test("the graph has exactly the states the search stored", () => {
  for (const model of [spinOrFinish, blinkingRequest, mayEndEarly, hostWrites]) {
    const result = checkSync(model as unknown as Model, { params: { fairness: "strong" } });
    assert.equal(result.livenessGraph!.states, result.distinctStates, model.name);
    assert.equal(result.livenessGraph!.transitions, result.transitions, model.name);
  }
});
