import assert from "node:assert/strict";
import { main } from "../cli/cli.ts";
import { library } from "../testdata/library.ts";
import { checkSync } from "./check.ts";
import { counter } from "../testdata/test_models.ts";
import { freeList, lateOutOfRange } from "../testdata/trace_models.ts";
import { TracedError } from "../trace/failure_site.ts";
import { headline, withFailureTrace, writePropertyTraces, writeTraceFiles } from "./trace_files.ts";
import { replaceTraces } from "./trace_folder.ts";

const testdata = new URL("../testdata/", import.meta.url).pathname;

/** Runs the command line in this process; returns the exit code and what it printed. */
async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  // In this process, so that what it prints reaches the collector (a model file's least-privilege child
  // prints to this process's own stdout and stderr).
  if (args[0] === "explore") args = [...args, "--trust-model", "--no-check"];
  const code = await main(args, library, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

const exists = async (path: string) => await Deno.stat(path).then(() => true, () => false);

Deno.test("writePropertyTraces() writes counterexamples and witnesses, each headline saying which", async () => {
  const dir = await Deno.makeTempDir();
  const r = checkSync(counter, { params: { limit: 5 } });
  const paths = await writePropertyTraces(dir, r.properties);
  assert.deepEqual(Object.keys(paths).sort(), ["below_limit", "deadlock", "reaches_two"]);
  const witness = await Deno.readTextFile(`${dir}/reaches_two.txt`);
  assert.match(witness, /^Error: Witness \(not a violation\): reaches_two holds in the last state\./);
  assert.match(witness, /\(2 steps\)/);
  const itf = JSON.parse(await Deno.readTextFile(`${dir}/reaches_two.itf.json`));
  assert.equal(itf["#meta"].property, "reaches_two");
  assert.match(itf["#meta"].description, /^Witness/);
  assert.equal(itf.states.length, 3);
  assert.equal(await exists(`${dir}/reaches_beyond.txt`), false); // not witnessed: no trace
  assert.equal(await exists(`${dir}/never_wraps.txt`), false); // holds: no trace
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the ITF file is written before the text one, so a write that stops between leaves one the next run removes", async () => {
  const dir = await Deno.makeTempDir();
  const r = checkSync(counter, { params: { limit: 5 } });
  const below = r.properties.find((p) => p.name === "below_limit")!;
  await Deno.mkdir(`${dir}/below_limit.txt`); // the text file cannot be written
  await assert.rejects(() => writeTraceFiles(dir, below));
  const itf = JSON.parse(await Deno.readTextFile(`${dir}/below_limit.itf.json`));
  assert.equal(itf["#meta"].source, "hvcheck model counter");
  await Deno.remove(`${dir}/below_limit.txt`);
  // A later run in which below_limit holds removes it.
  await replaceTraces(dir, { model: "counter", properties: [] });
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("headline() says what each kind of trace shows", () => {
  const p = checkSync(freeList).properties.find((x) => x.name === "no_double_free")!;
  assert.equal(headline(p), "Assertion no_double_free fails in the effect of the last action.");
});

Deno.test("withFailureTrace() writes the run to a model error and says where in the message", async () => {
  const dir = await Deno.makeTempDir();
  let caught: unknown;
  try {
    checkSync(lateOutOfRange);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TracedError);
  const error = await withFailureTrace(dir, caught) as Error;
  assert.match(
    error.message,
    new RegExp(
      `at depth 2, set a value outside its domain: .* The run to that state \\(3 steps\\) is in ${dir}/model-error.txt and ${dir}/model-error.itf.json\\.`,
    ),
  );
  const text = await Deno.readTextFile(`${dir}/model-error.txt`);
  assert.match(
    text,
    /State 2: <toggle>[\s\S]*State 3: <inc>\n\/\\ n = 2[\s\S]*State 4: <inc>\n\(no state: the model error above happened here\)/,
  );
  const itf = JSON.parse(await Deno.readTextFile(`${dir}/model-error.itf.json`));
  assert.equal(itf.states.length, 3);
  assert.equal(JSON.parse(itf["#meta"].failing).action.name, "inc");
  // Other errors pass through unchanged.
  const plain = new Error("x");
  assert.equal(await withFailureTrace(dir, plain), plain);
  await Deno.remove(dir, { recursive: true });
});

for (const workers of ["1", "2"]) {
  Deno.test(`explore --workers ${workers} writes the run to a model error and names it (exit 2)`, async () => {
    const dir = await Deno.makeTempDir();
    const r = await run(
      "explore",
      `${testdata}late_error.ts`,
      "--out",
      dir,
      "--workers",
      workers,
      "--checkpoint",
      `${dir}/cp`,
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^hvcheck: Model late_out_of_range, action inc at depth 2, set a value outside its domain/,
    );
    const traces = `${dir}/traces/late_out_of_range`;
    assert.match(r.stderr, new RegExp(`The run to that state \\(3 steps\\) is in ${traces}/model-error.txt`));
    assert.ok(await exists(`${traces}/model-error.itf.json`));
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("explore of a model whose effect calls Math.random() exits 2 and writes no counterexample", async () => {
  const dir = await Deno.makeTempDir();
  const r = await run(
    "explore",
    `${testdata}random_effect.ts`,
    "--out",
    dir,
    "--workers",
    "1",
    "--checkpoint",
    `${dir}/cp`,
  );
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /random_effect, action roll at depth 0, threw RandomnessError: it called Math\.random\(\)/,
  );
  assert.equal(await exists(`${dir}/traces/random_effect/not_nine.txt`), false);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("explore writes an assertion's counterexample and the witnesses", async () => {
  const dir = await Deno.makeTempDir();
  const r = await run(
    "explore",
    `${testdata}free_list.ts`,
    "--trace-dir",
    dir,
    "--workers",
    "1",
    "--json",
    "--checkpoint",
    `${dir}/cp`,
  );
  assert.equal(r.code, 1, r.stderr);
  const json = JSON.parse(r.stdout);
  const p = json.properties.find((x: { name: string }) => x.name === "no_double_free");
  assert.deepEqual([p.kind, p.status, p.traceLength], ["assertion", "violated", 1]);
  assert.match(
    await Deno.readTextFile(`${dir}/no_double_free.txt`),
    /State 2: <free\(page=0\)>\n\(no state: its effect/,
  );
  assert.match(await Deno.readTextFile(`${dir}/both_allocated.txt`), /^Error: Witness/);
  await Deno.remove(dir, { recursive: true });
});
