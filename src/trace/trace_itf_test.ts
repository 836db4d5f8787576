import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import { InputError } from "../errors.ts";
import { instantiate, type Model } from "../model/model.ts";
import { replayStates } from "./replay.ts";
import { composite, counter } from "../testdata/test_models.ts";
import { parseItf, toItf } from "./trace_itf.ts";
import { formatTraceText } from "./trace_text.ts";

Deno.test("toItf() writes ITF values: #bigint integers, lists, records, #meta.index", () => {
  const r = checkSync(counter, { params: { limit: 2 } });
  const doc = toItf(r.properties[0]!.trace!, { property: "below_limit" });
  assert.equal(doc["#meta"].format, "ITF");
  assert.deepEqual(doc.vars, ["n", "mbt::actionTaken", "mbt::nondetPicks"]);
  assert.deepEqual(doc.states[2], {
    "#meta": { index: 2 },
    n: { "#bigint": "2" },
    "mbt::actionTaken": "inc",
    "mbt::nondetPicks": {},
  });
  assert.equal(doc.states[0]!["mbt::actionTaken"], "init");
});

Deno.test("a counterexample survives ITF text and replays as a run of the model", () => {
  const witness = checkSync(counter, { params: { limit: 4 } }).properties[0]!.trace!;
  assert.equal(witness.states.length, 5);
  const text = JSON.stringify(toItf(witness));
  const parsed = parseItf(text, instantiate(counter as unknown as Model, { limit: 4 }), "t.itf.json");
  assert.deepEqual(parsed.states, witness.states);
  const replayed = replayStates(
    instantiate(counter as unknown as Model, { limit: 4 }),
    parsed.states,
    parsed.actions,
  );
  assert.deepEqual(replayed, {
    ok: true,
    steps: 4,
    actions: witness.actions,
    // The properties along the run: n reaches the limit 4 at state #4, where nothing is enabled.
    properties: [
      { name: "below_limit", kind: "always", status: "violated", at: 4 },
      { name: "reaches_two", kind: "sometimes", status: "witnessed", at: 2 },
      { name: "reaches_beyond", kind: "sometimes", status: "not witnessed" },
      { name: "never_wraps", kind: "transition", status: "holds" },
      { name: "deadlock", kind: "deadlock", status: "violated", at: 4 },
    ],
  });
  // Records and nested arrays round-trip too.
  const instance = instantiate(composite as unknown as Model, { cpus: 2 });
  const state = {
    cpus: [{ online: true, msr: "on", frames: [1, 2] }, { online: false, msr: "off", frames: [0, 0] }],
    phase: "running",
    big: 999,
  };
  const doc = toItf({ model: "composite", params: { cpus: 2 }, initIndex: 0, states: [state], actions: [] });
  assert.deepEqual(parseItf(JSON.stringify(doc), instance, "x").states[0], state);
});

