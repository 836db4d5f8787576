import assert from "node:assert/strict";
import { runGate } from "../check/gate_runner.ts";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { formatCheckSummary, formatGateRow, formatTable, gateJson, tableHeader } from "./report_check.ts";

const [metGate, missedGate] = counterLibrary.gates;
const met = await runGate(metGate!, counterLibrary, { workers: 1 });
const missed = await runGate(missedGate!, counterLibrary, { workers: 1 });

Deno.test("the gate table pads each column to its width and trims the line's end", () => {
  const [top, header] = formatTable(tableHeader).split("\n");
  assert.equal(top!.indexOf("safety"), 57);
  assert.equal(header!.indexOf("got"), 57);
  assert.ok(header!.endsWith("seconds"));
  assert.equal(formatTable([["a", "b"]]), `${"a".padEnd(56)} b`);
});

Deno.test("a gate's row gives safety and witnesses got and expected, then why it was missed", () => {
  const row = formatGateRow(met, false);
  assert.match(row, /^counter_met +violated +violated +1\/2 +1\/2 +4 +3 +[\d.]+ +ok$/);
  const [missedRow, problem] = formatGateRow(missed, false).split("\n");
  assert.match(missedRow!, /MISSED$/);
  assert.equal(problem, "    property below_limit is violated in 3 steps, expected violated in 2 steps");
  const verbose = formatGateRow(met, true).split("\n");
  assert.equal(verbose[1], "    params: limit=3 wrap=false terminalAtLimit=false");
  assert.match(verbose[2]!, /^ {4}property +kind +expected +got$/);
  assert.match(verbose[3]!, /^ {4}below_limit +always +violated in 3 steps +violated in 3 steps$/);
});

Deno.test("the tally names the gates missed", () => {
  assert.equal(formatCheckSummary([met]), "1 gates met, 0 missed.");
  assert.equal(formatCheckSummary([met, missed]), "1 gates met, 1 missed: counter_missed.");
});

Deno.test("check --json gives each property's expectation and whether it was met", () => {
  const json = gateJson(missed, { below_limit: "o/b.itf.json" }) as Record<string, unknown>;
  assert.equal(json.gate, "counter_missed");
  assert.equal(json.met, false);
  assert.deepEqual(json.expectedWitnesses, { witnessed: 1, total: 2 });
  const [below] = json.properties as Record<string, unknown>[];
  assert.deepEqual(below, {
    name: "below_limit",
    kind: "always",
    status: "violated",
    traceLength: 3,
    tracePath: "o/b.itf.json",
    expected: "violated in 2 steps",
    met: false,
  });
});
