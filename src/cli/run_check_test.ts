import assert from "node:assert/strict";
import { selectGates } from "./run_check.ts";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { driveCommand } from "../testdata/drive_command.ts";
import { InputError } from "../errors.ts";

const names = (gates: readonly { name: string }[]) => gates.map((g) => g.name);

Deno.test("selectGates() takes the named gates in order, or all but the slow ones", () => {
  const { gates } = counterLibrary;
  assert.deepEqual(names(selectGates(gates, [], false)), ["counter_met", "counter_missed"]);
  assert.deepEqual(names(selectGates(gates, [], true)), ["counter_met", "counter_missed", "counter_slow"]);
  assert.deepEqual(names(selectGates(gates, ["counter_slow", "counter_met"], false)), [
    "counter_slow",
    "counter_met",
  ]);
  assert.throws(
    () => selectGates(gates, ["counter_mett"], false),
    (e: unknown) =>
      e instanceof InputError && /Unknown gate "counter_mett"\. Did you mean counter_met\?/.test(e.message),
  );
});

Deno.test("check hands back the header, then per gate its row and its traces, then the tally", async () => {
  const run = await driveCommand("check", ["--workers", "1", "--out", "o"], counterLibrary);
  assert.equal(run.code, 1, "a gate was missed");
  assert.deepEqual(
    run.outputs.map((o) =>
      o.kind === "traces" ? `traces ${o.dir}` : `${o.kind} ${o.text.split("\n")[0]!.split(/\s+/)[0]}`
    ),
    [
      "out ",
      "out counter_met",
      "traces o/traces/counter_met",
      "out counter_missed",
      "traces o/traces/counter_missed",
      "out 1",
    ],
  );
  assert.match(run.stdout, /^counter_missed .* MISSED$/m);
  assert.match(
    run.stdout,
    /^ {4}property below_limit is violated in 3 steps, expected violated in 2 steps$/m,
  );
  assert.match(run.stdout, /^1 gates met, 1 missed: counter_missed\.$/m);
  assert.equal(run.stderr, "");
});

Deno.test("check --json hands back one array, with the paths of the traces written", async () => {
  const run = await driveCommand(
    "check",
    ["counter_met", "--workers", "1", "--out", "o", "--json"],
    counterLibrary,
  );
  assert.equal(run.code, 0);
  assert.deepEqual(run.outputs.map((o) => o.kind), ["traces", "out"]);
  const [gate] = JSON.parse(run.stdout);
  assert.equal(gate.gate, "counter_met");
  assert.equal(gate.met, true);
  const below = gate.properties.find((p: { name: string }) => p.name === "below_limit");
  assert.deepEqual(below, {
    name: "below_limit",
    kind: "always",
    status: "violated",
    traceLength: 3,
    tracePath: "o/traces/counter_met/below_limit.itf.json",
    expected: "violated in 3 steps",
    met: true,
  });
});