Deno.test("replayStates() reports the first step the model cannot take", () => {
  const instance = instantiate(counter as unknown as Model, { limit: 4 });
  const states = [{ n: 0 }, { n: 1 }, { n: 3 }];
  const result = replayStates(instance, states);
  const { properties, ...rest } = result;
  assert.deepEqual(rest, {
    ok: false,
    step: 2,
    reason: "Step 2: no action of model counter leads from state #1 to state #2.",
  });
  // Evaluated along the two states that are a run.
  assert.deepEqual(properties.map((p) => [p.name, p.status]), [
    ["below_limit", "holds"],
    ["reaches_two", "not witnessed"],
    ["reaches_beyond", "not witnessed"],
    ["never_wraps", "holds"],
    ["deadlock", "holds"],
  ]);
  const wrongInit = replayStates(instance, [{ n: 1 }]);
  assert.equal(wrongInit.ok, false);
  assert.match((wrongInit as { reason: string }).reason, /State #0 is not an initial state .* differs in n/);
  const wrongAction = replayStates(instance, [{ n: 0 }, { n: 1 }], [{ name: "wrap", params: {} }]);
  assert.match((wrongAction as { reason: string }).reason, /Step 1: action wrap is not enabled in state #0/);
});

Deno.test("parseItf() rejects corrupt, truncated and mismatched files with a clear message", () => {
  const instance = instantiate(counter as unknown as Model, { limit: 4 });
  const good = JSON.stringify(toItf(checkSync(counter, { params: { limit: 4 } }).properties[0]!.trace!));
  const cases: [string, RegExp][] = [
    [good.slice(0, good.length / 2), /is not valid JSON .*truncated/],
    ["[]", /expected an ITF object/],
    [JSON.stringify({ vars: ["n"], states: [] }), /non-empty list of states/],
    [JSON.stringify({ vars: ["m"], states: [{ m: 1 }] }), /missing n; unknown m/],
    [
      JSON.stringify({ vars: ["n"], states: [{ n: { "#bigint": "9" } }] }),
      /state #0, variable n: expected an integer in 0..4/,
    ],
    [
      JSON.stringify({ vars: ["n"], states: [{ n: "two" }] }),
      /expected an integer \{"#bigint": "..."\} but found "two"/,
    ],
    [JSON.stringify({ vars: ["n"], states: [{ "#meta": { index: 3 }, n: 1 }] }), /out of order or missing/],
    [
      JSON.stringify({ vars: ["n"], states: [{ n: 0 }, { "#meta": { action: { name: "jump" } }, n: 1 }] }),
      /has no action "jump"/,
    ],
    // A variable the model does not have is named, with the state, instead of being dropped.
    [
      JSON.stringify({ vars: ["n"], states: [{ n: 0 }, { n: 1, bogus: true }] }),
      /state #1: variable bogus is not a variable of model counter \(its variables are n\)/,
    ],
    [JSON.stringify({ vars: ["n"], states: [{ n: 0 }, {}] }), /state #1: variable n is missing/],
    [
      JSON.stringify({ vars: ["n"], states: [{ n: 0 }, { n: true }] }),
      /state #1, variable n: expected an integer/,
    ],
    // A recorded action is one of the model's, with parameters in their domains.
    [
      JSON.stringify({
        vars: ["n"],
        states: [{ n: 0 }, {
          "#meta": { action: { name: "inc", params: { by: { "#bigint": "9" } } } },
          n: 1,
        }],
      }),
      /state #1: #meta.action: inc\(by=9\) is not an action of model counter with these parameters \(its inc actions are inc\)/,
    ],
    [
      JSON.stringify({ "#meta": { failing: { action: { name: "jump" } } }, vars: ["n"], states: [{ n: 0 }] }),
      /f\.itf\.json: #meta\.failing\.action: model counter has no action "jump"/,
    ],
    [
      JSON.stringify({ "#meta": { failing: "inc" }, vars: ["n"], states: [{ n: 0 }] }),
      /#meta\.failing must be/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseItf(text, instance, "f.itf.json"),
      (e: unknown) => e instanceof InputError && message.test(e.message),
    );
  }
});

Deno.test("formatTraceText() shows the whole first state, then only what changed", () => {
  const trace = checkSync(counter, { params: { limit: 2, wrap: true } }).properties.find((p) =>
    p.name === "never_wraps"
  )!.trace!;
  assert.equal(
    formatTraceText(trace, "Transition property never_wraps is violated by the last step."),
    [
      "Error: Transition property never_wraps is violated by the last step.",
      "Model counter (limit=2 wrap=true terminalAtLimit=false). The behavior up to this point is (3 steps):",
      "",
      "State 1: <Initial predicate>",
      "/\\ n = 0",
      "",
      "State 2: <inc>",
      "/\\ n = 1",
      "",
      "State 3: <inc>",
      "/\\ n = 2",
      "",
      "State 4: <wrap>",
      "/\\ n = 0",
      "",
    ].join("\n"),
  );
});

Deno.test("a lasso keeps its loop: text says where it goes back to, ITF writes and reads `loop`", () => {
  const instance = instantiate(counter as unknown as Model, { limit: 2, wrap: true });
  const lasso = {
    model: "counter",
    params: instance.params,
    initIndex: 0,
    states: [{ n: 0 }, { n: 1 }, { n: 2 }],
    actions: [{ name: "inc", params: {} }, { name: "inc", params: {} }, { name: "wrap", params: {} }],
    loop: 0,
  };
  const text = formatTraceText(lasso, "Liveness property p is violated.");
  assert.match(text, /then back to state 1 forever/);
  assert.match(text, /Back to state 1: <wrap>\n$/);
  const doc = toItf(lasso);
  assert.equal(doc.loop, 0);
  assert.deepEqual(JSON.parse(doc["#meta"].loopAction!), { name: "wrap", params: {} });
  const parsed = parseItf(JSON.stringify(doc), instance, "lasso.itf.json");
  assert.equal(parsed.loop, 0);
  assert.throws(
    () => parseItf(JSON.stringify({ ...doc, loop: 3 }), instance, "bad.itf.json"),
    (e) =>
      e instanceof InputError && /"loop" must be the index of one of its 3 states but is 3/.test(e.message),
  );
  // A finite run has no loop in either form.
  const finite = checkSync(counter, { params: { limit: 2 } }).properties[0]!.trace!;
  assert.equal(toItf(finite).loop, undefined);
  assert.doesNotMatch(formatTraceText(finite, "x"), /Back to state/);
});
