import assert from "node:assert/strict";
import { libraryOf } from "../testdata/library.ts";
import { falselySymmetric } from "../testdata/test_models.ts";
import { defineModel, int } from "../../mod.ts";
import type { Model } from "../model/model.ts";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { driveCommand } from "../testdata/drive_command.ts";
import { InputError } from "../errors.ts";
import { DOT_MAX_STATES } from "./state_graph_dot.ts";

Deno.test("explore --dot draws every state and transition, the counterexamples' path in red", async () => {
  const dir = await Deno.makeTempDir();
  const args = [
    "counter",
    "--set",
    "wrap=true",
    "--workers",
    "1",
    "--out",
    `${dir}/o`,
    "--dot",
    `${dir}/g.dot`,
  ];
  const run = await driveCommand("explore", args, counterLibrary);
  assert.equal(run.code, 1, run.stderr);
  const dot = await Deno.readTextFile(`${dir}/g.dot`);
  assert.match(dot, /^digraph "counter" \{\n/);
  // n = 0..3, inc from each below the limit and wrap back from 3: 4 states, 4 transitions.
  assert.equal(dot.match(/^ {2}s\d+ \[label=/gm)?.length, 4);
  assert.deepEqual(dot.match(/^ {2}s\d+ -> s\d+ .*$/gm), [
    `  s0 -> s1 [label="inc", color=red, penwidth=2.5];`,
    `  s1 -> s2 [label="inc", color=red, penwidth=2.5];`,
    `  s2 -> s3 [label="inc", color=red, penwidth=2.5];`,
    `  s3 -> s0 [label="wrap", color=red, penwidth=2.5];`,
  ]);
  assert.match(dot, /s0 \[label="n = 0\\l", peripheries=2, color=red/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("explore --dot is refused above the size bound and under symmetry, and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  // 71 x 71 = 5041 states in 141 levels: just above the bound.
  const wide = defineModel({
    name: "wide",
    params: {},
    state: () => ({ a: int(0, 70), b: int(0, 70) }),
    init: () => {},
    actions: (_p, { action }) => [
      action("inc_a", { guard: (s) => s.a < 70, effect: (s) => void s.a++ }),
      action("inc_b", { guard: (s) => s.b < 70, effect: (s) => void s.b++ }),
    ],
    terminal: () => true,
  });
  const big = await driveCommand(
    "explore",
    ["wide", "--workers", "1", "--out", `${dir}/o`, "--dot", `${dir}/g.dot`],
    libraryOf(new Map([["wide", wide as unknown as Model]])),
  );
  assert.ok(big.error instanceof InputError);
  assert.match((big.error as Error).message, /--dot: model wide has 5041 states, more than the 5000/);
  assert.match(big.stdout, /Model wide/, "the verdict is printed before the refusal");
  await assert.rejects(Deno.stat(`${dir}/g.dot`));
  const symmetric = await driveCommand(
    "explore",
    ["falsely_symmetric", "--workers", "1", "--out", `${dir}/o`, "--dot", `${dir}/s.dot`],
    libraryOf(new Map([["falsely_symmetric", falselySymmetric]])),
  );
  assert.ok(symmetric.error instanceof InputError);
  assert.match((symmetric.error as Error).message, /--dot draws the model's own state graph/);
  await assert.rejects(Deno.stat(`${dir}/s.dot`));
  await Deno.remove(dir, { recursive: true });
});
