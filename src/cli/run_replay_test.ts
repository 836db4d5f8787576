import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import { writeTraceFiles } from "../check/trace_files.ts";
import { InputError } from "../errors.ts";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { driveCommand } from "../testdata/drive_command.ts";
import { counter } from "../testdata/test_models.ts";
import { replayFile } from "./run_replay.ts";

/** The counterexample to never_wraps (inc, inc, inc, wrap) written to a fresh folder. */
async function withTrace(use: (path: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-replay-" });
  try {
    const result = checkSync(counter, { params: { limit: 3, wrap: true } });
    const path = await writeTraceFiles(dir, result.properties.find((p) => p.name === "never_wraps")!);
    await use(path, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const context = { library: counterLibrary, notice: () => {} };

Deno.test("replayFile() replays with the recorded parameters, each --set overriding one", async () => {
  await withTrace(async (path) => {
    const replay = await replayFile("counter", path, [], context);
    assert.deepEqual(replay.params, { limit: 3, wrap: true, terminalAtLimit: false });
    assert.ok(replay.outcome.ok);
    assert.equal(replay.states.length, 5);
    assert.deepEqual(replay.claim.recorded && [replay.claim.property, replay.claim.shown], [
      "never_wraps",
      true,
    ]);
    const other = await replayFile("counter", path, ["wrap=false"], context);
    assert.equal(other.params.wrap, false);
    assert.equal(other.outcome.ok, false);
    assert.deepEqual(other.claim, { recorded: false });
  });
});

Deno.test("replay is exit 0 for a run that shows its claim, 1 for a step the model cannot take", async () => {
  await withTrace(async (path) => {
    const run = await driveCommand("replay", ["counter", path], counterLibrary);
    assert.equal(run.code, 0);
    assert.deepEqual(run.outputs.map((o) => o.kind), ["out"], "replay writes no file");
    assert.match(
      run.stdout,
      /is a run of model counter \(limit=3 wrap=true terminalAtLimit=false\) \(4 steps\)/,
    );
    assert.match(run.stdout, /^ {2}never_wraps +transition +violated by step 4$/m);
    const cut = await driveCommand(
      "replay",
      ["counter", path, "--set", "wrap=false", "--json"],
      counterLibrary,
    );
    assert.equal(cut.code, 1);
    assert.equal(
      JSON.parse(cut.stdout).reason,
      "Step 4: action wrap would lead to state #4 but its guard is false in state #3.",
    );
  });
});

Deno.test("a file that is not a trace of the model, or not there, is an InputError naming it", async () => {
  await withTrace(async (path, dir) => {
    const doc = JSON.parse(await Deno.readTextFile(path));
    doc["#meta"].model = "other";
    await Deno.writeTextFile(`${dir}/other.itf.json`, JSON.stringify(doc));
    await assert.rejects(
      () => replayFile("counter", `${dir}/other.itf.json`, [], context),
      (e: unknown) => e instanceof InputError && /is a trace of model "other", not counter/.test(e.message),
    );
    await assert.rejects(
      () => replayFile("counter", `${dir}/missing.itf.json`, [], context),
      (e: unknown) =>
        e instanceof InputError && /Cannot read trace file .*missing\.itf\.json/.test(e.message),
    );
  });
});
