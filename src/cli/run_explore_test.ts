import assert from "node:assert/strict";
import { exitCodeOf } from "./run_explore.ts";
import { EXIT } from "./command.ts";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { driveCommand } from "../testdata/drive_command.ts";

/** Runs explore with its output folder in a fresh temporary folder; returns the run and the folder's files. */
async function explore(args: string[], write?: Parameters<typeof driveCommand>[3]) {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-explore-" });
  try {
    const run = await driveCommand(
      "explore",
      ["counter", "--workers", "1", "--memory", "1G", "--out", `${dir}/o`, ...args],
      counterLibrary,
      write,
    );
    return { run, dir, left: [...Deno.readDirSync(dir)].map((e) => e.name) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("explore hands back its traces, then the summary naming them and the Reproduce line", async () => {
  const { run, dir, left } = await explore(["--set", "limit=3"]);
  assert.equal(run.code, EXIT.violated);
  assert.deepEqual(left, [], "the command itself writes nothing: the driver writes the traces");
  assert.deepEqual(run.outputs.map((o) => o.kind), ["traces", "out"]);
  const [written] = run.outputs;
  assert.ok(written?.kind === "traces" && written.dir === `${dir}/o/traces/counter`);
  assert.match(run.stdout, /^Model counter \(limit=3 wrap=false terminalAtLimit=false\): safety VIOLATED/);
  assert.match(
    run.stdout,
    new RegExp(`^    trace: ${dir}/o/traces/counter/below_limit\\.itf\\.json \\(and \\.txt\\)$`, "m"),
  );
  assert.match(
    run.stdout,
    new RegExp(
      `^Reproduce: .* main\\.ts explore counter --set limit=3 --memory 1G --workers 1 --out ${dir}/o$`,
      "m",
    ),
  );
  assert.equal(run.stderr, "");
});

Deno.test("explore --json is one object with the trace paths; --trace-dir is noted first", async () => {
  const { run, dir } = await explore(["--json", "--trace-dir", "/elsewhere"]);
  assert.equal(run.outputs[0]?.kind, "err");
  assert.match(
    run.stderr,
    /--trace-dir is deprecated: use --out DIR \(traces under DIR\/traces\/counter\/\)/,
  );
  const result = JSON.parse(run.stdout);
  assert.equal(result.verdict, "violated");
  const below = result.properties.find((p: { name: string }) => p.name === "below_limit");
  assert.equal(below.tracePath, "/elsewhere/below_limit.itf.json");
  assert.match(result.reproduce, new RegExp(`--allow-write=${dir}/o,/elsewhere `));
});

Deno.test("when its traces cannot be written, explore still prints its verdict, then the error ends it", async () => {
  const { run } = await explore([], () => Promise.reject(new Error("disk full")));
  assert.equal(run.code, undefined);
  assert.match(String(run.error), /disk full/);
  assert.deepEqual(run.outputs.map((o) => o.kind), ["traces", "out"]);
  assert.match(run.stdout, /safety VIOLATED/);
  assert.doesNotMatch(run.stdout, /trace: /, "no trace was written, so none is named");
});

Deno.test("exitCodeOf() maps the verdict to the exit code", () => {
  assert.equal(exitCodeOf({ verdict: "holds" }), EXIT.ok);
  assert.equal(exitCodeOf({ verdict: "violated" }), EXIT.violated);
  assert.equal(exitCodeOf({ verdict: "incomplete" }), EXIT.incomplete);
});
