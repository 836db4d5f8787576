import assert from "node:assert/strict";
import { type GateReport, judgeMutant } from "./verdict.ts";

const report = (properties: GateReport["properties"], problems: string[] = []): GateReport => ({
  gate: "g",
  met: problems.length === 0,
  problems,
  properties,
});

Deno.test("a proved invariant that fails catches the mutant", () => {
  const v = judgeMutant([report([{ name: "inv", status: "violated", expected: "holds" }], ["inv"])]);
  assert.deepEqual(v, {
    kind: "caught",
    by: [{ gate: "g", property: "inv", expected: "holds", status: "violated" }],
  });
});

Deno.test("a lost witness and a witness that should never be found both catch it", () => {
  for (const [expected, status] of [["witnessed", "not witnessed"], ["not witnessed", "witnessed"]]) {
    const v = judgeMutant([report([{ name: "w", status: status!, expected: expected! }], ["w"])]);
    assert.equal(v.kind, "caught");
  }
});

Deno.test("a buggy variant's violation that goes away, a trace length or a floor do not count", () => {
  const v = judgeMutant([
    report([{ name: "inv", status: "holds", expected: "violated in 4 steps" }], ["inv holds"]),
    report([{ name: "inv", status: "violated", expected: "violated in 4 steps" }], ["violated in 6 steps"]),
    report([{ name: "inv", status: "holds", expected: "holds" }], ["only 10 distinct states"]),
  ]);
  assert.equal(v.kind, "survived");
  assert.equal(v.kind === "survived" && v.noise.length, 3);
});

Deno.test("a relied-on property left undecided makes the verdict inconclusive, not survived", () => {
  const v = judgeMutant([report([{ name: "live", status: "incomplete", expected: "holds" }], ["limit"])]);
  assert.deepEqual(v, { kind: "inconclusive", why: "g: live is incomplete" });
});

Deno.test("a catch wins over an undecided property elsewhere", () => {
  const v = judgeMutant([
    report([{ name: "a", status: "incomplete", expected: "holds" }]),
    report([{ name: "b", status: "violated", expected: "holds" }]),
  ]);
  assert.equal(v.kind, "caught");
});

Deno.test("a catch by a fixed variant's gate is listed before one by a buggy variant's", () => {
  const v = judgeMutant([
    {
      ...report([{ name: "a", status: "violated", expected: "holds" }]),
      gate: "buggy",
      expectedSafety: "violated",
    },
    {
      ...report([{ name: "b", status: "violated", expected: "holds" }]),
      gate: "fixed",
      expectedSafety: "holds",
    },
  ]);
  assert.deepEqual(v.kind === "caught" && v.by.map((c) => c.gate), ["fixed", "buggy"]);
});
