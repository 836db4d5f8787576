import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { instantiate, type Model } from "../model/model.ts";
import type { Value } from "../state/domain.ts";
import { counter } from "../testdata/test_models.ts";
import { runCli } from "../testdata/run_cli.ts";
import { type Lasso, type ReplayResult, replayStates, replayTrace } from "./replay.ts";
import { parseItf, toItf } from "./trace_itf.ts";

/** The counter with limit 2: 0 -inc-> 1 -inc-> 2, then wrap back to 0 when `wrap` is set. */
const counterInstance = (params: Record<string, unknown> = {}) =>
  instantiate(counter as unknown as Model, { limit: 2, wrap: true, ...params });
const inc = { name: "inc", params: {} }, wrap = { name: "wrap", params: {} };
const upToTwo: Record<string, Value>[] = [{ n: 0 }, { n: 1 }, { n: 2 }];

function replayLasso(lasso: Lasso, params: Record<string, unknown> = {}, states = upToTwo): ReplayResult {
  return replayStates(counterInstance(params), states, [inc, inc], undefined, lasso);
}

function reasonOf(result: ReplayResult): string {
  assert.equal(result.ok, false, "the replay should have refused the trace");
  return result.ok ? "" : result.reason;
}

Deno.test("a lasso whose recorded loop action leads back to its loop state is a run", () => {
  const result = replayLasso({ loop: 0, loopAction: wrap });
  assert.equal(result.ok, true);
  if (!result.ok) return;
  assert.equal(result.steps, 2);
  assert.equal(result.loop, 0);
  assert.deepEqual(result.loopAction, wrap);
  // The closing step is a step of the run: never_wraps is violated by it (step 3, from state #2 to #0).
  assert.deepEqual(result.properties.find((p) => p.name === "never_wraps"), {
    name: "never_wraps",
    kind: "transition",
    status: "violated",
    at: 3,
  });
});

Deno.test("without a recorded loop action, the first enabled action that leads back closes the loop", () => {
  const result = replayLasso({ loop: 0 });
  assert.equal(result.ok, true);
  if (result.ok) assert.deepEqual(result.loopAction, wrap);
});

Deno.test("a loop that does not close is no run, and the reason names the states", () => {
  // wrap leads from state #2 to n=0, which is state #0, not state #1.
  assert.equal(
    reasonOf(replayLasso({ loop: 1, loopAction: wrap })),
    "Step 3: the loop action wrap that the trace records leads from state #2 to a state other than state #1, " +
      "where the trace's loop returns (it differs in n).",
  );
  // inc is not enabled at the limit.
  assert.equal(
    reasonOf(replayLasso({ loop: 0, loopAction: inc })),
    "Step 3: the loop action inc that the trace records is not enabled in state #2.",
  );
  // Without wrap, nothing leads back; the reason says which action would, but for its guard.
  assert.equal(
    reasonOf(replayLasso({ loop: 0 }, { wrap: false })),
    "Step 3: no action of model counter leads from state #2 to state #0, where the trace's loop returns; " +
      "wrap would lead there but its guard is false in state #2.",
  );
  const refused = replayLasso({ loop: 0, loopAction: wrap }, { wrap: false });
  assert.equal(refused.ok ? -1 : refused.step, 3);
  // The states before the loop are a run, and their properties are evaluated.
  assert.equal(refused.properties.find((p) => p.name === "reaches_two")?.status, "witnessed");
});

