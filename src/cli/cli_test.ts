import assert from "node:assert/strict";
import { main, permissionProblem } from "./cli.ts";
import { library } from "../testdata/library.ts";
import { commands, commonOptions } from "./cli_options.ts";
import { type CliRun, runCli } from "../testdata/run_cli.ts";

const root = new URL("../../", import.meta.url).pathname;

type Run = Pick<CliRun, "code" | "stdout" | "stderr">;

/** Runs `deno run -A main.ts ...args` in a fresh process; returns exit code and output. */
const hvcheck = (...args: string[]) => runCli(args);

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
    "--out",
    dir,
  );
  assert.equal(run.code, 1, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.model, "page_ownership");
  assert.deepEqual(result.params, {
    pages: 2,
    fixed: false,
    check: true,
    symmetry: false,
    liveness: false,
    fairHost: true,
  });
  assert.equal(result.verdict, "violated");
  assert.equal(result.distinctStates, 144);
  for (const key of ["transitions", "depth", "seconds", "statesPerSecond"]) {
    assert.equal(typeof result[key], "number");
  }
  const violated = result.properties.find((p: { name: string }) => p.name === "host_mapped_implies_shared");
  assert.equal(violated.traceLength, 4);
  assert.equal(violated.tracePath, `${dir}/traces/page_ownership/host_mapped_implies_shared.itf.json`);
  assert.match(
    await Deno.readTextFile(`${dir}/traces/page_ownership/host_mapped_implies_shared.txt`),
    /State 5: <kexec_complete>/,
  );
  const replay = await hvcheck("replay", "page_ownership", violated.tracePath);
  assert.equal(replay.code, 0, replay.stdout + replay.stderr);
  assert.match(
    replay.stdout,
    /is a run of model page_ownership \(pages=2 fixed=false check=true symmetry=false liveness=false fairHost=true\) \(4 steps\)/,
  );
  // The same trace under other parameters is not a run: the first step it cannot take is named, with
  // the guard that stops it. --set fixed=true keeps the recorded pages=2.
  const other = await hvcheck("replay", "page_ownership", violated.tracePath, "--set", "fixed=true");
  assert.equal(other.code, 1);
  assert.match(other.stdout, /model page_ownership \(pages=2 fixed=true /);
  assert.match(
    other.stdout,
    /Step 3: action kexec_start would lead to state #3 but its guard is false in state #2/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("explore exits 0 when everything holds and 3 when a limit cuts the search", async () => {
  const holds = await hvcheck("explore", "page_ownership", "--set", "pages=2");
  assert.equal(holds.code, 0, holds.stderr);
  assert.match(holds.stdout, /safety HOLDS, no witnesses declared/);
  assert.match(
    holds.stdout,
    /Reproduce: npx -y deno@2\.9\.6 run --allow-read=\. --allow-write=out --allow-sys=systemMemoryInfo main\.ts explore page_ownership --set pages=2\n/,
  );
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
    [["explore", "page_ownership", "--frob"], /Unknown option --frob for explore\. Run "explore --help"/],
    [
      ["explore", "page_ownership", "--max-state", "5"],
      /Unknown option --max-state .*Did you mean --max-states\?/,
    ],
    [["check", "--jsn"], /Did you mean --json\?/],
    [["replay", "page_ownership", "x.itf.json", "--sett", "a=1"], /Did you mean --set\?/],
    [["list", "--jsom"], /Did you mean --json\?/],
  ];
  for (const [args, message] of cases) {
    const run = await hvcheck(...args, ...(args[0] === "explore" ? ["--out", `${dir}/out`] : []));
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
  assert.match(
    table.stdout,
    /page_ownership_buggy_n3\s+violated\s+violated\s+-\s+-\s+864\s+14\s+[\d.]+\s+ok/,
  );
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
  for (
    const key of [
      "model",
      "params",
      "expected",
      "verdict",
      "safety",
      "expectedSafety",
      "witnesses",
      "expectedWitnesses",
      "distinctStates",
      "depth",
      "seconds",
    ]
  ) {
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

/** Runs `main` in this process with a collecting Io. */
async function inProcess(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, library, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

Deno.test("<command> --help prints that command's usage with every option and exits 0", async () => {
  for (const command of commands) {
    for (const help of ["--help", "-h"]) {
      // --help wins even over arguments that are wrong.
      const run = await inProcess(command.name, "--no-such-option", help);
      assert.equal(run.code, 0, `${command.name} ${help}: ${run.stderr}`);
      assert.match(
        run.stdout,
        new RegExp(`^Usage: npx -y deno@2\\.9\\.6 run .* main\\.ts ${command.name}\\b`),
      );
      for (const option of Object.keys({ ...command.options, ...commonOptions })) {
        assert.match(run.stdout, new RegExp(`--${option}\\b`), `${command.name} --help lists --${option}`);
      }
    }
  }
  const top = await inProcess("--help");
  assert.equal(top.code, 0);
  for (const command of commands) assert.match(top.stdout, new RegExp(`^  ${command.name}\\b`, "m"));
  assert.equal((await inProcess("help", "replay")).stdout, (await inProcess("replay", "--help")).stdout);
  assert.equal((await inProcess()).code, 2, "no command is a usage error");
});

Deno.test("an unknown option is exit 2 and suggests the closest option of that command", async () => {
  const cases: [string[], string | undefined][] = [
    [["explore", "page_ownership", "--max-depht", "3"], "--max-depth"],
    [["explore", "page_ownership", "--stop-on-violations"], "--stop-on-violation"],
    [["explore", "page_ownership", "--exat"], "--exact"],
    [["check", "--verbos"], "--verbose"],
    [["check", "--outt", "x"], "--out"],
    [["explore", "page_ownership", "--zzzzzzzz"], undefined],
    [["chek"], "check"],
    [["check", "page_ownership_buggy_n33"], "page_ownership_buggy_n3"],
  ];
  for (const [args, guess] of cases) {
    const run = await inProcess(...args);
    assert.equal(run.code, 2, args.join(" "));
    if (guess) assert.match(run.stderr, new RegExp(`Did you mean ${guess}\\?`), args.join(" "));
    else assert.doesNotMatch(run.stderr, /Did you mean/);
  }
});

Deno.test("check reports safety and witnesses apart: an expected 'not witnessed' is no violation", async () => {
  const dir = await tempDir();
  const gates = ["kvm_overlay_exit_on_disable_hypercall_holds", "hv_vmbus_uio_refused_holds"];
  const table = await inProcess("check", ...gates, "--out", dir, "--workers", "1", "--verbose");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^gate\s+got\s+expected\s+got\s+expected\s+states/m);
  assert.match(
    table.stdout,
    /^kvm_overlay_exit_on_disable_hypercall_holds\s+holds\s+holds\s+1\/3\s+1\/3\s+32\s+\d+\s+[\d.]+\s+ok$/m,
  );
  assert.match(table.stdout, /^hv_vmbus_uio_refused_holds\s+holds\s+holds\s+1\/9\s+1\/9\s/m);
  // --verbose: parameters and one line per property with expected and actual result.
  assert.match(table.stdout, /params: variant=exit_hyperv_overlay_on_disable kinds=hypercall frames=2/);
  assert.match(table.stdout, /used_overlay_moved\s+sometimes\s+not witnessed\s+not witnessed$/m);
  assert.match(table.stdout, /msr_write_preserves_ram\s+transition\s+holds\s+holds$/m);
  assert.doesNotMatch(table.stdout, /violated/);
  const json = await inProcess("check", gates[0]!, "--out", dir, "--workers", "1", "--json");
  const [gate] = JSON.parse(json.stdout);
  assert.equal(gate.safety, "holds");
  assert.equal(gate.expectedSafety, "holds");
  assert.deepEqual(gate.witnesses, { total: 3, witnessed: 1, notWitnessed: 2, undecided: 0 });
  assert.deepEqual(gate.expectedWitnesses, { witnessed: 1, total: 3 });
  // The run's verdict still counts a witness never reached; it is documented as such.
  assert.equal(gate.verdict, "violated");
  const moved = gate.properties.find((p: { name: string }) => p.name === "used_overlay_moved");
  assert.deepEqual(moved, {
    name: "used_overlay_moved",
    kind: "sometimes",
    status: "not witnessed",
    expected: "not witnessed",
    met: true,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("check --verbose shows a violation's expected and actual shortest trace", async () => {
  const dir = await tempDir();
  const run = await inProcess(
    "check",
    "page_ownership_buggy_n3",
    "--verbose",
    "--workers",
    "1",
    "--out",
    dir,
  );
  assert.equal(run.code, 0);
  assert.match(
    run.stdout,
    /host_mapped_implies_shared\s+always\s+violated in 4 steps\s+violated in 4 steps$/m,
  );
  assert.doesNotMatch(run.stdout, /MISSED/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("explore prints safety and witnesses apart, in text and in --json", async () => {
  const dir = await tempDir();
  const args = [
    "explore",
    "kvm_overlay",
    "--set",
    "variant=exit_hyperv_overlay_on_disable",
    "--set",
    "kinds=hypercall",
    "--set",
    "vtls=1",
    "--set",
    "vcpus=1",
    "--set",
    "frames=2",
    "--out",
    dir,
    "--workers",
    "1",
  ];
  const text = await inProcess(...args);
  assert.equal(text.code, 1, "a witness never reached is still exit 1 in explore");
  assert.match(
    text.stdout,
    /: safety HOLDS, witnesses 1\/3 witnessed \(not witnessed: used_overlay_moved, both_vtls_overlay_one_frame\)\n/,
  );
  assert.match(text.stdout, /verdict: violated, because a witness was never reached/);
  const json = JSON.parse((await inProcess(...args, "--json")).stdout);
  assert.equal(json.safety, "holds");
  assert.deepEqual(json.witnesses, { total: 3, witnessed: 1, notWitnessed: 2, undecided: 0 });
  assert.equal(json.verdict, "violated");
  const violated = JSON.parse(
    (await inProcess("explore", "page_ownership", "--set", "fixed=false", "--out", dir, "--json")).stdout,
  );
  assert.equal(violated.safety, "violated");
  assert.deepEqual(violated.witnesses, { total: 0, witnessed: 0, notWitnessed: 0, undecided: 0 });
  const limited = JSON.parse(
    (await inProcess(
      "explore",
      "page_ownership",
      "--set",
      "pages=6",
      "--max-states",
      "50",
      "--out",
      dir,
      "--json",
    ))
      .stdout,
  );
  assert.equal(limited.safety, "incomplete");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the Reproduce line runs as printed and gives the same result", async () => {
  const dir = await tempDir();
  const cases = [
    ["page_ownership", "--set", "pages=4", "--set", "fixed=false", "--max-depth", "3", "--exact"],
    ["page_ownership", "--set", "pages=5", "--max-states", "200", "--stop-on-violation", "--memory", "2G"],
    ["src/testdata/counter_model.ts", "--set", "wrap=true", "--time-limit", "60", "--workers", "2"],
  ];
  for (const options of cases) {
    const first = await hvcheck("explore", ...options, "--out", dir, "--json");
    const result = JSON.parse(first.stdout);
    const line: string = result.reproduce;
    assert.match(line, /^npx -y deno@2\.9\.6 run --allow-read=\.,\S+ --allow-write=\S+ /);
    for (const option of options.filter((o) => o.startsWith("--"))) assert.ok(line.includes(option), option);
    // On this machine deno is on PATH: run the printed line with it in place of npx's.
    const command = line.replace(/^npx -y deno@2\.9\.6 /, `'${Deno.execPath()}' `) + " --json";
    const again = await new Deno.Command("sh", {
      args: ["-c", command],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const stderr = new TextDecoder().decode(again.stderr);
    assert.equal(again.code, first.code, `${command}: ${stderr}`);
    const second = JSON.parse(new TextDecoder().decode(again.stdout));
    for (const key of ["verdict", "safety", "witnesses", "distinctStates", "transitions", "depth", "limit"]) {
      assert.deepEqual(second[key], result[key], `${key} of ${command}`);
    }
    assert.deepEqual(second.properties, result.properties);
    assert.equal(second.reproduce, line, "the reproduced run prints the same line");
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a permission problem is exit 2 naming the path and the flag that widens it", async () => {
  const dir = await tempDir();
  for (
    const args of [["check", "page_ownership_buggy_n3"], [
      "explore",
      "page_ownership",
      "--set",
      "fixed=false",
    ]]
  ) {
    // What `deno task check -- --out DIR` runs (explore also reads the machine's memory for its budget).
    const sys = args[0] === "explore" ? ["--allow-sys=systemMemoryInfo"] : [];
    const run = await runCli([...args, "--out", dir], {
      deno: ["--allow-read=.", "--allow-write=out", ...sys],
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`may not write ${dir}/traces/`));
    assert.match(run.stderr, new RegExp(`add --allow-write=${dir} to deno's flags`));
    assert.doesNotMatch(run.stderr, /internal error|^\s+at /m);
    // The verdict was printed before the traces failed to be written.
    assert.match(run.stdout, /page_ownership_buggy_n3\s+violated\s+violated|safety VIOLATED/);
  }
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  // The operating system's refusal (root is never refused, so it is built here).
  const os = permissionProblem(
    new Deno.errors.PermissionDenied("Permission denied (os error 13): mkdir '/ro/t'"),
    [],
  );
  assert.match(os ?? "", /operating system denied access: .*'\/ro\/t'.*--out DIR/);
  const wrapped = permissionProblem(
    new Error("outer", { cause: new Deno.errors.NotCapable('Requires read access to "/m"') }),
    [],
  );
  assert.match(wrapped ?? "", /may not read \/m/);
  assert.equal(permissionProblem(new Error("something else"), []), undefined);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run removes the traces an earlier run of the same gate or model left", async () => {
  const dir = await tempDir();
  const folder = `${dir}/traces/page_ownership`;
  const explore = (...set: string[]) =>
    inProcess(
      "explore",
      "page_ownership",
      ...set.flatMap((s) => ["--set", s]),
      "--out",
      dir,
      "--workers",
      "1",
    );
  assert.equal((await explore("pages=2", "fixed=false")).code, 1);
  const written = `${folder}/host_mapped_implies_shared.itf.json`;
  // An old trace of a property that a later run does not violate, and files hvcheck did not write.
  await Deno.copyFile(written, `${folder}/old_property.itf.json`);
  await Deno.writeTextFile(`${folder}/old_property.txt`, "Error: ...");
  await Deno.writeTextFile(`${folder}/notes.txt`, "mine");
  await Deno.writeTextFile(`${folder}/other.itf.json`, '{"#meta": {"source": "apalache"}}');
  // A trace hvcheck wrote for another model (a shared --trace-dir) is not this run's to remove.
  await Deno.writeTextFile(
    `${folder}/counter.itf.json`,
    JSON.stringify({ "#meta": { source: "hvcheck model counter", model: "counter" } }),
  );
  assert.equal((await explore("pages=2", "fixed=false")).code, 1);
  const names = () => [...Deno.readDirSync(folder)].map((e) => e.name).sort();
  assert.deepEqual(names(), [
    "counter.itf.json",
    "host_mapped_implies_shared.itf.json",
    "host_mapped_implies_shared.txt",
    "notes.txt",
    "other.itf.json",
  ]);
  assert.equal((await explore("pages=2", "fixed=true")).code, 0);
  assert.deepEqual(
    names(),
    ["counter.itf.json", "notes.txt", "other.itf.json"],
    "a run that holds leaves no counterexample",
  );
  // The same for check, per gate.
  const gateFolder = `${dir}/traces/page_ownership_buggy_n3`;
  await Deno.mkdir(gateFolder, { recursive: true });
  await Deno.writeTextFile(
    `${gateFolder}/stale.itf.json`,
    JSON.stringify({ "#meta": { source: "hvcheck model page_ownership", model: "page_ownership" } }),
  );
  await Deno.writeTextFile(`${gateFolder}/stale.txt`, "Error: ...");
  assert.equal((await inProcess("check", "page_ownership_buggy_n3", "--out", dir, "--workers", "1")).code, 0);
  assert.deepEqual([...Deno.readDirSync(gateFolder)].map((e) => e.name).sort(), [
    "host_mapped_implies_shared.itf.json",
    "host_mapped_implies_shared.txt",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("explore --trace-dir still writes there, with a note that --out replaces it", async () => {
  const dir = await tempDir();
  const run = await inProcess(
    "explore",
    "page_ownership",
    "--set",
    "fixed=false",
    "--set",
    "pages=2",
    "--trace-dir",
    dir,
    "--out",
    `${dir}/out`,
  );
  assert.equal(run.code, 1);
  assert.match(run.stderr, /--trace-dir is deprecated: use --out DIR/);
  assert.ok(Deno.statSync(`${dir}/host_mapped_implies_shared.itf.json`).isFile);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("replay reports where each property first fails or is witnessed along the trace", async () => {
  const dir = await tempDir();
  const model = "src/testdata/counter_model.ts";
  const explore = await inProcess("explore", model, "--set", "wrap=true", "--out", dir, "--workers", "1");
  assert.equal(explore.code, 1, explore.stderr);
  const trace = `${dir}/traces/counter/never_wraps.itf.json`; // inc, inc, inc, wrap: 0 1 2 3 0
  const run = await inProcess("replay", model, trace);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /below_limit\s+always\s+violated at state #3$/m);
  assert.match(run.stdout, /reaches_two\s+sometimes\s+witnessed at state #2$/m);
  assert.match(run.stdout, /reaches_beyond\s+sometimes\s+not witnessed along the trace$/m);
  assert.match(run.stdout, /never_wraps\s+transition\s+violated by step 4$/m);
  assert.match(run.stdout, /deadlock\s+deadlock\s+holds along the trace$/m);
  const json = JSON.parse((await inProcess("replay", model, trace, "--json")).stdout);
  assert.deepEqual(json.properties, [
    { name: "below_limit", kind: "always", status: "violated", at: 3 },
    { name: "reaches_two", kind: "sometimes", status: "witnessed", at: 2 },
    { name: "reaches_beyond", kind: "sometimes", status: "not witnessed" },
    { name: "never_wraps", kind: "transition", status: "violated", at: 4 },
    { name: "deadlock", kind: "deadlock", status: "holds" },
  ]);
  // --set merges with the recorded parameters (limit and wrap recorded, wrap overridden): the last
  // step is then not a run, and the properties are reported along the prefix that is.
  const merged = await inProcess("replay", model, trace, "--set", "wrap=false", "--json");
  const outcome = JSON.parse(merged.stdout);
  assert.equal(merged.code, 1);
  assert.deepEqual(outcome.params, { limit: 3, wrap: false, terminalAtLimit: false });
  assert.equal(
    outcome.reason,
    "Step 4: action wrap would lead to state #4 but its guard is false in state #3.",
  );
  assert.deepEqual(outcome.properties.find((p: { name: string }) => p.name === "deadlock"), {
    name: "deadlock",
    kind: "deadlock",
    status: "violated",
    at: 3,
  });
  // Without recorded actions the step names the action whose guard is false.
  const doc = JSON.parse(await Deno.readTextFile(trace));
  for (const state of doc.states) {
    delete state["mbt::actionTaken"];
    delete state["mbt::nondetPicks"];
  }
  doc.vars = doc.vars.filter((v: string) => !v.startsWith("mbt::"));
  await Deno.writeTextFile(`${dir}/bare.itf.json`, JSON.stringify(doc));
  const bare = JSON.parse(
    (await inProcess("replay", model, `${dir}/bare.itf.json`, "--set", "wrap=false", "--json")).stdout,
  );
  assert.equal(
    bare.reason,
    "Step 4: no action of model counter leads from state #3 to state #4; wrap would lead there but its guard is false in state #3.",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("replay of a counterexample that does not reach the violation it records exits 1 and says so", async () => {
  const dir = await tempDir();
  const model = "src/testdata/counter_model.ts";
  const explore = await inProcess("explore", model, "--out", dir, "--workers", "1");
  assert.equal(explore.code, 1, explore.stderr);
  const trace = `${dir}/traces/counter/below_limit.itf.json`; // inc, inc, inc: 0 1 2 3
  const whole = await inProcess("replay", model, trace);
  assert.equal(whole.code, 0, whole.stderr);
  assert.match(whole.stdout, /^It shows the violation it records: below_limit is violated at state #3\.$/m);
  // The last state cut off: still a run, but not a counterexample to below_limit.
  const doc = JSON.parse(await Deno.readTextFile(trace));
  doc.states.pop();
  await Deno.writeTextFile(`${dir}/cut.itf.json`, JSON.stringify(doc));
  const cut = await inProcess("replay", model, `${dir}/cut.itf.json`);
  assert.equal(cut.code, 1, cut.stderr);
  assert.match(cut.stdout, /is a run of model counter .*\(2 steps\)/);
  assert.match(
    cut.stdout,
    /the file says it is a counterexample to below_limit, but below_limit holds at every state of the trace\./,
  );
  const json = await inProcess("replay", model, `${dir}/cut.itf.json`, "--json");
  assert.equal(json.code, 1);
  assert.deepEqual(
    { ...JSON.parse(json.stdout).claim, text: undefined },
    { property: "below_limit", kind: "always", shown: false, text: undefined },
  );
  // Without a recorded property replay says what it checked, and a run is exit 0.
  delete doc["#meta"].property;
  await Deno.writeTextFile(`${dir}/plain.itf.json`, JSON.stringify(doc));
  const plain = await inProcess("replay", model, `${dir}/plain.itf.json`);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /records no property .*: replay checked that it is a run of the model/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("unexpected arguments, repeated values and misspelt models are refused by the command line", async () => {
  const cases: [string[], RegExp][] = [
    [["list", "x"], /list takes no arguments but got "x"/],
    [["explore", "page_ownershp"], /Did you mean page_ownership\?/],
    [["explore", "page_ownership", "--max-states=1e20"], /--max-states expects .* but got "1e20"/],
    [
      ["explore", "page_ownership", "--set", "pages=3", "--set", "pages=4"],
      /Parameter pages .* is set twice/,
    ],
    [["explore", "page_ownership", "--set", "toString=1"], /has no parameter "toString"/],
  ];
  for (const [args, message] of cases) {
    const run = await inProcess(...args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});
