import assert from "node:assert/strict";
import { instantiate, type Model } from "../model/model.ts";
import { Stepper } from "../model/step.ts";
import type { LivenessProperty } from "../model/properties.ts";
import { hostWrites, mayEndEarly, spinOrFinish } from "../testdata/liveness_models.ts";
import { replayTrace } from "./replay.ts";
import { judgeLasso } from "./lasso_check.ts";

const spin = { name: "spin", params: {} };

function alongOf(model: unknown, params: Record<string, unknown>, trace: Parameters<typeof replayTrace>[1]) {
  const result = replayTrace(instantiate(model as Model, params), trace);
  assert.ok(result.ok, JSON.stringify(result));
  return Object.fromEntries(result.properties.map((p) => [p.name, p.status]));
}

Deno.test("replay finds a liveness violation on a lasso only when its cycle is fair", () => {
  const lasso = {
    states: [{ done: false, ticks: 0 }, { done: false, ticks: 1 }],
    actions: [spin],
    loop: 0,
    loopAction: spin,
  };
  assert.equal(alongOf(spinOrFinish, { fairness: "none" }, lasso).finishes, "violated");
  // finish stays enabled round the cycle and is never taken: weak fairness rules the lasso out.
  assert.equal(alongOf(spinOrFinish, { fairness: "weak" }, lasso).finishes, "holds");
  // The same states as a finite run show no liveness violation.
  assert.equal(
    alongOf(spinOrFinish, { fairness: "none" }, { states: lasso.states, actions: [spin] }).finishes,
    "holds",
  );
});

Deno.test("a lasso that stutters at its end shows a violation only where the behaviour may end", () => {
  const ended = { states: [{ phase: 0 }, { phase: 2 }], actions: [{ name: "quit", params: {} }], loop: 1 };
  assert.equal(alongOf(mayEndEarly, { fairness: "weak" }, ended).served, "violated");
  const instance = instantiate(mayEndEarly as unknown as Model, { fairness: "weak" });
  const stepper = new Stepper(instance);
  stepper.init(0);
  const first = stepper.next.slice();
  const served = instance.properties[0] as LivenessProperty;
  // Stuttering in the initial state, where quit and serve are enabled, is no behaviour of the model.
  const verdict = judgeLasso(instance, stepper, { states: [first], actions: [], loop: 0 }, served);
  assert.deepEqual(verdict, { shown: false, why: "it stops at state 1, where the behaviour cannot end" });
});

Deno.test("a leadsTo lasso needs a trigger that its response never follows", () => {
  const share = { name: "share", params: {} }, write = { name: "host_write", params: {} };
  const lasso = {
    states: [
      { shared: false, writes: 0, revoked: false },
      { shared: true, writes: 0, revoked: false },
      { shared: true, writes: 1, revoked: false },
    ],
    actions: [share, write],
    loop: 1,
    loopAction: write,
  };
  const along = alongOf(hostWrites, { fairness: "none" }, lasso);
  assert.equal(along.shared_is_revoked, "violated");
  assert.equal(along.answered_at_once, "holds", "its trigger never holds on this lasso");
  assert.equal(alongOf(hostWrites, { fairness: "weak" }, lasso).shared_is_revoked, "holds", "revoke is fair");
});