Deno.test("a loop to the last state itself closes at a stuttering end: no action enabled, or terminal", () => {
  // At the limit without wrap no action is enabled: the run may stay there forever.
  const stuck = replayLasso({ loop: 2 }, { wrap: false });
  assert.equal(stuck.ok, true);
  if (stuck.ok) {
    assert.equal(stuck.loop, 2);
    assert.equal(stuck.loopAction, undefined);
  }
  // A terminal state is a stuttering end too, even with an action enabled.
  const terminal = replayLasso({ loop: 2 }, { terminalAtLimit: true });
  assert.equal(terminal.ok, true);
  if (terminal.ok) assert.equal(terminal.loopAction, undefined);
  // At state #1 inc is enabled and the state is not terminal: the loop to it does not close.
  assert.equal(
    reasonOf(replayLasso({ loop: 1 }, {}, upToTwo.slice(0, 2))),
    "Step 2: no action of model counter leads from state #1 to state #1, where the trace's loop returns, " +
      "and state #1 is no stuttering end: action inc is enabled there and it is not terminal.",
  );
  // A recorded loop action must close the loop even where the state is a stuttering end.
  assert.match(
    reasonOf(replayLasso({ loop: 2, loopAction: inc }, { wrap: false })),
    /^Step 3: the loop action inc that the trace records is not enabled in state #2\.$/,
  );
});

Deno.test("a finite run is replayed as before: no loop in the result", () => {
  const result = replayStates(counterInstance(), upToTwo, [inc, inc]);
  assert.equal(result.ok, true);
  if (result.ok) assert.deepEqual(Object.keys(result), ["ok", "steps", "actions", "properties"]);
});

Deno.test("ITF keeps a lasso's loop and loop action, and replayTrace checks them", () => {
  const instance = counterInstance();
  const lasso = {
    model: "counter",
    params: instance.params,
    initIndex: 0,
    states: upToTwo,
    actions: [inc, inc, wrap],
    loop: 0,
  };
  const text = JSON.stringify(toItf(lasso));
  const parsed = parseItf(text, instance, "lasso.itf.json");
  assert.deepEqual(parsed.loopAction, wrap);
  const replayed = replayTrace(instance, parsed);
  assert.equal(replayed.ok, true);
  if (replayed.ok) assert.deepEqual([replayed.loop, replayed.loopAction], [0, wrap]);
  const elsewhere = replayTrace(
    instance,
    parseItf(JSON.stringify({ ...toItf(lasso), loop: 1 }), instance, "x"),
  );
  assert.match(reasonOf(elsewhere), /^Step 3: the loop action wrap .* other than state #1/);
  // A loop action without a loop is not a trace hvcheck or ITF writes.
  const { loop: _loop, ...noLoop } = toItf(lasso);
  assert.throws(
    () => parseItf(JSON.stringify(noLoop), instance, "bad.itf.json"),
    (e) => e instanceof InputError && /bad\.itf\.json: #meta\.loopAction .* has no "loop"/.test(e.message),
  );
  const unknown = toItf(lasso);
  unknown["#meta"].loopAction = JSON.stringify({ name: "no_such", params: {} });
  assert.throws(
    () => parseItf(JSON.stringify(unknown), instance, "bad.itf.json"),
    (e) =>
      e instanceof InputError && /#meta\.loopAction: model counter has no action "no_such"/.test(e.message),
  );
});

Deno.test("replay of a lasso whose loop does not close exits 1 and names the states", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const instance = counterInstance();
    const trace = {
      model: "counter",
      params: instance.params,
      initIndex: 0,
      states: upToTwo,
      actions: [inc, inc, wrap],
      loop: 1,
    };
    await Deno.writeTextFile(`${dir}/lasso.itf.json`, JSON.stringify(toItf(trace)));
    const model = "src/testdata/counter_model.ts";
    const run = await runCli(["replay", model, `${dir}/lasso.itf.json`, "--json"], { timeoutSeconds: 120 });
    assert.equal(run.code, 1, run.stderr);
    const outcome = JSON.parse(run.stdout);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.step, 3);
    assert.match(outcome.reason, /leads from state #2 to a state other than state #1/);
    // The loop closes at state #0: exit 0.
    await Deno.writeTextFile(`${dir}/lasso.itf.json`, JSON.stringify(toItf({ ...trace, loop: 0 })));
    const closed = await runCli(["replay", model, `${dir}/lasso.itf.json`], { timeoutSeconds: 120 });
    assert.equal(closed.code, 0, closed.stderr + closed.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
