import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { instantiate, type Model } from "../model/model.ts";
import { composite, counter } from "../testdata/test_models.ts";
import { replayTrace } from "./replay.ts";
import type { Trace } from "./trace.ts";
import { parseItf, toItf } from "./trace_itf.ts";

const instance = instantiate(composite as unknown as Model, { cpus: 2 });

const off = { online: false, msr: "off", frames: [0, 0] };
/** A run of composite: online(cpu=0), enable(cpu=0, frame=1), toggle_phase. */
const run: Trace = {
  model: "composite",
  params: { cpus: 2 },
  initIndex: 0,
  states: [
    { cpus: [off, off], phase: "running", big: -5 },
    { cpus: [{ ...off, online: true }, off], phase: "running", big: -5 },
    { cpus: [{ online: true, msr: "on", frames: [0, 1] }, off], phase: "running", big: -5 },
    { cpus: [{ online: true, msr: "on", frames: [0, 1] }, off], phase: "suspended", big: -4 },
  ],
  actions: [
    { name: "online", params: { cpu: 0 } },
    { name: "enable", params: { cpu: 0, frame: 1 } },
    { name: "toggle_phase", params: {} },
  ],
};

// The Rust `itf` crate (informalsystems/itf-rs, src/trace.rs and src/state.rs) reads a trace's `#meta` as
// format, format-description, source, description (strings), varTypes (strings), timestamp (an integer)
// and every other entry as a string; a state's `#meta` as index (an integer) and strings; the top-level
// `params` as a list of strings.
function assertItfRsShape(doc: Record<string, unknown>): void {
  const meta = doc["#meta"] as Record<string, unknown>;
  for (const [key, value] of Object.entries(meta)) {
    if (key === "timestamp") assert.ok(Number.isInteger(value), "timestamp");
    else if (key === "varTypes") {
      assert.ok(Object.values(value as object).every((v) => typeof v === "string"));
    } else assert.equal(typeof value, "string", `#meta.${key} must be a string`);
  }
  if (doc.params !== undefined) assert.ok((doc.params as unknown[]).every((p) => typeof p === "string"));
  if (doc.loop !== undefined) assert.ok(Number.isInteger(doc.loop) && (doc.loop as number) >= 0);
  const vars = doc.vars as string[];
  for (const state of doc.states as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(state["#meta"] as object)) {
      if (key === "index") assert.ok(Number.isInteger(value) && value >= 0);
      else assert.equal(typeof value, "string", `a state's #meta.${key} must be a string`);
    }
    assert.deepEqual(Object.keys(state).filter((k) => k !== "#meta").sort(), [...vars].sort());
  }
}

Deno.test("hvcheck's ITF has the shape the Rust itf crate reads, with failing and lasso entries too", () => {
  assertItfRsShape(toItf(run, { property: "msr_implies_online", description: "a run" }));
  const failing = { ...run, failing: { action: { name: "online", params: { cpu: 1 } }, reason: "boom" } };
  assertItfRsShape(toItf({ ...failing, initIndex: 1 }));
  const lasso = {
    model: "counter",
    params: { limit: 1, wrap: true },
    initIndex: 0,
    states: [{ n: 0 }, { n: 1 }],
    actions: [{ name: "inc", params: {} }, { name: "wrap", params: {} }],
    loop: 0,
  };
  assertItfRsShape(toItf(lasso));
});

Deno.test("each state carries Quint's mbt::actionTaken and mbt::nondetPicks, and they round-trip", () => {
  const doc = toItf(run);
  assert.deepEqual(doc.states[2]!["mbt::nondetPicks"], {
    cpu: { tag: "Some", value: { "#bigint": "0" } },
    frame: { tag: "Some", value: { "#bigint": "1" } },
  });
  assert.deepEqual(doc.states[3]!["mbt::nondetPicks"], {
    cpu: { tag: "None", value: { "#tup": [] } },
    frame: { tag: "None", value: { "#tup": [] } },
  });
  const parsed = parseItf(JSON.stringify(doc), instance, "run.itf.json");
  assert.deepEqual(parsed.states, run.states);
  assert.deepEqual(parsed.actions, run.actions);
  assert.equal(replayTrace(instance, parsed).ok, true);
});

