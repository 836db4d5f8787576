import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import { counter } from "../testdata/test_models.ts";
import type { Model } from "../model/model.ts";
import {
  formatCount,
  formatModelListing,
  formatOutcome,
  formatProgress,
  formatResultText,
  formatWitnesses,
  modelListing,
  propertyJson,
  resultJson,
} from "./report.ts";

const violated = checkSync(counter, { params: { limit: 3 } });
const holds = checkSync(counter, { params: { limit: 3, wrap: true } });

Deno.test("counts and witnesses read as the tables show them", () => {
  assert.equal(formatCount(1234567.4), "1,234,567");
  assert.equal(formatWitnesses({ witnessed: 0, total: 0 }), "-");
  assert.equal(formatWitnesses({ witnessed: 2, total: 3 }), "2/3");
  assert.equal(formatWitnesses({ witnessed: 1, total: 3, undecided: 2 }), "1/3?");
});

Deno.test("formatOutcome() gives safety and witnesses apart, naming what failed", () => {
  assert.equal(
    formatOutcome(violated),
    "safety VIOLATED (below_limit, deadlock), witnesses 1/2 witnessed (not witnessed: reaches_beyond)",
  );
  assert.equal(
    formatOutcome(holds),
    "safety VIOLATED (below_limit, never_wraps), witnesses 1/2 witnessed (not witnessed: reaches_beyond)",
  );
});

Deno.test("the explore summary names each trace written and ends with the Reproduce line", () => {
  const text = formatResultText(
    violated,
    { below_limit: "o/below_limit.itf.json" },
    "npx ... main.ts explore counter",
  );
  const lines = text.split("\n");
  assert.match(lines[0]!, /^Model counter \(limit=3 wrap=false terminalAtLimit=false\): safety VIOLATED/);
  assert.match(
    text,
    /^ {2}below_limit +always +violated \(3 steps\)\n {4}trace: o\/below_limit\.itf\.json \(and \.txt\)$/m,
  );
  assert.doesNotMatch(text, /trace: .*deadlock/, "only the traces written are named");
  assert.match(text, /^Actions fired: inc 3, wrap 0$/m);
  assert.equal(lines.at(-1), "Reproduce: npx ... main.ts explore counter");
});

Deno.test("explore --json is the result without the traces, with their paths and the Reproduce line", () => {
  const json = resultJson(violated, { below_limit: "o/b.itf.json" }, "line") as Record<string, unknown>;
  assert.equal(json.reproduce, "line");
  assert.equal(json.distinctStates, 4);
  const properties = json.properties as Record<string, unknown>[];
  assert.deepEqual(properties[0], {
    name: "below_limit",
    kind: "always",
    status: "violated",
    traceLength: 3,
    tracePath: "o/b.itf.json",
  });
  assert.ok(!("trace" in properties[0]!));
  assert.deepEqual(propertyJson(violated.properties[2]!, undefined), {
    name: "reaches_beyond",
    kind: "sometimes",
    status: "not witnessed",
  });
});

Deno.test("list shows a model's parameters with their defaults and allowed values", () => {
  const [listed] = modelListing([counter as unknown as Model]);
  assert.deepEqual(listed!.params.map((p) => [p.name, p.default, p.allowed]), [
    ["limit", 3, "1..100"],
    ["wrap", false, "true|false"],
    ["terminalAtLimit", false, "true|false"],
  ]);
  assert.match(
    formatModelListing([listed!]),
    /^counter: A counter that counts up to a limit\.\n {2}limit = 3 {2}\(1\.\.100\) {2}top value\n/,
  );
});

Deno.test("the progress line shows the level's share done, the queue on disk, memory against the budget, collisions", () => {
  const base = {
    distinctStates: 2_000_000,
    transitions: 30_000_000,
    depth: 12,
    seconds: 20,
    queue: 900_000,
    spilledStates: 0,
    level: { size: 800_000, left: 200_000 },
    statesPerSecond: 100_000,
    memoryBytes: 512 * 2 ** 20,
    memoryBudget: Infinity,
    collisionProbability: 1.08e-7,
  };
  assert.equal(
    formatProgress(base),
    "hvcheck: 2,000,000 distinct, 30,000,000 generated, depth 12 (75% of 800,000), queue 900,000, " +
      "100,000 states/s, 512.0 MiB, collision <= 1.1e-7, 20 s",
  );
  const spilled = formatProgress({
    ...base,
    spilledStates: 600_000,
    memoryBudget: 2 ** 30,
    collisionProbability: 0,
    level: { size: 0, left: 0 },
  });
  assert.match(spilled, /depth 12 \(100% of 0\), queue 900,000 \(600,000 on disk\)/);
  assert.match(spilled, /512\.0 MiB of 1024\.0 MiB, collision <= 0 \(exact\)/);
});
