import assert from "node:assert/strict";
import { alongText, formatReplayText, type Replay, replayJson } from "./report_replay.ts";

Deno.test("alongText() says where along the trace each kind of property failed or was witnessed", () => {
  assert.equal(alongText({ name: "a", kind: "always", status: "violated", at: 3 }), "violated at state #3");
  assert.equal(alongText({ name: "t", kind: "transition", status: "violated", at: 4 }), "violated by step 4");
  assert.equal(
    alongText({ name: "s", kind: "sometimes", status: "witnessed", at: 2 }),
    "witnessed at state #2",
  );
  assert.equal(alongText({ name: "a", kind: "always", status: "holds" }), "holds along the trace");
  assert.equal(
    alongText({ name: "s", kind: "sometimes", status: "not witnessed" }),
    "not witnessed along the trace",
  );
});

const notARun: Replay = {
  model: "m",
  params: { n: 2 },
  path: "t.itf.json",
  states: [],
  outcome: {
    ok: false,
    step: 1,
    reason: "Step 1: no action of model m leads from state #0 to state #1.",
    properties: [{ name: "inv", kind: "always", status: "holds" }],
  },
  claim: { recorded: false },
};

Deno.test("a trace that is not a run says why, and evaluates the properties along the part that is", () => {
  assert.equal(
    formatReplayText(notARun),
    [
      "t.itf.json is not a run of model m (n=2): Step 1: no action of model m leads from state #0 to state #1.",
      "Properties along its first 1 states (state #k is the ITF state of index k; step k leads from state #k-1 to state #k):",
      `  ${"inv".padEnd(40)} ${"always".padEnd(10)} holds along the trace`,
    ].join("\n"),
  );
  const json = replayJson(notARun) as Record<string, unknown>;
  assert.equal(json.trace, "t.itf.json");
  assert.equal(json.ok, false);
  assert.ok(!("claim" in json), "a claim is only checked on a run");
});

Deno.test("a run without a recorded claim says what replay checked; --json has claim null", () => {
  const run: Replay = {
    ...notARun,
    states: [{ x: 0 }],
    outcome: { ok: true, steps: 0, actions: [], properties: [] },
  };
  const text = formatReplayText(run);
  assert.match(text, /^t\.itf\.json is a run of model m \(n=2\) \(0 steps\)\.\nThe file records no property/);
  assert.match(text, /State 1: <Initial predicate>/);
  assert.equal((replayJson(run) as { claim: unknown }).claim, null);
});