/** What Quint writes for the same run: qualified names, sum types, #map arrays, plain or big integers. */
function quintStyle(): Record<string, unknown> {
  const sum = (tag: string) => ({ tag, value: { "#tup": [] } });
  const some = (value: unknown) => ({ tag: "Some", value });
  const none = { tag: "None", value: { "#tup": [] } };
  const cpu = (c: { online: boolean; msr: string; frames: number[] }) => ({
    online: c.online,
    msr: sum(c.msr),
    frames: { "#tup": c.frames.map((f) => ({ "#bigint": String(f) })) },
  });
  const taken = ["init", "online", "enable", "toggle_phase"];
  const picks = [
    { cpu: none, frame: none, victim: none },
    { cpu: some({ "#bigint": "0" }), frame: none, victim: some({ "#bigint": "1" }) },
    { cpu: some({ "#bigint": "0" }), frame: some({ "#bigint": "1" }), victim: none },
    { cpu: none, frame: none, victim: none },
  ];
  return {
    "#meta": { format: "ITF", source: "spec.qnt", status: "ok" },
    vars: [
      "spec::composite::cpus",
      "spec::composite::phase",
      "spec::composite::big",
      "mbt::actionTaken",
      "mbt::nondetPicks",
    ],
    states: run.states.map((s, i) => ({
      "#meta": { index: i },
      "spec::composite::cpus": {
        "#map": (s.cpus as typeof off[]).map((c, k) => [{ "#bigint": String(k) }, cpu(c)]).reverse(),
      },
      "spec::composite::phase": sum(s.phase as string),
      "spec::composite::big": i % 2 === 0 ? s.big : { "#bigint": String(s.big) },
      "mbt::actionTaken": taken[i],
      "mbt::nondetPicks": picks[i],
    })),
  };
}

Deno.test("replay reads Quint's encoding: qualified names, mbt actions with extra picks, sum types, #map, #tup", () => {
  const parsed = parseItf(JSON.stringify(quintStyle()), instance, "quint.itf.json");
  assert.deepEqual(parsed.states, run.states);
  assert.deepEqual(parsed.actions, run.actions);
  assert.equal(replayTrace(instance, parsed).ok, true);
  // An action Quint names that the model does not have is left for the replay to find.
  const renamed = quintStyle();
  (renamed.states as Record<string, unknown>[])[3]!["mbt::actionTaken"] = "Flip";
  assert.deepEqual(parseItf(JSON.stringify(renamed), instance, "q.itf.json").actions[2], undefined);
});

Deno.test("hvcheck's older ITF, with objects in #meta, still reads", () => {
  const older = {
    "#meta": {
      format: "ITF",
      source: "hvcheck model counter",
      model: "counter",
      params: { limit: { "#bigint": "2" } },
    },
    vars: ["n"],
    states: [
      { "#meta": { index: 0 }, n: { "#bigint": "0" } },
      { "#meta": { index: 1, action: { name: "inc", params: {} } }, n: { "#bigint": "1" } },
    ],
  };
  const counterInstance = instantiate(counter as unknown as Model, { limit: 2 });
  assert.deepEqual(parseItf(JSON.stringify(older), counterInstance, "old.itf.json").actions, [
    { name: "inc", params: {} },
  ]);
});

Deno.test("bad Quint-style entries are input errors naming the state", () => {
  const cases: [(doc: Record<string, unknown>) => void, RegExp][] = [
    [
      (d) => void ((d.states as Record<string, unknown>[])[1]!["mbt::actionTaken"] = 7),
      /state #1: mbt::actionTaken must be an action name/,
    ],
    [
      (d) => void ((d.states as Record<string, unknown>[])[1]!["mbt::nondetPicks"] = []),
      /state #1: mbt::nondetPicks must be a record/,
    ],
    [
      (d) => void (d.vars = [...(d.vars as string[]), "other::cpus"]),
      /both spec::composite::cpus and other::cpus name variable cpus/,
    ],
    [(d) => {
      const s = (d.states as Record<string, Record<string, unknown>>[])[0]!;
      s["spec::composite::cpus"] = { "#map": [[{ "#bigint": "0" }, s["spec::composite::cpus"]!["#map"]]] };
    }, /state #0, variable spec::composite::cpus: expected a list of 2 elements/],
    [(d) => {
      (d.states as Record<string, unknown>[])[0]!["spec::composite::phase"] = {
        tag: "asleep",
        value: { "#tup": [] },
      };
    }, /state #0, variable spec::composite::phase: expected one of "running", "suspended"/],
  ];
  for (const [spoil, message] of cases) {
    const doc = quintStyle();
    spoil(doc);
    assert.throws(
      () => parseItf(JSON.stringify(doc), instance, "q.itf.json"),
      (e: unknown) => e instanceof InputError && message.test(e.message),
      String(message),
    );
  }
  // In a file hvcheck wrote, an action that is not the model's is an error, as it always was.
  const own = toItf(run);
  own.states[1]!["mbt::actionTaken"] = "jump";
  assert.throws(() => parseItf(JSON.stringify(own), instance, "own.itf.json"), /has no action "jump"/);
});
