import assert from "node:assert/strict";

const root = new URL("../", import.meta.url).pathname;

/** Runs `deno run mod.ts ...args` in a fresh process; returns exit code and output. */
async function hvcheck(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}mod.ts`, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "hvcheck-cli-" });
}

Deno.test("explore --json prints one object and writes both trace files; replay accepts the trace", async () => {
  const dir = await tempDir();
  const run = await hvcheck(
    "explore",
    "page_ownership",
    "--set",
    "pages=2",
    "--set",
    "fixed=false",
    "--json",
    "--trace-dir",
    dir,
  );
  assert.equal(run.code, 1, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.model, "page_ownership");
  assert.deepEqual(result.params, { pages: 2, fixed: false, check: true, symmetry: false });
  assert.equal(result.verdict, "violated");
  assert.equal(result.distinctStates, 144);
  for (const key of ["transitions", "depth", "seconds", "statesPerSecond"]) {
    assert.equal(typeof result[key], "number");
  }
  const violated = result.properties.find((p: { name: string }) => p.name === "host_mapped_implies_shared");
  assert.equal(violated.traceLength, 4);
  assert.equal(violated.tracePath, `${dir}/host_mapped_implies_shared.itf.json`);
  assert.match(await Deno.readTextFile(`${dir}/host_mapped_implies_shared.txt`), /State 5: <kexec_complete>/);
  const replay = await hvcheck("replay", "page_ownership", violated.tracePath);
  assert.equal(replay.code, 0, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /is a run of model page_ownership \(4 steps\)/);
  // The same trace under other parameters is not a run: the first step it cannot take is named.
  const other = await hvcheck(
    "replay",
    "page_ownership",
    violated.tracePath,
    "--set",
    "pages=2",
    "--set",
    "fixed=true",
  );
  assert.equal(other.code, 1);
  assert.match(other.stdout, /Step 3: action kexec_start is not enabled in state #2/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("explore exits 0 when everything holds and 3 when a limit cuts the search", async () => {
  const holds = await hvcheck("explore", "page_ownership", "--set", "pages=2");
  assert.equal(holds.code, 0, holds.stderr);
  assert.match(holds.stdout, /HOLDS/);
  assert.match(holds.stdout, /Reproduce: deno run -A mod.ts explore page_ownership --set pages=2/);
  const limited = await hvcheck(
    "explore",
    "page_ownership",
    "--set",
    "pages=6",
    "--max-states",
    "100",
    "--json",
  );
  assert.equal(limited.code, 3);
  assert.equal(JSON.parse(limited.stdout).verdict, "incomplete");
});

Deno.test("bad input exits 2 with a one-paragraph message, no stack trace and no files", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/corrupt.itf.json`, '{"vars": ["owner"], "states": [{"owner": ');
  const cases: [string[], RegExp][] = [
    [
      ["explore", "page_ownership", "--set", "pages=99"],
      /Parameter pages of model page_ownership must be 1..16/,
    ],
    [["explore", "page_ownership", "--set", "pages"], /Expected --set NAME=VALUE but found "pages"/],
    [["explore", "page_ownership", "--set", "colour=red"], /has no parameter "colour"/],
    [["explore", "no_such_model"], /Unknown model "no_such_model"/],
    [["explore", "src/testdata/not_a_model.ts"], /exports no model/],
    [["explore", "page_ownership", "--max-states", "lots"], /--max-states expects a positive integer/],
    [["check", "no_such_gate"], /Unknown gate "no_such_gate"/],
    [["replay", "page_ownership", `${dir}/corrupt.itf.json`], /is not valid JSON/],
    [["replay", "page_ownership", `${dir}/missing.itf.json`], /Cannot read trace file/],
    [["frobnicate"], /Unknown command "frobnicate"/],
    [["explore", "page_ownership", "--frob"], /Unknown option '--frob'/],
  ];
  for (const [args, message] of cases) {
    const run = await hvcheck(...args, ...(args[0] === "explore" ? ["--trace-dir", `${dir}/traces`] : []));
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
  }
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["corrupt.itf.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("check runs named gates, prints a table and --json an array", async () => {
  const dir = await tempDir();
  const table = await hvcheck("check", "page_ownership_buggy_n3", "--out", dir);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /page_ownership_buggy_n3\s+violated\s+violated\s+864\s+14\s+[\d.]+\s+ok/);
  assert.match(table.stdout, /1 gates met, 0 missed/);
  assert.ok(
    Deno.statSync(`${dir}/traces/page_ownership_buggy_n3/host_mapped_implies_shared.itf.json`).isFile,
  );
  const json = await hvcheck(
    "check",
    "page_ownership_buggy_n3",
    "page_ownership_fixed_n6",
    "--json",
    "--out",
    dir,
  );
  assert.equal(json.code, 0);
  const gates = JSON.parse(json.stdout);
  assert.deepEqual(gates.map((g: { gate: string; met: boolean }) => [g.gate, g.met]), [
    ["page_ownership_buggy_n3", true],
    ["page_ownership_fixed_n6", true],
  ]);
  for (const key of ["model", "params", "expected", "verdict", "distinctStates", "depth", "seconds"]) {
    assert.ok(key in gates[0], key);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("list --json shows every registered model with parameters, defaults and allowed values", async () => {
  const run = await hvcheck("list", "--json");
  assert.equal(run.code, 0);
  const list = JSON.parse(run.stdout);
  const page = list.find((m: { name: string }) => m.name === "page_ownership");
  assert.deepEqual(page.params[0], {
    name: "pages",
    kind: "int",
    default: 3,
    allowed: "1..16",
    description: "number of guest pages (N)",
  });
});
