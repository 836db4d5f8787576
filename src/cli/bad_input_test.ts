/**
 * Bad input, tried as a user would: every case runs the command line as a subprocess in a folder of
 * its own and asserts the exit code, the message on stderr, that no stack trace is printed, and which
 * files are left (no partial trace or checkpoint, nothing written outside the output folder).
 *
 * Expected outcomes follow issue 14: bad input is exit 2 with one clear paragraph naming what is wrong;
 * a limit that cuts a run is exit 3; exit 4 (an internal error) and a stack trace are never right.
 *
 * Type checks. Running `deno check` is most of the time of a model-file case (a few seconds each, even
 * on an idle machine), so every model file of the table is type-checked first, in one `deno check` of
 * all of them (src/load/type_check.ts, typeCheckFiles). A case whose model files pass then runs with
 * --no-check: the check the command would run has been run and passed, and the case is about what
 * follows it. A case whose model file does not type-check runs its own check, since that is what a
 * user meets first; so do the cases marked `typeCheck: "own"` (the controls of the whole path), and
 * a case whose `prepare` changes a model file after the check.
 *
 * Environment:
 * - HVCHECK_BAD_INPUT_REPORT=1 prints a table of every case (expected, got, pass or fail, seconds, and
 *   how its type check ran).
 * - HVCHECK_BAD_INPUT_FILTER=REGEX runs only the cases whose name matches.
 * - HVCHECK_BAD_INPUT_JOBS=N runs N cases at a time (default 4: a case mostly waits, on process
 *   start-up or on a limit it is about).
 *
 * @module
 */

import { gates } from "../../checks/mod.ts";
import { type Diagnostic, typeCheckFiles } from "../load/type_check.ts";
import { type CliRun, type CliSignal, repositoryRoot, runCli } from "../testdata/run_cli.ts";

// ---------------------------------------------------------------------------------------------------
// The table's types.

/** Which part of the code owns the behaviour a case checks. */
type Area = "names/views" | "traces" | "cli" | "sandbox/faults/checkpoints";

/** One acceptable outcome of the command. */
interface Outcome {
  readonly code: number;
  /** Every pattern must match stderr. */
  readonly stderr?: RegExp | readonly RegExp[];
  /** Every pattern must match stdout. */
  readonly stdout?: RegExp | readonly RegExp[];
}

type FileSpec = string | Uint8Array | { readonly dir: true } | { readonly fixture: string };

interface Case {
  readonly name: string;
  readonly area: Area;
  /** Arguments after `main.ts`. */
  readonly args: readonly string[];
  /** Deno's own flags (default `-A`). */
  readonly deno?: readonly string[];
  /** Files created in the case's folder first. */
  readonly files?: Readonly<Record<string, FileSpec>>;
  /** Prior runs of the command line (their exit code must be one of `code`). */
  readonly setup?: readonly {
    readonly args: readonly string[];
    readonly code: readonly number[];
    readonly signal?: Signal;
  }[];
  /** Run after the files and setup, before the command: corrupt what the setup wrote. */
  readonly prepare?: (dir: string, env: Env) => Promise<void>;
  /** What the command must do: one outcome, or several acceptable ones (where the issue allows both). */
  readonly expect: Outcome | readonly Outcome[];
  /** Folders (relative) under which the command may create or change files; default nothing. */
  readonly writes?: readonly string[];
  /** Paths that must exist afterwards. */
  readonly exists?: readonly string[];
  /** Paths that must not exist afterwards. */
  readonly absent?: readonly string[];
  /** Most lines a message may have (one paragraph; default 8). */
  readonly maxLines?: number;
  /** Seconds before the command is killed and the case fails (default 60). */
  readonly timeout?: number;
  /** A signal sent to the command while it runs (Ctrl-C, or a kill). */
  readonly signal?: Signal;
  /** Not a bad input: a run that must succeed, so that the cases around it test what they say. */
  readonly control?: boolean;
  /**
   * How the model file's type check runs (see the module's documentation; default: in the table's one
   * check, then --no-check). "own": the case runs the command's own check. "skipped": --no-check, for
   * a case about the check at run time of a mistake that its model's casts also hide from the type
   * checker, as a .js model file or a run with --no-check meets it; the reason is given where it is set.
   */
  readonly typeCheck?: "own" | "skipped";
}

type Signal = CliSignal;

/** What `prepare` may use. */
interface Env {
  /** Mounts a tmpfs at `path` (relative to the case's folder); throws Skip when that is not possible. */
  mount(path: string, options: string): Promise<void>;
}

/** A case that cannot run here, with the reason. */
class Skip extends Error {}

// ---------------------------------------------------------------------------------------------------
// Helpers for writing cases.

const modUrl = new URL("mod.ts", `file://${repositoryRoot}`).href;
const fixtures = new URL("../testdata/bad/", import.meta.url);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A message that names `word` (quoted, or after a noun such as "variable"). */
function names(word: string): RegExp {
  const w = escape(word);
  return new RegExp(
    `(["'\`])${w}\\1|(variable|field|name|option|parameter|property|action|model|gate|file|folder|directory|path)s? ${w}\\b|${w}:\\d+|${w}\\b.*(reserved|clash|not allowed|refused|invalid)`,
    "i",
  );
}

/** A model file: the tiny fixture with parts replaced. */
function model(parts: {
  readonly head?: string;
  readonly name?: string;
  readonly params?: string;
  readonly state?: string;
  readonly init?: string;
  readonly actions?: string;
  readonly properties?: string;
  readonly extra?: string;
}): string {
  return `// deno-lint-ignore-file
import { arrayOf, bool, boolParam, defineModel, enumOf, indexSet, elementOf, int, intParam, recordOf, range } from "${modUrl}";
${parts.head ?? ""}
export default defineModel({
  name: ${JSON.stringify(parts.name ?? "bad")},
  description: "A model with one mistake.",
  params: ${parts.params ?? "{}"},
  state: ${parts.state ?? "() => ({ x: int(0, 3), flag: bool })"},
  init: ${parts.init ?? "() => {}"},
  actions: ${
    parts.actions ??
      `(_p, { action }) => [
    action("inc", { guard: (s) => s.x < 3, effect: (s) => { s.x = s.x + 1; } }),
    action("toggle", { effect: (s) => { s.flag = !s.flag; } }),
  ]`
  },
  properties: ${parts.properties ?? `(_p, { always }) => [always("small", (s) => s.x < 3)]`},
  ${parts.extra ?? ""}
});
`;
}

/** The same model with one action's guard or effect replaced (the state is `x: int(0, 3), flag: bool`). */
function modelWithAction(spec: string, extra: Partial<Parameters<typeof model>[0]> = {}): string {
  return model({
    ...extra,
    actions: `(_p, { action }) => [
    action("inc", { guard: (s) => s.x < 3, effect: (s) => { s.x = s.x + 1; } }),
    action("oops", ${spec}),
  ]`,
  });
}

/** A model whose only property is `text` (a property builder call). */
function modelWithProperty(text: string): string {
  return model({ properties: `(_p, { always, sometimes, transition }) => [${text}]` });
}

const violated: Outcome = { code: 1, stdout: /VIOLATED/ };

/** Model-file cases: exit 2, naming what the model did wrong. */
function modelCase(
  name: string,
  area: Area,
  source: string,
  stderr: readonly RegExp[],
  more: Partial<Case> = {},
): Case {
  return {
    name,
    area,
    args: ["explore", "m.ts", ...(more.args ?? [])],
    files: { "m.ts": source, ...(more.files ?? {}) },
    expect: { code: 2, stderr },
    writes: ["out"],
    ...Object.fromEntries(Object.entries(more).filter(([k]) => k !== "args" && k !== "files")),
  };
}

/** A command-line case: exit 2, a message naming `word`, nothing written. */
function optionCase(
  name: string,
  args: readonly string[],
  word: string | RegExp,
  more: Partial<Case> = {},
): Case {
  return {
    name,
    area: "cli",
    args,
    expect: {
      code: 2,
      stderr: [typeof word === "string" ? new RegExp(escape(word), "i") : word],
    },
    writes: [],
    ...more,
  };
}

/** Gates picked by what they check, so that renaming a gate does not break the suite. */
function pickGate(expectViolation: boolean): string {
  const gate = gates.find((g) =>
    g.model === "page_ownership" &&
    Object.values(g.expect).some((e) => typeof e === "object") === expectViolation &&
    !g.tags?.includes("slow")
  );
  if (!gate) {
    throw new Error(`No page_ownership gate that expects ${expectViolation ? "a violation" : "holds"}`);
  }
  return gate.name;
}
const violatedGate = pickGate(true);
const holdsGate = pickGate(false);

// --- Traces: one written by a run, then changed.

const tracePath = "t.itf.json";
const buggyOwnership = ["explore", "page_ownership", "--set", "fixed=false", "--workers", "1"];
const traceSetup = [{ args: buggyOwnership, code: [1] }];

type Json = Record<string, unknown>;

async function findFiles(dir: string, pattern: RegExp): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (pattern.test(p)) found.push(p);
    }
  };
  await walk(dir);
  return found.sort();
}

/** Writes t.itf.json: the counterexample the setup run wrote, changed by `change`. */
function traceCase(
  name: string,
  change: (trace: Json) => unknown,
  stderr: readonly RegExp[],
  more: Partial<Case> = {},
): Case {
  return {
    name,
    area: "traces",
    args: ["replay", "page_ownership", tracePath],
    setup: traceSetup,
    prepare: async (dir) => {
      const [written] = await findFiles(`${dir}/out`, /\.itf\.json$/);
      if (!written) throw new Error("the setup run wrote no .itf.json trace under out/");
      const trace = JSON.parse(await Deno.readTextFile(written)) as Json;
      const changed = change(trace) ?? trace;
      await Deno.writeTextFile(
        `${dir}/${tracePath}`,
        typeof changed === "string" ? changed : JSON.stringify(changed, null, 1),
      );
    },
    expect: { code: 2, stderr },
    writes: [],
    ...more,
  };
}

function states(trace: Json): Json[] {
  return trace.states as Json[];
}

/** Changes the parameters a trace records (JSON text in its #meta). */
function editParams(trace: Json, edit: (params: Json) => unknown): void {
  const meta = trace["#meta"] as Json;
  const params = JSON.parse(meta.params as string) as Json;
  edit(params);
  meta.params = JSON.stringify(params);
}

/** A trace case with the file's text given outright. */
function traceText(name: string, text: string | Uint8Array, stderr: readonly RegExp[]): Case {
  return {
    name,
    area: "traces",
    args: ["replay", "page_ownership", tracePath],
    files: { [tracePath]: text },
    expect: { code: 2, stderr },
    writes: [],
  };
}

// --- Checkpoints: written by a run of the grid fixture, then changed.

const gridArgs = ["grid.ts", "--workers", "1"];
function checkpointSetup(bug: boolean) {
  return [{
    args: [
      "explore",
      ...gridArgs,
      ...(bug ? ["--set", "bug=true"] : []),
      "--checkpoint",
      "out/ck",
      "--checkpoint-every",
      "0.001",
    ],
    code: [bug ? 1 : 0],
  }];
}

/** The checkpoint `out/ck/latest` names (or the newest one found). */
async function latestCheckpoint(dir: string): Promise<string> {
  try {
    const name = (await Deno.readTextFile(`${dir}/out/ck/latest`)).trim();
    return `${dir}/out/ck/${name}`;
  } catch {
    const metas = await findFiles(`${dir}/out/ck`, /meta\.json$/);
    if (!metas.length) throw new Error("the setup run wrote no checkpoint under out/ck");
    return metas.at(-1)!.replace(/\/meta\.json$/, "");
  }
}

async function editText(path: string, edit: (text: string) => string): Promise<void> {
  const text = await Deno.readTextFile(path);
  const edited = edit(text);
  if (edited === text) throw new Error(`the edit changed nothing in ${path}`);
  await Deno.writeTextFile(path, edited);
}

/** Changes one digit of the first number after `"key":` in a checkpoint's meta.json. */
function changeDigit(key: string) {
  return async (dir: string) => {
    const meta = `${await latestCheckpoint(dir)}/meta.json`;
    await editText(meta, (text) =>
      text.replace(
        new RegExp(`("${key}":\\s*\\[?\\s*)(\\d)`),
        (_m, before: string, digit: string) => `${before}${(Number(digit) + 1) % 10 || 1}`,
      ));
  };
}

const checkpointMessage = [
  /out\/ck/,
  /checkpoint/i,
  /corrupt|integrity|does not match|tamper|changed|invalid|differ|unreadable|format|truncated/i,
];

function checkpointCase(
  name: string,
  prepare: (dir: string, env: Env) => Promise<void>,
  more: Partial<Case> & { bug?: boolean } = {},
): Case {
  const { bug, ...rest } = more;
  return {
    name,
    area: "sandbox/faults/checkpoints",
    args: ["explore", ...gridArgs, ...(bug ? ["--set", "bug=true"] : []), "--resume", "out/ck"],
    files: { "grid.ts": { fixture: "grid.ts" } },
    setup: checkpointSetup(bug === true),
    prepare,
    expect: { code: 2, stderr: checkpointMessage },
    writes: ["out"],
    ...rest,
  };
}

// ---------------------------------------------------------------------------------------------------
// The cases.

const cases: Case[] = [];
const add = (...more: Case[]) => cases.push(...more);

// --- Controls: runs that must work, so that the cases built on them test what they say.
add(
  {
    name: "control: explore a registered model that violates",
    area: "cli",
    args: buggyOwnership,
    expect: violated,
    writes: ["out"],
    control: true,
  },
  {
    name: "control: the tiny fixture model file violates",
    area: "cli",
    args: ["explore", "m.ts", "--workers", "1"],
    files: { "m.ts": { fixture: "tiny.ts" } },
    expect: { code: 1, stdout: [/VIOLATED/, /\b8 distinct states/] },
    writes: ["out"],
    control: true,
    // The whole path a user takes: the command's own type check, then the least-privilege child.
    typeCheck: "own",
  },
  {
    name: "control: the generated base model violates",
    area: "cli",
    args: ["explore", "m.ts", "--workers", "1"],
    files: { "m.ts": model({}) },
    expect: { code: 1, stdout: [/VIOLATED/, /\b8 distinct states/] },
    writes: ["out"],
    control: true,
    typeCheck: "own",
  },
  {
    name: "control: replay of a written trace",
    area: "traces",
    args: ["replay", "page_ownership", tracePath],
    setup: traceSetup,
    prepare: async (dir) => {
      const [written] = await findFiles(`${dir}/out`, /\.itf\.json$/);
      await Deno.copyFile(written!, `${dir}/${tracePath}`);
    },
    expect: { code: 0, stdout: /is a run/ },
    control: true,
  },
  checkpointCase("control: resume an untouched checkpoint", async () => {}, {
    expect: { code: 0, stdout: [/HOLDS/, /1,681 distinct states/] },
    control: true,
  }),
  checkpointCase("control: resume an untouched checkpoint with a finding", async () => {}, {
    bug: true,
    expect: { code: 1, stdout: [/VIOLATED/, /1,681 distinct states/] },
    control: true,
  }),
);

// --- Every command's --help prints that command's usage and exits 0.
for (const command of ["check", "explore", "replay", "list"]) {
  add({
    name: `${command} --help exits 0 with its usage`,
    area: "cli",
    args: [command, "--help"],
    expect: { code: 0, stdout: new RegExp(`usage[\\s\\S]*${command}|${command}[\\s\\S]*usage`, "i") },
  });
}
add(
  {
    name: "explore MODEL --help exits 0 with explore's usage",
    area: "cli",
    args: ["explore", "page_ownership", "--help"],
    expect: { code: 0, stdout: /--max-states/ },
  },
  { name: "top-level --help exits 0", area: "cli", args: ["--help"], expect: { code: 0, stdout: /usage/i } },
);

// --- Commands and options.
add(
  optionCase("unknown command", ["xplore"], "xplore"),
  optionCase(
    "unknown command gets a did-you-mean",
    ["xplore", "page_ownership"],
    /did you mean[\s\S]*explore/i,
  ),
  optionCase("unknown explore option", ["explore", "page_ownership", "--bogus"], "--bogus"),
  optionCase(
    "misspelt option gets a did-you-mean",
    ["explore", "page_ownership", "--max-state", "10"],
    /did you mean[\s\S]*--max-states/i,
  ),
  optionCase(
    "misspelt --workrs gets a did-you-mean",
    ["explore", "page_ownership", "--workrs", "1"],
    /did you mean[\s\S]*--workers/i,
  ),
  optionCase("unknown check option", ["check", "--bogus"], "--bogus"),
  optionCase("misspelt check option", ["check", "--jsn"], /did you mean[\s\S]*--json/i),
  optionCase("unknown replay option", ["replay", "page_ownership", "t.itf.json", "--bogus"], "--bogus"),
  optionCase("unknown list option", ["list", "--bogus"], "--bogus"),
  optionCase("list with an argument", ["list", "extra"], "extra"),
  optionCase("explore without a model", ["explore"], /model/i),
  optionCase("explore with two models", ["explore", "page_ownership", "hv_vmbus"], /hv_vmbus|one model/i),
  optionCase("explore with an extra argument after options", [
    "explore",
    "page_ownership",
    "--workers",
    "1",
    "extra",
  ], /extra|one model/i),
  optionCase("unknown model", ["explore", "no_such_model"], "no_such_model"),
  optionCase(
    "misspelt model gets a did-you-mean",
    ["explore", "page_ownershp"],
    /did you mean[\s\S]*page_ownership/i,
  ),
  optionCase("model file that does not exist", ["explore", "missing.ts"], "missing.ts"),
  optionCase("model path that is a folder", ["explore", "dir.ts"], "dir.ts", {
    files: { "dir.ts": { dir: true } },
  }),
  optionCase("model path with an extension that is not code", ["explore", "m.txt"], "m.txt", {
    files: { "m.txt": "hello" },
  }),
  optionCase("unknown gate", ["check", "no_such_gate"], "no_such_gate"),
  optionCase(
    "misspelt gate gets a did-you-mean",
    ["check", violatedGate.slice(0, -1)],
    new RegExp(`did you mean[\\s\\S]*${escape(violatedGate)}`, "i"),
  ),
  optionCase("unknown gate among known ones", ["check", holdsGate, "no_such_gate"], "no_such_gate"),
  optionCase("replay without arguments", ["replay"], /trace|model/i),
  optionCase("replay without a trace", ["replay", "page_ownership"], /trace/i),
  optionCase(
    "replay with an extra argument",
    ["replay", "page_ownership", "a.itf.json", "b.itf.json"],
    /b\.itf\.json|two|one trace|expects/i,
  ),
  optionCase("replay of an unknown model", ["replay", "no_such_model", "t.itf.json"], "no_such_model"),
  optionCase(
    "replay of a trace file that does not exist",
    ["replay", "page_ownership", "missing.itf.json"],
    "missing.itf.json",
  ),
  optionCase("replay of a folder", ["replay", "page_ownership", "dir"], "dir", {
    files: { dir: { dir: true } },
  }),
);

// Missing values and malformed numbers, for every numeric option of explore.
const numeric: readonly [string, readonly string[]][] = [
  ["--max-states", ["abc", "-1", "0", "1.5", "10abc", "", "99999999999999999999", "0x10"]],
  ["--max-depth", ["abc", "-2", "1.5", ""]],
  ["--time-limit", ["0", "-5", "abc", "NaN", "Infinity", ""]],
  ["--workers", ["0", "-1", "abc", "1.5", "100000", "99999999999999999999", ""]],
  ["--memory", ["0", "abc", "1e99", "-1G", "10X", "1", "0.5"]],
  ["--checkpoint-every", ["0", "-1", "abc"]],
];
for (const [option, values] of numeric) {
  add(optionCase(`explore ${option} without a value`, ["explore", "page_ownership", option], option));
  for (const value of values) {
    add(optionCase(
      `explore ${option}=${JSON.stringify(value)}`,
      ["explore", "page_ownership", `${option}=${value}`],
      option,
    ));
  }
}
add(
  optionCase("check --workers 0", ["check", holdsGate, "--workers", "0"], "--workers"),
  optionCase("check --workers abc", ["check", holdsGate, "--workers=abc"], "--workers"),
  optionCase("check --out without a value", ["check", holdsGate, "--out"], "--out"),
  optionCase("explore --set without a value", ["explore", "page_ownership", "--set"], "--set"),
  optionCase(
    "explore --trace-dir without a value",
    ["explore", "page_ownership", "--trace-dir"],
    "--trace-dir",
  ),
  optionCase("explore --resume without a value", ["explore", "page_ownership", "--resume"], "--resume"),
  optionCase("replay --set without a value", ["replay", "page_ownership", "t.itf.json", "--set"], "--set"),
);

// --set: names and values.
const setCases: readonly [string, string, string][] = [
  ["unknown --set name", "no_such=1", "no_such"],
  ["--set name in the wrong case", "Pages=3", "Pages"],
  ["--set without =", "pages", "pages"],
  ["--set with an empty name", "=3", "="],
  ["--set with an empty value", "pages=", "pages"],
  ["--set int that is not a number", "pages=abc", "pages"],
  ["--set int below its range", "pages=0", "pages"],
  ["--set int above its range", "pages=17", "pages"],
  ["--set int that is not an integer", "pages=2.5", "pages"],
  ["--set negative int", "pages=-1", "pages"],
  ["--set int in hex", "pages=0x3", "pages"],
  ["--set huge int", "pages=99999999999999999999", "pages"],
  ["--set bool that is not a bool", "fixed=maybe", "fixed"],
  ["--set bool as a number", "fixed=1", "fixed"],
];
for (const [name, assignment, word] of setCases) {
  add(optionCase(name, ["explore", "page_ownership", "--set", assignment], word));
}
add(
  optionCase("--set the same name twice", [
    "explore",
    "page_ownership",
    "--set",
    "pages=3",
    "--set",
    "pages=4",
  ], "pages"),
  optionCase("--set enum to an unknown value", ["explore", "hv_vmbus", "--set", "variant=nope"], "variant"),
  optionCase("--set enum in the wrong case", ["explore", "hv_vmbus", "--set", "variant=UPSTREAM"], "variant"),
  optionCase("--set enum to a number", ["explore", "hv_vmbus", "--set", "variant=1"], "variant"),
  optionCase(
    "replay --set unknown name",
    ["replay", "page_ownership", "t.itf.json", "--set", "no_such=1"],
    "no_such",
    {
      setup: traceSetup,
      prepare: async (dir) => {
        const [written] = await findFiles(`${dir}/out`, /\.itf\.json$/);
        await Deno.copyFile(written!, `${dir}/t.itf.json`);
      },
    },
  ),
);

// A permission problem (the command run with least privilege) is exit 2 naming the path.
add({
  name: "check --out outside the folder Deno may write",
  area: "cli",
  deno: ["--allow-read", "--allow-write=out", "--allow-env", "--allow-sys"],
  args: ["check", violatedGate, "--out", "elsewhere", "--workers", "1"],
  expect: { code: 2, stderr: [/elsewhere/, /permission|allowed|--allow-write|denied/i] },
  writes: ["out"],
  absent: ["elsewhere"],
});
add({
  name: "explore --trace-dir outside the folder Deno may write",
  area: "cli",
  deno: ["--allow-read", "--allow-write=out", "--allow-env", "--allow-sys"],
  args: [...buggyOwnership, "--trace-dir", "elsewhere"],
  expect: { code: 2, stdout: /VIOLATED/, stderr: [/elsewhere/, /permission|allowed|--allow-write|denied/i] },
  writes: ["out"],
  absent: ["elsewhere"],
});

// --- Model files: loading.
const sandbox: Area = "sandbox/faults/checkpoints";
const fileLine = /m\.ts:\d+/;
add(
  modelCase("a module that exports no model", sandbox, "export const nothing = 1;\n", [/m\.ts/, /model/i]),
  modelCase("an empty file", sandbox, "", [/m\.ts/, /model/i]),
  modelCase("a syntax error", sandbox, model({}).replace("init: () => {},", "init: () => {,"), [
    /m\.ts/,
    /syntax|expected|unexpected/i,
  ]),
  modelCase("unbalanced braces", sandbox, model({}) + "\n}\n", [/m\.ts/, /syntax|expected|unexpected/i]),
  modelCase("a type error", sandbox, model({ head: `const wrong: number = "three";` }), [
    /m\.ts/,
    /TS2322|not assignable/i,
  ], { maxLines: 40 }),
  modelCase("a type error in an effect", sandbox, modelWithAction(`{ effect: (s) => { s.flag = 5; } }`), [
    /m\.ts/,
    /TS2322|not assignable/i,
  ], { maxLines: 40 }),
  modelCase(
    "a write to an undeclared variable is a type error",
    sandbox,
    modelWithAction(`{ effect: (s) => { s.xenShinf = 1; } }`),
    [/m\.ts/, /xenShinf/],
    { maxLines: 40 },
  ),
  modelCase("throws at import", sandbox, `throw new Error("boom at import");\n`, [/m\.ts/, /boom at import/]),
  modelCase("imports a module that does not exist", sandbox, `import "../no_such_module.ts";\n` + model({}), [
    /no_such_module/,
  ]),
  modelCase("default export is a number", sandbox, "export default 42;\n", [/m\.ts/, /model/i]),
  modelCase("default export is null", sandbox, "export default null;\n", [/m\.ts/, /model/i]),
  modelCase(
    "the model is exported under another name",
    sandbox,
    model({}).replace("export default", "export const other ="),
    [/m\.ts/, /model/i],
  ),
  modelCase(
    "default export is the spec, not defineModel's result",
    sandbox,
    model({}).replace("defineModel({", "({"),
    [/m\.ts/, /model/i],
  ),
  modelCase(
    "a top-level await that never resolves (a timer keeps it alive)",
    sandbox,
    `await new Promise(() => setInterval(() => {}, 1000));\n` + model({}),
    [/m\.ts/, /await|load|import|time/i],
    { timeout: 45 },
  ),
  modelCase(
    "a top-level await that never resolves (nothing pending)",
    sandbox,
    `await new Promise(() => {});\n` + model({}),
    [/m\.ts/, /await|load|import|resolve/i],
    { timeout: 45 },
  ),
  modelCase("an infinite loop at import under --time-limit", sandbox, `while (true) {}\n` + model({}), [
    /m\.ts/,
    /load|import|time/i,
  ], {
    args: ["--time-limit", "2"],
    expect: [{ code: 2, stderr: [/m\.ts/, /load|import|time/i] }, {
      code: 3,
      stderr: [/m\.ts/, /load|import|time/i],
    }],
    timeout: 20,
  }),
  modelCase("an invalid model name", sandbox, model({ name: "bad name" }), [/bad name/]),
);

// Least privilege: the model file runs with reads of its own folder and writes under the output folder.
add(
  modelCase(
    "a model that reads a file outside its folder",
    sandbox,
    `Deno.readTextFileSync("/etc/hostname");\n` + model({}),
    [/m\.ts/, /read|permission|denied/i],
  ),
  modelCase(
    "a model that writes outside the output folder",
    sandbox,
    `Deno.writeTextFileSync("escaped.txt", "x");\n` + model({}),
    [/m\.ts/, /write|permission|denied/i],
    { absent: ["escaped.txt"] },
  ),
  modelCase("a model that runs a process", sandbox, `new Deno.Command("true").outputSync();\n` + model({}), [
    /m\.ts/,
    /run|permission|denied/i,
  ]),
  modelCase(
    "a model that reaches the network",
    sandbox,
    `await Deno.connect({ hostname: "127.0.0.1", port: 9 }).catch((e) => { if (e instanceof Deno.errors.NotCapable || e?.name === "NotCapable" || e instanceof Deno.errors.PermissionDenied) throw e; });\n` +
      model({}),
    [/m\.ts/, /net|permission|denied/i],
  ),
  modelCase("a model that reads the environment", sandbox, `Deno.env.get("HOME");\n` + model({}), [
    /m\.ts/,
    /env|permission|denied/i,
  ]),
);

// --- Model files: the model's structure (names validated where the engine takes the model in).
const views: Area = "names/views";
add(
  modelCase(
    "duplicate action names",
    views,
    model({
      actions: `(_p, { action }) => [
    action("inc", { effect: (s) => { s.flag = true; } }),
    action("inc", { effect: (s) => { s.flag = false; } }),
  ]`,
    }),
    [names("inc"), /twice|duplicate/i],
  ),
  modelCase(
    "duplicate property names",
    views,
    modelWithProperty(`always("p1", (s) => s.x < 3), sometimes("p1", (s) => s.flag)`),
    [names("p1"), /twice|duplicate/i],
  ),
  modelCase(
    "a property named like the implicit deadlock property",
    views,
    modelWithProperty(`always("deadlock", (s) => s.x < 3)`),
    [names("deadlock")],
  ),
  modelCase(
    "an action name with a path in it (built by hand)",
    views,
    model({
      actions:
        `(_p, { action }) => [{ ...action("inc", { effect: (s) => { s.flag = !s.flag; } }), name: "../../escape" }]`,
    }),
    [/\.\.\/\.\.\/escape/],
  ),
  modelCase(
    "a property name with ../ (built by hand)",
    views,
    modelWithProperty(
      `{ kind: "always", name: "../../escape", description: "", predicate: (s: any) => s.x < 1 } as any`,
    ),
    [/\.\.\/\.\.\/escape/],
    { absent: ["escape.txt", "escape.itf.json", "out/escape.txt"] },
  ),
  modelCase(
    "a model name with ../ (built by hand)",
    views,
    model({}).replace("export default defineModel({", "const built = defineModel({").replace(
      /\}\);\n$/,
      '});\nexport default { ...built, name: "../../evil" };\n',
    ),
    [/\.\.\/\.\.\/evil/],
    { absent: ["evil", "out/evil"] },
  ),
  modelCase(
    "a property name with a slash (built by hand)",
    views,
    modelWithProperty(
      `{ kind: "always", name: "a/b", description: "", predicate: (s: any) => s.x < 1 } as any`,
    ),
    [/a\/b/],
    { absent: ["out/traces/bad/a"] },
  ),
  modelCase(
    "a property of an unknown kind",
    views,
    modelWithProperty(
      `{ kind: "finally", name: "later", description: "", predicate: (s: any) => s.x < 1 } as any`,
    ),
    [names("later"), /kind|finally/i],
  ),
  // These three are about the check at run time (a .js model file, or a run with --no-check, meets it):
  // their state functions hide the mistake from the type checker, and hide the state's type with it, so
  // the base model's actions, which read x and flag, do not type-check.
  modelCase("empty state", views, model({ state: "() => ({})" }), [/state/i, /no state variables|empty/i], {
    typeCheck: "skipped",
  }),
  modelCase("state() returns a number", views, model({ state: "(() => 5) as any" }), [/state/i], {
    typeCheck: "skipped",
  }),
  modelCase(
    "a state variable that is not a domain",
    views,
    model({ state: "(() => ({ x: int(0, 3), flag: bool, weird: 5 })) as any" }),
    [names("weird")],
    { typeCheck: "skipped" },
  ),
  modelCase("init is not a function", views, model({ init: "5 as any" }), [/init/]),
  modelCase("init is an empty array", views, model({ init: "[]" }), [/init/]),
  modelCase("actions() returns an object", views, model({ actions: "(() => ({ inc: 1 })) as any" }), [
    /actions/,
  ]),
  modelCase("actions is an array, not a function", views, model({ actions: "[] as any" }), [/actions/]),
  modelCase("an entry of actions() is not an action", views, model({ actions: "(() => [5]) as any" }), [
    /action/,
  ]),
  modelCase("properties() returns a number", views, model({ properties: "(() => 5) as any" }), [
    /properties/,
  ]),
  modelCase(
    "properties() throws",
    views,
    model({ properties: `() => { throw new Error("no properties today"); }` }),
    [/no properties today/, fileLine],
  ),
  modelCase(
    "an action parameter over an empty range",
    views,
    modelWithAction(`{ params: { i: range(0) }, effect: (s) => { s.flag = true; } }`),
    [/range/],
  ),
  modelCase(
    "an action parameter that is not a scalar",
    views,
    modelWithAction(`{ params: { i: arrayOf(2, bool) } as any, effect: (s) => { s.flag = true; } }`),
    [names("i")],
  ),
  modelCase(
    "an int domain with min above max",
    views,
    model({ state: "() => ({ x: int(3, 0), flag: bool })" }),
    [/int|3|min/i],
  ),
  modelCase(
    "an int domain of 2^53 values",
    views,
    model({ state: "() => ({ x: int(0, 2 ** 53), flag: bool })" }),
    [/int|2\^?53|9007199254740992|too (large|wide)/i],
  ),
  modelCase("an empty enum", views, model({ state: "() => ({ x: int(0, 3), flag: bool, e: enumOf() })" }), [
    /enum/i,
  ]),
  modelCase(
    "an enum with a value twice",
    views,
    model({ state: `() => ({ x: int(0, 3), flag: bool, e: enumOf("a", "a") })` }),
    [/enum|"a"|twice|duplicate/i],
  ),
  modelCase(
    "an array of negative length",
    views,
    model({ state: "() => ({ x: int(0, 3), flag: bool, a: arrayOf(-1, bool) })" }),
    [/array|-1|length/i],
  ),
  modelCase(
    "an array of fractional length",
    views,
    model({ state: "() => ({ x: int(0, 3), flag: bool, a: arrayOf(1.5, bool) })" }),
    [/array|1\.5|length/i],
  ),
  modelCase(
    "a state of 10^8 bools is refused before allocating",
    views,
    model({ state: "() => ({ x: int(0, 3), flag: bool, a: arrayOf(10 ** 8, bool) })" }),
    [/too large|memory|words|bits|size/i],
    { timeout: 30 },
  ),
  modelCase(
    "a state of 2^31 bools",
    views,
    model({ state: "() => ({ x: int(0, 3), flag: bool, a: arrayOf(2 ** 31, bool) })" }),
    [/too large|memory|words|bits|size|length/i],
    { timeout: 20 },
  ),
  modelCase(
    "symmetry over an index set that does not exist",
    views,
    model({ extra: `symmetry: ["no_such_set"],` }),
    [names("no_such_set")],
  ),
  modelCase("terminal is not a function", views, model({ extra: "terminal: 5 as any," }), [/terminal/]),
  modelCase("withinBoundary is not a function", views, model({ extra: `withinBoundary: "yes" as any,` }), [
    /withinBoundary|boundary/,
  ]),
  modelCase("deadlock is not a boolean", views, model({ extra: `deadlock: "no" as any,` }), [/deadlock/]),
  modelCase(
    "a parameter declared with min above max",
    views,
    model({ params: `{ n: intParam({ min: 5, max: 1, default: 3, description: "n" }) }` }),
    [/5|min|max/],
  ),
);

// Hostile names: each must work (the right verdict: 4 states, violated) or be refused naming it.
function hostile(kind: "scalar" | "array" | "field", word: string): Case {
  const key = JSON.stringify(word);
  const state = kind === "scalar"
    ? `{ [${key}]: bool, x: bool }`
    : kind === "array"
    ? `{ [${key}]: arrayOf(1, bool), x: bool }`
    : `{ r: recordOf({ [${key}]: bool }), x: bool }`;
  const read = kind === "scalar" ? `v[${key}]` : kind === "array" ? `v[${key}].get(0)` : `v.r[${key}]`;
  const write = kind === "scalar"
    ? `v[${key}] = !v[${key}]`
    : kind === "array"
    ? `v[${key}].set(0, !v[${key}].get(0))`
    : `v.r[${key}] = !v.r[${key}]`;
  const source = model({
    state: `(() => (${state})) as any`,
    actions: `(_p, { action }) => [
    action("set_name", { effect: (s) => { const v = s as any; ${write}; } }),
    action("flip_x", { effect: (s) => { const v = s as any; v.x = !v.x; } }),
  ]`,
    properties:
      `(_p, { always }) => [always("name_implies_x", (s) => { const v = s as any; return !(${read} && !v.x); })]`,
  });
  return {
    name: `${kind} named ${word}`,
    area: "names/views",
    args: ["explore", "m.ts", "--workers", "1"],
    files: { "m.ts": source },
    expect: [
      {
        code: 1,
        stdout: [/VIOLATED/, /\b4 distinct states/, /name_implies_x\s+always\s+violated \(1 steps?\)/],
      },
      { code: 2, stderr: names(word) },
    ],
    writes: ["out"],
  };
}
const specialNames = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "length", "then"];
for (const word of ["s", "w", "b", "p", "get", "set", "every", "words", "shape", ...specialNames]) {
  add(hostile("scalar", word));
}
for (const word of ["s", "w", "b", "get", "constructor", "__proto__"]) add(hostile("array", word));
for (const word of ["p", "s", "w", "b", "get", "constructor", "__proto__"]) add(hostile("field", word));

// --- Model files: mistakes in guards, effects and properties, named with the user's file and line.
add(
  modelCase(
    "a write to an undeclared variable",
    views,
    modelWithAction(`{ effect: (s) => { (s as any).xenShinf = true; } }`),
    [/xenShinf/, /oops/, fileLine],
  ),
  modelCase(
    "a misspelt read in a guard",
    views,
    modelWithAction(`{ guard: (s) => (s as any).flg === true, effect: (s) => { s.flag = true; } }`),
    [/flg/, /oops/, fileLine],
  ),
  modelCase(
    "a misspelt read in an effect",
    views,
    modelWithAction(`{ effect: (s) => { s.flag = (s as any).flg; } }`),
    [/flg/, /oops/, fileLine],
  ),
  modelCase(
    "a misspelt read in a property",
    views,
    modelWithProperty(`always("typo", (s) => (s as any).xx !== 7)`),
    [/xx/, /typo/, fileLine],
  ),
  modelCase(
    "a misspelt read of a record field",
    views,
    model({
      state: "() => ({ x: int(0, 3), flag: bool, r: recordOf({ on: bool }) })",
      properties: `(_p, { always }) => [always("typo", (s) => (s.r as any).onn !== 7)]`,
    }),
    [/onn/, /typo/, fileLine],
  ),
  modelCase(
    "a guard that writes the state",
    views,
    modelWithAction(
      `{ guard: (s) => { (s as any).flag = true; return true; }, effect: (s) => { s.x = 0; } }`,
    ),
    [/oops/, /guard/i, /writ|read-only|readonly/i],
  ),
  modelCase(
    "an invariant that writes the state",
    views,
    modelWithProperty(`always("sneaky", (s) => { (s as any).x = 0; return true; })`),
    [/sneaky/, /writ|read-only|readonly/i],
  ),
  modelCase(
    "a transition property that writes the state",
    views,
    modelWithProperty(`transition("sneaky", (_b, _a, after) => { (after as any).x = 0; return true; })`),
    [/sneaky/, /writ|read-only|readonly/i],
  ),
  modelCase(
    "a terminal predicate that writes the state",
    views,
    model({ extra: `terminal: (s) => { (s as any).flag = true; return false; },` }),
    [/terminal/, /writ|read-only|readonly/i],
  ),
  modelCase(
    "a property that returns a string",
    views,
    modelWithProperty(`always("stringy", (s) => (s.x < 3 ? "yes" : "") as any)`),
    [/stringy/, /boolean|string/i],
  ),
  modelCase(
    "a property that returns undefined",
    views,
    modelWithProperty(`always("forgot_return", ((s: any) => { s.x < 3; }) as any)`),
    [/forgot_return/, /boolean|undefined/i],
  ),
  modelCase(
    "a property that returns a number",
    views,
    modelWithProperty(`always("numeric", (s) => (s.x < 3 ? 1 : 0) as any)`),
    [/numeric/, /boolean|number/i],
  ),
  modelCase(
    "a sometimes property that returns undefined",
    views,
    modelWithProperty(`sometimes("maybe", ((_s: any) => undefined) as any)`),
    [/maybe/, /boolean|undefined/i],
  ),
  modelCase(
    "a transition property that returns a string",
    views,
    modelWithProperty(`transition("stringy", (() => "true") as any)`),
    [/stringy/, /boolean|string/i],
  ),
  modelCase(
    "a guard that returns undefined",
    views,
    modelWithAction(`{ guard: ((s: any) => { s.x < 3; }) as any, effect: (s) => { s.flag = true; } }`),
    [/oops/, /guard/i, /boolean|undefined/i],
  ),
  modelCase(
    "a guard that returns a number",
    views,
    modelWithAction(`{ guard: ((s: any) => s.x) as any, effect: (s) => { s.flag = true; } }`),
    [/oops/, /guard/i, /boolean|number/i],
  ),
  modelCase(
    "a guard that throws",
    views,
    modelWithAction(
      `{ guard: () => { throw new Error("guard exploded"); }, effect: (s) => { s.flag = true; } }`,
    ),
    [/guard exploded/, /oops/, fileLine],
  ),
  modelCase(
    "an effect that throws",
    views,
    modelWithAction(`{ effect: () => { throw new Error("effect exploded"); } }`),
    [/effect exploded/, /oops/, fileLine],
  ),
  modelCase(
    "an effect that throws after a few steps",
    views,
    modelWithAction(`{ guard: (s) => s.x === 2, effect: () => { throw new Error("late explosion"); } }`),
    [/late explosion/, /oops/, fileLine],
  ),
  modelCase(
    "a property that throws",
    views,
    modelWithProperty(
      `always("explodes", (s) => { if (s.x === 1) throw new Error("property exploded"); return true; })`,
    ),
    [/property exploded/, /explodes/, fileLine],
  ),
  modelCase("init that throws", views, model({ init: `() => { throw new Error("init exploded"); }` }), [
    /init exploded/,
    fileLine,
  ]),
  modelCase(
    "a terminal predicate that throws",
    views,
    model({
      extra: `terminal: () => { throw new Error("terminal exploded"); },`,
      actions:
        '(_p, { action }) => [action("inc", { guard: (s) => s.x < 3, effect: (s) => { s.x = s.x + 1; } })]',
    }),
    [/terminal exploded/, fileLine],
  ),
  modelCase(
    "withinBoundary that throws",
    views,
    model({ extra: `withinBoundary: () => { throw new Error("boundary exploded"); },` }),
    [/boundary exploded/, fileLine],
  ),
  modelCase("a throw of a non-Error value", views, modelWithAction(`{ effect: () => { throw 42; } }`), [
    /42/,
    /oops/,
  ]),
  modelCase("an out-of-domain int write", views, modelWithAction(`{ effect: (s) => { s.x = 7; } }`), [
    /\bx\b/,
    /7/,
    /oops/,
    fileLine,
  ]),
  modelCase("an out-of-domain write in init", views, model({ init: `(s) => { s.x = 9; }` }), [
    /\bx\b/,
    /9/,
    /init/,
    fileLine,
  ]),
  modelCase(
    "a number written to a bool",
    views,
    modelWithAction(`{ effect: (s) => { (s as any).flag = 1; } }`),
    [/flag/, /oops/],
  ),
  modelCase(
    "an unknown enum value written",
    views,
    model({
      state: `() => ({ x: int(0, 3), flag: bool, phase: enumOf("on", "off") })`,
      actions: `(_p, { action }) => [action("oops", { effect: (s) => { (s as any).phase = "sideways"; } })]`,
    }),
    [/phase/, /sideways/, /oops/],
  ),
  modelCase(
    "an array index out of range",
    views,
    model({
      state: `() => ({ x: int(0, 3), flag: bool, a: arrayOf(2, bool) })`,
      actions: `(_p, { action }) => [action("oops", { effect: (s) => { s.a.set(5, true); } })]`,
    }),
    [/\ba\b|a\[5\]/, /5/, /oops/],
  ),
  modelCase(
    "a whole array overwritten with a scalar",
    views,
    model({
      state: `() => ({ x: int(0, 3), flag: bool, a: arrayOf(2, bool) })`,
      actions: `(_p, { action }) => [action("oops", { effect: (s) => { (s as any).a = true; } })]`,
    }),
    [/\ba\b/, /oops/],
  ),
  modelCase("a fractional int write", views, modelWithAction(`{ effect: (s) => { s.x = 1.5; } }`), [
    /\bx\b/,
    /1\.5/,
    /oops/,
  ]),
  modelCase("NaN written to an int", views, modelWithAction(`{ effect: (s) => { s.x = NaN; } }`), [
    /\bx\b/,
    /NaN/,
    /oops/,
  ]),
);

// --debug is the one way to see a stack trace; --json keeps stdout clean when the input is refused.
add(
  modelCase(
    "--debug shows the stack of an effect that throws",
    views,
    modelWithAction(`{ effect: () => { throw new Error("effect exploded"); } }`),
    [/effect exploded/, /^ {4}at /m],
    { args: ["--debug"], maxLines: 60 },
  ),
  optionCase(
    "explore --json with an unknown model prints no JSON",
    ["explore", "no_such_model", "--json"],
    "no_such_model",
    {
      expect: { code: 2, stderr: /no_such_model/, stdout: /^\s*$/ },
    },
  ),
  optionCase(
    "check --json with an unknown gate prints no JSON",
    ["check", "no_such_gate", "--json"],
    "no_such_gate",
    {
      expect: { code: 2, stderr: /no_such_gate/, stdout: /^\s*$/ },
    },
  ),
);

// --- Nondeterminism: caught during the search, never a silent wrong answer or a false trace.
const traces: Area = "traces";
const nondeterminism = /nondetermin|Math\.random|differ|not deterministic|same state/i;
add(
  modelCase(
    "Math.random in an effect",
    traces,
    modelWithAction(`{ effect: (s) => { s.flag = Math.random() < 0.5; } }`),
    [/oops/, nondeterminism],
    { args: ["--workers", "1"] },
  ),
  modelCase(
    "Math.random in a guard",
    traces,
    modelWithAction(`{ guard: () => Math.random() < 0.5, effect: (s) => { s.flag = !s.flag; } }`),
    [/oops/, nondeterminism],
    { args: ["--workers", "1"] },
  ),
  modelCase(
    "Math.random in a property",
    traces,
    modelWithProperty(`always("coin", () => Math.random() < 0.9)`),
    [/coin/, nondeterminism],
    { args: ["--workers", "1"] },
  ),
  modelCase(
    "hidden state kept in a module variable",
    traces,
    modelWithAction(`{ effect: (s) => { calls++; s.flag = calls % 2 === 0; } }`, { head: "let calls = 0;" }),
    [/oops/, nondeterminism],
    { args: ["--workers", "1"] },
  ),
  modelCase(
    "Date.now in an effect",
    traces,
    modelWithAction(`{ effect: (s) => { s.flag = Date.now() % 2 === 0; } }`),
    [/oops/, nondeterminism],
    { args: ["--workers", "1"] },
  ),
  modelCase(
    "module-level randomness differs per worker thread",
    traces,
    model({
      head: "const coin = Math.random() < 0.5;",
      state: "() => ({ x: int(0, 200), flag: bool })",
      actions: `(_p, { action }) => [
    action("inc", { guard: (s) => s.x < 200 && (coin || s.x < 100), effect: (s) => { s.x = s.x + 1; } }),
    action("toggle", { effect: (s) => { s.flag = !s.flag; } }),
  ]`,
      properties: `(_p, { always }) => [always("bounded", (s) => s.x <= 200)]`,
    }),
    [nondeterminism],
    { args: ["--workers", "2"] },
  ),
);

// --- Hung user code: a watchdog stops it; a time limit that cuts the run is exit 3.
const hung = [/oops|loops/, /time|limit|watchdog|stopped|hung/i];
add(
  modelCase(
    "an infinite loop in a guard under --time-limit",
    sandbox,
    modelWithAction(
      `{ guard: (s) => { while (s.x >= 0) {} return true; }, effect: (s) => { s.flag = true; } }`,
    ),
    hung,
    {
      args: ["--time-limit", "2", "--workers", "1"],
      expect: { code: 3, stderr: hung },
      timeout: 15,
    },
  ),
  modelCase(
    "an infinite loop in an effect under --time-limit",
    sandbox,
    modelWithAction(`{ effect: (s) => { while (s.x >= 0) {} } }`),
    hung,
    {
      args: ["--time-limit", "2", "--workers", "1"],
      expect: { code: 3, stderr: hung },
      timeout: 15,
    },
  ),
  modelCase(
    "an infinite loop in a property under --time-limit",
    sandbox,
    modelWithProperty(`always("loops", (s) => { while (s.x >= 0) {} return true; })`),
    hung,
    {
      args: ["--time-limit", "2", "--workers", "1"],
      expect: { code: 3, stderr: hung },
      timeout: 15,
    },
  ),
  modelCase(
    "an infinite loop in a guard with two workers under --time-limit",
    sandbox,
    modelWithAction(
      `{ guard: (s) => { while (s.x >= 0) {} return true; }, effect: (s) => { s.flag = true; } }`,
    ),
    hung,
    {
      args: ["--time-limit", "2", "--workers", "2"],
      expect: { code: 3, stderr: hung },
      timeout: 15,
    },
  ),
);

// --- Trace files for replay.
const tracePathMessage = /t\.itf\.json/;
add(
  traceText("a trace that is not JSON", "this is not json\n", [tracePathMessage, /JSON|parse/i]),
  traceText("an empty trace file", "", [tracePathMessage, /JSON|empty|parse/i]),
  traceText(
    "a trace that is binary garbage",
    new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x13, 0x37, 0x00, 0x9c]),
    [tracePathMessage],
  ),
  traceText("a trace that is a JSON array", "[]\n", [tracePathMessage, /states|object|ITF/i]),
  traceText("a trace that is JSON null", "null\n", [tracePathMessage, /states|object|ITF/i]),
  traceText("a trace that is a JSON string", '"states"\n', [tracePathMessage, /states|object|ITF/i]),
  traceCase("a truncated trace", (t) => JSON.stringify(t, null, 1).slice(0, 700), [
    tracePathMessage,
    /JSON|truncated|parse|end/i,
  ]),
  traceCase("a trace with trailing garbage", (t) => JSON.stringify(t) + "}x", [
    tracePathMessage,
    /JSON|parse/i,
  ]),
  traceCase("a trace of another model", (t) => {
    (t["#meta"] as Json).model = "hv_vp_assist";
  }, [tracePathMessage, /hv_vp_assist/, /page_ownership/]),
  traceCase("a trace with a parameter out of its range", (t) => {
    editParams(t, (params) => params.pages = 99);
  }, [/pages/, /99/]),
  traceCase("a trace whose #meta.params is not JSON", (t) => {
    (t["#meta"] as Json).params = "{pages: 3";
  }, [/#meta\.params is not valid JSON/]),
  traceCase("a step whose mbt::actionTaken is not a name", (t) => {
    states(t)[1]!["mbt::actionTaken"] = 7;
  }, [/state #1: mbt::actionTaken must be an action name/]),
  traceCase("a trace with an unknown parameter", (t) => {
    editParams(t, (params) => params.no_such = true);
  }, [/no_such/]),
  traceCase("a trace with a parameter of the wrong type", (t) => {
    editParams(t, (params) => params.pages = "three");
  }, [/pages/]),
  traceCase("a trace replayed with parameters it was not written with", () => undefined, [
    /pages|owner|length|differ/i,
  ], {
    args: ["replay", "page_ownership", tracePath, "--set", "pages=4"],
  }),
  traceCase("a trace replayed with a parameter that makes a step impossible", () => undefined, [], {
    args: ["replay", "page_ownership", tracePath, "--set", "fixed=true"],
    // A well-formed trace of this model whose step is no transition: "the trace is not a run" (exit 1).
    expect: { code: 1, stdout: [/not a run/, /step \d|state #?\d/i, /kexec_start|guard|enabled/i] },
  }),
  traceCase("a state with an unknown variable", (t) => {
    states(t)[1]!.bogus = true;
  }, [/bogus/]),
  traceCase("a state without one of the variables", (t) => {
    delete states(t)[1]!.phase;
  }, [/phase/]),
  traceCase("vars naming an unknown variable", (t) => {
    (t.vars as string[]).push("bogus");
  }, [/bogus/]),
  traceCase("an enum value out of its domain", (t) => {
    (states(t)[1]!.owner as unknown[])[0] = "banana";
  }, [/owner/, /banana/]),
  traceCase("an int value out of its domain", (t) => {
    states(t)[1]!.generation = { "#bigint": "99" };
  }, [/generation/, /99/]),
  traceCase("a bool of the wrong type", (t) => {
    (states(t)[1]!.hostMapped as unknown[])[0] = "yes";
  }, [/hostMapped/, /yes/]),
  traceCase("an array that is too short", (t) => {
    (states(t)[1]!.owner as unknown[]).pop();
  }, [/owner/]),
  traceCase("an array that is too long", (t) => {
    (states(t)[1]!.owner as unknown[]).push("free");
  }, [/owner/]),
  traceCase("a malformed bigint", (t) => {
    states(t)[1]!.generation = { "#bigint": "abc" };
  }, [/generation|bigint/i, /abc/]),
  traceCase("a fractional bigint", (t) => {
    states(t)[1]!.generation = { "#bigint": "1.5" };
  }, [/generation|bigint/i, /1\.5/]),
  traceCase("a bigint that is a number, not a string", (t) => {
    states(t)[1]!.generation = { "#bigint": 0 };
  }, [/generation|bigint/i]),
  traceCase("an empty bigint", (t) => {
    states(t)[1]!.generation = { "#bigint": "" };
  }, [/generation|bigint/i]),
  traceCase("a huge bigint", (t) => {
    states(t)[1]!.generation = { "#bigint": "99999999999999999999999" };
  }, [/generation/, /99999999999999999999999/]),
  traceCase("a state that is null", (t) => {
    states(t)[1] = null as unknown as Json;
  }, [/state|#?1/i]),
  traceCase("no states", (t) => {
    t.states = [];
  }, [tracePathMessage, /no states|empty|at least/i]),
  traceCase("states missing", (t) => {
    delete t.states;
  }, [tracePathMessage, /states/]),
  traceCase("states as an object", (t) => {
    t.states = { 0: states(t)[0] };
  }, [tracePathMessage, /states/]),
  traceCase(
    "a first state that is not initial",
    (t) => {
      states(t)[0]!.generation = { "#bigint": "1" };
    },
    [],
    { expect: { code: 1, stdout: [/not a run/, /initial|state #?0|step 0/i] } },
  ),
  traceCase(
    "a step that is not a run",
    (t) => {
      // In the domain, but no action maps the page host-side without sharing it first.
      (states(t)[2]!.hostMapped as unknown[])[1] = true;
    },
    [],
    { expect: { code: 1, stdout: [/not a run/, /step 2|state #?2/i] } },
  ),
  traceCase("a step whose recorded action is unknown", (t) => {
    states(t)[1]!["mbt::actionTaken"] = "no_such_action";
  }, [/no_such_action/, /step 1|state #?1/i]),
  traceCase("a step whose recorded action has a parameter out of range", (t) => {
    states(t)[1]!["mbt::nondetPicks"] = { page: { tag: "Some", value: { "#bigint": "9" } } };
  }, [/page|9/, /step 1|state #?1/i]),
  traceCase(
    "a step whose recorded action is another enabled action",
    (t) => {
      states(t)[1]!["mbt::nondetPicks"] = { page: { tag: "Some", value: { "#bigint": "1" } } };
    },
    [],
    { expect: { code: 1, stdout: [/not a run/, /step 1|state #?1/i] } },
  ),
  traceCase(
    "a step repeated (a stutter the model cannot take)",
    (t) => {
      const list = states(t);
      list.splice(2, 0, structuredClone(list[1]!));
      list.forEach((state, index) => (state["#meta"] as Json).index = index);
    },
    [],
    { expect: { code: 1, stdout: [/not a run/, /step 2|state #?2/i] } },
  ),
  traceCase(
    "a counterexample whose last state violates nothing",
    (t) => {
      states(t).pop();
    },
    [/host_mapped_implies_shared/, /not violated|holds|does not violate|no property/i],
    {
      // The trace is a run, but the file says it is a counterexample of a property it does not violate:
      // an answer about a well-formed trace of this model (exit 1), as for a trace that is not a run.
      expect: [{ code: 1, stdout: [/host_mapped_implies_shared/, /not violated|holds|does not violate/i] }],
    },
  ),
  traceCase("a trace file that is the text form", () => undefined, [tracePathMessage, /JSON|ITF/i], {
    prepare: async (dir) => {
      const [text] = await findFiles(`${dir}/out`, /\.txt$/);
      if (!text) throw new Error("the setup run wrote no .txt trace");
      await Deno.copyFile(text, `${dir}/${tracePath}`);
    },
  }),
);

// --- Checkpoints: everything a resume reads is checked; restored findings are replayed.
add(
  checkpointCase("a checkpoint with one digit changed in its state count", changeDigit("distinct")),
  checkpointCase("a checkpoint with one digit changed in its transition count", changeDigit("transitions")),
  checkpointCase("a checkpoint with its depth changed", changeDigit("depth")),
  checkpointCase("a checkpoint with its first id changed", changeDigit("currentFirstId")),
  checkpointCase("a checkpoint with a fired count changed", changeDigit("fired")),
  checkpointCase("a checkpoint whose finding was erased", async (dir) => {
    await editText(
      `${await latestCheckpoint(dir)}/meta.json`,
      (t) => t.replace(/\{\s*"property":[^}]*\}/, "null"),
    );
  }, { bug: true }),
  checkpointCase("a checkpoint with a fake finding", async (dir) => {
    await editText(
      `${await latestCheckpoint(dir)}/meta.json`,
      (t) =>
        t.replace(
          /"findings":\s*\[\s*null/,
          `"findings": [{ "property": 0, "parent": 5, "action": 0, "length": 3 }`,
        ),
    );
  }),
  checkpointCase("a checkpoint whose finding points at another state", async (dir) => {
    await editText(
      `${await latestCheckpoint(dir)}/meta.json`,
      (t) => t.replace(/("parent":\s*)(\d+)/, (_m, k) => `${k}7`),
    );
  }, { bug: true }),
  checkpointCase("a checkpoint whose finding's length changed", async (dir) => {
    await editText(
      `${await latestCheckpoint(dir)}/meta.json`,
      (t) => t.replace(/("length":\s*)(\d+)/, (_m, k) => `${k}1`),
    );
  }, { bug: true }),
  checkpointCase("a checkpoint with a truncated meta.json", async (dir) => {
    const path = `${await latestCheckpoint(dir)}/meta.json`;
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.slice(0, Math.floor(text.length / 2)));
  }),
  checkpointCase("a checkpoint whose meta.json is {}", async (dir) => {
    await Deno.writeTextFile(`${await latestCheckpoint(dir)}/meta.json`, "{}");
  }),
  checkpointCase("a checkpoint of another format", async (dir) => {
    await editText(
      `${await latestCheckpoint(dir)}/meta.json`,
      (t) => t.replace(/hvcheck-checkpoint-\d+/, "hvcheck-checkpoint-0"),
    );
  }),
  checkpointCase("a checkpoint with a truncated data file", async (dir) => {
    const path = `${await latestCheckpoint(dir)}/visited.z`;
    const data = await Deno.readFile(path);
    await Deno.writeFile(path, data.slice(0, Math.floor(data.length / 2)));
  }),
  checkpointCase("a checkpoint with one byte of a data file changed", async (dir) => {
    const path = `${await latestCheckpoint(dir)}/parents.z`;
    const data = await Deno.readFile(path);
    const middle = Math.floor(data.length / 2);
    data[middle] = data[middle]! ^ 0x01;
    await Deno.writeFile(path, data);
  }),
  checkpointCase("a checkpoint with two data files swapped", async (dir) => {
    const cp = await latestCheckpoint(dir);
    await Deno.rename(`${cp}/parents.z`, `${cp}/swap`);
    await Deno.rename(`${cp}/actions.z`, `${cp}/parents.z`);
    await Deno.rename(`${cp}/swap`, `${cp}/actions.z`);
  }),
  checkpointCase("a checkpoint with a data file missing", async (dir) => {
    await Deno.remove(`${await latestCheckpoint(dir)}/visited.z`);
  }, { expect: { code: 2, stderr: [/out\/ck/, /visited/] } }),
  checkpointCase("a checkpoint without meta.json", async (dir) => {
    await Deno.remove(`${await latestCheckpoint(dir)}/meta.json`);
  }, { expect: { code: 2, stderr: [/out\/ck/, /meta\.json|checkpoint/i] } }),
  checkpointCase("a checkpoint folder without its latest file", async (dir) => {
    await Deno.remove(`${dir}/out/ck/latest`);
  }, { expect: { code: 2, stderr: [/out\/ck/, /latest|no checkpoint/i] } }),
  checkpointCase("latest naming a checkpoint that is gone", async (dir) => {
    await Deno.remove(await latestCheckpoint(dir), { recursive: true });
  }, { expect: { code: 2, stderr: [/out\/ck/, /checkpoint/i] } }),
  checkpointCase("latest naming a path outside the folder", async (dir) => {
    await Deno.writeTextFile(`${dir}/out/ck/latest`, "../../../etc\n");
  }, { expect: { code: 2, stderr: [/out\/ck/, /checkpoint|latest/i] } }),
  checkpointCase("a checkpoint of another model", async () => {}, {
    args: ["explore", "page_ownership", "--workers", "1", "--resume", "out/ck"],
    expect: { code: 2, stderr: [/out\/ck/, /grid/, /page_ownership/] },
  }),
  checkpointCase("a checkpoint resumed with other parameters", async () => {}, {
    args: ["explore", ...gridArgs, "--set", "n=41", "--resume", "out/ck"],
    expect: { code: 2, stderr: [/out\/ck/, /\bn\b|param/i] },
  }),
  checkpointCase("a checkpoint resumed with --exact", async () => {}, {
    args: ["explore", ...gridArgs, "--exact", "--resume", "out/ck"],
    expect: { code: 2, stderr: [/out\/ck/, /exact/i] },
  }),
  checkpointCase("a checkpoint resumed after the model's code changed", async (dir) => {
    await editText(`${dir}/grid.ts`, (t) => t.replace("s.col < p.n", "s.col < p.n - 1"));
  }, { expect: { code: 2, stderr: [/out\/ck/, /code|changed|source|differ/i] } }),
  checkpointCase("--resume of a folder that does not exist", async () => {}, {
    args: ["explore", ...gridArgs, "--resume", "no_such_dir"],
    setup: [],
    expect: { code: 2, stderr: [/no_such_dir/] },
  }),
  checkpointCase("--resume of an empty folder", async (dir) => {
    await Deno.mkdir(`${dir}/empty`);
  }, {
    args: ["explore", ...gridArgs, "--resume", "empty"],
    setup: [],
    expect: { code: 2, stderr: [/empty/, /checkpoint|latest/i] },
  }),
  checkpointCase("--resume of a path that is a file", async (dir) => {
    await Deno.writeTextFile(`${dir}/afile`, "x");
  }, {
    args: ["explore", ...gridArgs, "--resume", "afile"],
    setup: [],
    expect: { code: 2, stderr: [/afile/] },
  }),
  checkpointCase("--resume under a file", async (dir) => {
    await Deno.writeTextFile(`${dir}/afile`, "x");
  }, {
    args: ["explore", ...gridArgs, "--resume", "afile/ck"],
    setup: [],
    expect: { code: 2, stderr: [/afile/] },
  }),
  checkpointCase("--checkpoint that is a file", async (dir) => {
    await Deno.writeTextFile(`${dir}/afile`, "x");
  }, {
    args: ["explore", ...gridArgs, "--checkpoint", "afile", "--checkpoint-every", "0.001"],
    setup: [],
    // A failing periodic checkpoint keeps the run going with a warning; or the path is refused up front.
    expect: [{ code: 0, stdout: /HOLDS/, stderr: [/afile/, /warning/i] }, { code: 2, stderr: [/afile/] }],
    writes: [],
  }),
  checkpointCase("--checkpoint under a file", async (dir) => {
    await Deno.writeTextFile(`${dir}/afile`, "x");
  }, {
    args: ["explore", ...gridArgs, "--checkpoint", "afile/ck", "--checkpoint-every", "0.001"],
    setup: [],
    expect: [{ code: 0, stdout: /HOLDS/, stderr: [/afile/, /warning/i] }, { code: 2, stderr: [/afile/] }],
    writes: [],
  }),
  checkpointCase(".partial-* folders left by a killed run are cleaned by the next run", async (dir) => {
    await Deno.mkdir(`${dir}/out/ck/.partial-99999-7`, { recursive: true });
    await Deno.writeTextFile(`${dir}/out/ck/.partial-99999-7/meta.json`, "{");
  }, {
    expect: { code: 0, stdout: /HOLDS/ },
    absent: ["out/ck/.partial-99999-7"],
  }),
  checkpointCase("checkpoints of other parameters in the default folder survive a run", async () => {}, {
    args: ["explore", ...gridArgs, "--set", "n=3"],
    setup: [
      { args: ["explore", ...gridArgs, "--set", "n=4", "--checkpoint-every", "0.001"], code: [0] },
    ],
    prepare: async (dir) => {
      const before = await findFiles(`${dir}/out`, /meta\.json$/);
      if (!before.length) {
        throw new Skip("the default checkpoint folder got no checkpoint from the setup run");
      }
    },
    expect: { code: 0, stdout: /HOLDS/ },
    exists: ["out/**/meta.json"],
  }),
);

// --- Faults: a run killed while it writes checkpoints, and Ctrl-C in user code that never returns.
add(
  checkpointCase("a run killed while writing checkpoints resumes from a complete one", async () => {}, {
    setup: [{
      args: [
        "explore",
        ...gridArgs,
        "--set",
        "n=60",
        "--checkpoint",
        "out/ck",
        "--checkpoint-every",
        "0.001",
      ],
      code: [137],
      signal: { signal: "SIGKILL", afterSeconds: 0.15, whenExists: "out/ck/latest" },
    }],
    args: ["explore", ...gridArgs, "--set", "n=60", "--resume", "out/ck"],
    // (60 + 1)^2 states, as a run without a kill finds
    expect: { code: 0, stdout: [/HOLDS/, /3,721 distinct states/] },
  }),
  modelCase(
    "Ctrl-C while the model file loads (a loop at import) stops it",
    sandbox,
    `while (true) {}\n` + model({}),
    [/m\.ts/, /interrupted/i, /load/i],
    {
      // Late enough for the command to have started, well before the 15 s load limit.
      signal: { signal: "SIGINT", afterSeconds: 5 },
      expect: { code: 3, stderr: [/m\.ts/, /interrupted/i, /load/i] },
      timeout: 30,
    },
  ),
  modelCase(
    "Ctrl-C stops a guard that loops forever",
    sandbox,
    modelWithAction(
      `{ guard: (s) => { while (s.x >= 0) {} return true; }, effect: (s) => { s.flag = true; } }`,
    ),
    [/interrupt|Ctrl-C|SIGINT|stopped/i],
    {
      args: ["--workers", "1"],
      signal: { signal: "SIGINT", afterSeconds: 2 },
      expect: { code: 3, stderr: [/interrupt|Ctrl-C|SIGINT|stopped/i] },
      timeout: 15,
    },
  ),
);

// --- Filesystem: the verdict is printed first, then a path problem is exit 2 (or 3) naming the path.
const fs: Area = "sandbox/faults/checkpoints";
const pathProblem = (path: string): Outcome[] => [
  { code: 2, stdout: /VIOLATED|violated/, stderr: [new RegExp(escape(path))] },
  { code: 3, stdout: /VIOLATED|violated/, stderr: [new RegExp(escape(path))] },
];
add(
  {
    name: "explore --trace-dir that is a file",
    area: fs,
    args: [...buggyOwnership, "--trace-dir", "afile"],
    files: { afile: "keep me" },
    expect: pathProblem("afile"),
    writes: ["out"],
  },
  {
    name: "explore --trace-dir under a file",
    area: fs,
    args: [...buggyOwnership, "--trace-dir", "afile/traces"],
    files: { afile: "keep me" },
    expect: pathProblem("afile"),
    writes: ["out"],
  },
  {
    name: "explore --out that is a file",
    area: "cli",
    args: [...buggyOwnership, "--out", "out_file"],
    files: { out_file: "keep me" },
    expect: pathProblem("out_file"),
  },
  {
    name: "the default output folder is a file",
    area: fs,
    args: buggyOwnership,
    files: { out: "keep me" },
    expect: pathProblem("out"),
  },
  {
    name: "the model's trace folder is a file",
    area: fs,
    args: buggyOwnership,
    files: { "out/traces/page_ownership": "keep me" },
    expect: pathProblem("page_ownership"),
  },
  {
    name: "a trace file's path is a folder",
    area: fs,
    args: buggyOwnership,
    files: { "out/traces/page_ownership/host_mapped_implies_shared.itf.json": { dir: true } },
    expect: pathProblem("host_mapped_implies_shared"),
  },
  {
    name: "check --out that is a file",
    area: fs,
    args: ["check", violatedGate, "--out", "out_file", "--workers", "1"],
    files: { out_file: "keep me" },
    expect: [{ code: 2, stderr: /out_file/ }, { code: 3, stderr: /out_file/ }],
  },
  {
    name: "check --out under a file",
    area: fs,
    args: ["check", violatedGate, "--out", "out_file/sub", "--workers", "1"],
    files: { out_file: "keep me" },
    expect: [{ code: 2, stderr: /out_file/ }, { code: 3, stderr: /out_file/ }],
  },
  {
    name: "stale trace files of a model are removed by its next run",
    area: "cli",
    args: ["explore", "page_ownership", "--workers", "1"],
    setup: traceSetup,
    expect: { code: 0, stdout: /HOLDS/ },
    writes: ["out"],
    absent: ["out/traces/page_ownership/host_mapped_implies_shared.itf.json"],
  },
  {
    name: "stale trace files of a gate are removed by its next run",
    area: "cli",
    args: ["check", holdsGate, "--workers", "1"],
    // A file hvcheck did not write stays (README, "Trace folders"); a trace it wrote of that model goes.
    files: { [`out/traces/${holdsGate}/not_hvchecks.itf.json`]: "{}\n" },
    setup: traceSetup,
    prepare: async (dir) => {
      const [written] = await findFiles(`${dir}/out/traces/page_ownership`, /\.itf\.json$/);
      const stale = `${dir}/out/traces/${holdsGate}/old_property`;
      await Deno.copyFile(written!, `${stale}.itf.json`);
      await Deno.copyFile(written!.replace(/\.itf\.json$/, ".txt"), `${stale}.txt`);
    },
    expect: { code: 0 },
    writes: ["out"],
    exists: [`out/traces/${holdsGate}/not_hvchecks.itf.json`],
    absent: [`out/traces/${holdsGate}/old_property.itf.json`, `out/traces/${holdsGate}/old_property.txt`],
  },
  {
    name: "a read-only output folder",
    area: fs,
    args: buggyOwnership,
    prepare: async (_dir, env) => await env.mount("out", "ro,size=64k"),
    expect: pathProblem("out"),
  },
  {
    name: "a read-only --trace-dir",
    area: fs,
    args: [...buggyOwnership, "--trace-dir", "ro"],
    prepare: async (_dir, env) => await env.mount("ro", "ro,size=64k"),
    expect: pathProblem("ro"),
    writes: ["out"],
  },
  {
    name: "check --out on a read-only folder",
    area: fs,
    args: ["check", violatedGate, "--out", "ro", "--workers", "1"],
    prepare: async (_dir, env) => await env.mount("ro", "ro,size=64k"),
    expect: [{ code: 2, stderr: /ro\b/ }, { code: 3, stderr: /ro\b/ }],
  },
  {
    name: "a full disk under the trace folder",
    area: fs,
    args: [...buggyOwnership, "--trace-dir", "full"],
    prepare: async (dir, env) => {
      await env.mount("full", "size=16k");
      await fillDisk(`${dir}/full`);
    },
    expect: pathProblem("full"),
    writes: ["out", "full"],
  },
  {
    name: "a full disk under the checkpoint folder keeps the run going",
    area: fs,
    args: ["explore", ...gridArgs, "--checkpoint", "full", "--checkpoint-every", "0.001"],
    files: { "grid.ts": { fixture: "grid.ts" } },
    prepare: async (dir, env) => {
      await env.mount("full", "size=16k");
      await fillDisk(`${dir}/full`);
    },
    expect: [{ code: 0, stdout: /HOLDS/, stderr: [/full/, /warning/i] }, { code: 3, stderr: /full/ }],
    writes: ["out", "full"],
  },
  {
    name: "a checkpoint folder that fills up mid-run keeps its previous checkpoint",
    area: fs,
    args: ["explore", ...gridArgs, "--set", "n=60", "--checkpoint", "full", "--checkpoint-every", "0.001"],
    files: { "grid.ts": { fixture: "grid.ts" } },
    prepare: async (_dir, env) => await env.mount("full", "size=64k"),
    expect: [{ code: 0, stdout: /HOLDS/, stderr: [/full/, /warning/i] }, { code: 0, stdout: /HOLDS/ }],
    writes: ["out", "full"],
    exists: ["full/latest"],
  },
);

/** Fills a small filesystem until a write fails. */
async function fillDisk(dir: string): Promise<void> {
  const chunk = new Uint8Array(1024);
  const file = await Deno.open(`${dir}/filler`, { write: true, create: true });
  try {
    while (true) await file.write(chunk);
  } catch {
    // ENOSPC: the disk is full
  } finally {
    file.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Running a case.

async function listFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (d: string, rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch {
      return;
    }
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        files.set(`${p}/`, "dir");
        await walk(`${d}/${e.name}`, p);
      } else {
        const info = await Deno.lstat(`${d}/${e.name}`);
        files.set(p, `${info.size}:${info.mtime?.getTime()}`);
      }
    }
  };
  await walk(dir, "");
  return files;
}

function matchesPath(pattern: string, path: string): boolean {
  if (pattern.includes("**")) {
    const re = new RegExp(
      `^${pattern.split("**").map((p) => escape(p).replace(/\\\*/g, "[^/]*")).join(".*")}$`,
    );
    return re.test(path);
  }
  return path === pattern || path === `${pattern}/`;
}

type CheckMode = "checked" | "own" | "skipped" | "none";

interface CaseResult {
  readonly c: Case;
  readonly got: string;
  readonly problems: readonly string[];
  readonly skipped?: string;
  readonly seconds?: number;
  /**
   * How its model file was type-checked: in the table's one check ("checked", then --no-check), by
   * the command ("own"), not at all ("skipped"), or the command runs no model file ("none").
   */
  readonly check?: CheckMode;
  /** The start of what it printed, for a failure's report. */
  readonly output?: string;
}

function patterns(p: RegExp | readonly RegExp[] | undefined): readonly RegExp[] {
  return p === undefined ? [] : p instanceof RegExp ? [p] : p;
}

function describeOutcomes(c: Case): string {
  const outcomes = Array.isArray(c.expect) ? c.expect : [c.expect as Outcome];
  return outcomes.map((o) => `exit ${o.code}`).join(" or ");
}

/** Checks one outcome; returns what does not hold. */
function outcomeProblems(o: Outcome, ran: CliRun): string[] {
  const problems: string[] = [];
  if (ran.code !== o.code) problems.push(`exit ${ran.code}, expected ${o.code}`);
  for (const re of patterns(o.stderr)) if (!re.test(ran.stderr)) problems.push(`stderr does not match ${re}`);
  for (const re of patterns(o.stdout)) if (!re.test(ran.stdout)) problems.push(`stdout does not match ${re}`);
  return problems;
}

/**
 * A case folder as its files and setup runs leave it: each distinct one is built once, then copied.
 * Its files are written before the type check, its setup runs after it (they run model files too).
 */
interface Template {
  readonly dir: string;
  readonly first: Case;
  /** Its model files (relative paths of the .ts files it was given), with their text. */
  readonly models: ReadonlyMap<string, string>;
  setup?: Promise<void>;
}

/** Everything the cases share in one run of the table. */
interface Table {
  readonly templates: Map<string, Template>;
  /** The errors of each model file (an absolute path) that does not type-check; [] for one that does. */
  readonly checked: Map<string, readonly Diagnostic[]>;
}

function templateKey(c: Case): string {
  return JSON.stringify([c.files ?? {}, c.setup ?? []], (_k, v) => v instanceof Uint8Array ? [...v] : v);
}

/** A model file the table's one type check may take: a module (scripts would share one global scope). */
function isModule(text: string): boolean {
  return /^\s*(import|export)\b/m.test(text);
}

async function writeFiles(c: Case, dir: string): Promise<Map<string, string>> {
  const models = new Map<string, string>();
  await Deno.mkdir(dir, { recursive: true });
  for (const [path, spec] of Object.entries(c.files ?? {})) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.replace(/\/[^/]*$/, ""), { recursive: true });
    let text: string | undefined;
    if (typeof spec === "string") text = spec;
    else if (spec instanceof Uint8Array) await Deno.writeFile(full, spec);
    else if ("dir" in spec) await Deno.mkdir(full, { recursive: true });
    else {
      text = (await Deno.readTextFile(new URL(spec.fixture, fixtures)))
        .replaceAll(`"../../../mod.ts"`, JSON.stringify(modUrl));
    }
    if (text === undefined) continue;
    await Deno.writeTextFile(full, text);
    if (path.endsWith(".ts")) models.set(path, text);
  }
  return models;
}

/** How a run of `args` in a folder made from `template` type-checks its model file. */
async function checkMode(
  table: Table,
  template: Template,
  c: Pick<Case, "typeCheck">,
  args: readonly string[],
  dir: string,
): Promise<CheckMode> {
  // Only explore runs a model file through the type check (replay and check take no such option).
  if (args[0] !== "explore" || template.models.size === 0) return "none";
  if (c.typeCheck === "skipped") return "skipped";
  if (c.typeCheck === "own") return "own";
  for (const [path, text] of template.models) {
    const errors = table.checked.get(`${template.dir}/${path}`);
    if (errors === undefined || errors.length > 0) return "own";
    // A model file that `prepare` changed was not the one checked.
    if (await Deno.readTextFile(`${dir}/${path}`).catch(() => undefined) !== text) return "own";
  }
  return "checked";
}

function withCheck(args: readonly string[], mode: CheckMode): readonly string[] {
  return mode === "checked" || mode === "skipped" ? [...args, "--no-check"] : args;
}

/** The case's folder: its template (set up once), copied. */
async function template(table: Table, c: Case): Promise<Template> {
  const t = table.templates.get(templateKey(c))!;
  t.setup ??= (async () => {
    for (const step of t.first.setup ?? []) {
      const mode = await checkMode(table, t, {}, step.args, t.dir);
      const ran = await runCli(withCheck(step.args, mode), {
        cwd: t.dir,
        timeoutSeconds: 120,
        ...(step.signal ? { signal: step.signal } : {}),
      });
      if (!step.code.includes(ran.code)) {
        throw new Error(
          `setup \`${step.args.join(" ")}\` exited ${ran.code}: ${ran.stderr.trim().split("\n")[0]}`,
        );
      }
    }
  })();
  await t.setup;
  return t;
}

async function copyTemplate(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  const out = await new Deno.Command("cp", { args: ["-a", `${from}/.`, to] }).output();
  if (!out.success) throw new Error(`cp -a ${from} ${to}: ${new TextDecoder().decode(out.stderr)}`);
}

/** The first lines of `text`, indented, for a failure's report. */
function excerpt(label: string, text: string, lines: number): string {
  const kept = text.trimEnd().split("\n");
  if (kept.length === 1 && kept[0] === "") return "";
  const shown = kept.slice(0, lines).map((l) => `    ${l.slice(0, 240)}`);
  if (kept.length > lines) shown.push(`    ... (${kept.length - lines} more lines)`);
  return `\n  ${label}:\n${shown.join("\n")}`;
}

async function runCase(table: Table, c: Case, dir: string): Promise<CaseResult> {
  const mounted: string[] = [];
  const env: Env = {
    async mount(path, options) {
      if (Deno.uid() !== 0) throw new Skip("needs root to mount a tmpfs");
      const target = `${dir}/${path}`;
      await Deno.mkdir(target, { recursive: true });
      const out = await new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", options, "tmpfs", target] })
        .output();
      if (!out.success) {
        throw new Skip(`mount -t tmpfs failed: ${new TextDecoder().decode(out.stderr).trim()}`);
      }
      mounted.push(target);
    },
  };
  let check: CheckMode | undefined;
  try {
    const t = await template(table, c);
    await copyTemplate(t.dir, dir);
    await c.prepare?.(dir, env);
    check = await checkMode(table, t, c, c.args, dir);
    const before = await listFiles(dir);
    const ran = await runCli(withCheck(c.args, check), {
      cwd: dir,
      timeoutSeconds: c.timeout ?? 60,
      ...(c.deno ? { deno: c.deno } : {}),
      ...(c.signal ? { signal: c.signal } : {}),
    });
    const after = await listFiles(dir);
    const firstLine = (ran.stderr.trim() || ran.stdout.trim()).split("\n")[0]!.slice(0, 160);
    const got = ran.timedOut ? `killed after ${c.timeout ?? 60} s` : `exit ${ran.code}: ${firstLine}`;
    const problems: string[] = [];
    if (ran.timedOut) problems.push(`still running after ${c.timeout ?? 60} s`);
    const outcomes = Array.isArray(c.expect) ? c.expect : [c.expect as Outcome];
    const each = outcomes.map((o) => outcomeProblems(o, ran));
    if (!each.some((p) => p.length === 0)) {
      // Report against the outcome with the same exit code, else the first.
      const index = Math.max(0, outcomes.findIndex((o) => o.code === ran.code));
      problems.push(...each[index]!);
    }
    if (ran.code === 4) problems.push("exit 4 (an internal error) for bad input");
    if (/internal error/i.test(ran.stderr)) problems.push("stderr reports an internal error");
    if (!c.args.includes("--debug") && /^ {4}at /m.test(ran.stderr)) problems.push("stack trace in stderr");
    if (ran.code === 2) {
      const lines = ran.stderr.trim().split("\n").filter((l) => l.trim() !== "").length;
      if (lines === 0) problems.push("exit 2 with nothing on stderr");
      if (lines > (c.maxLines ?? 8)) problems.push(`message of ${lines} lines (one paragraph expected)`);
    }
    // Files left: nothing partial, nothing outside the folders the command may write.
    const writes = c.writes ?? ["out"];
    for (const [path, stamp] of after) {
      if (/(^|\/)\.partial-|\.tmp-/.test(path)) problems.push(`left ${path}`);
      if (before.get(path) === stamp) continue;
      if (!writes.some((w) => path === `${w}/` || path.startsWith(`${w}/`))) {
        problems.push(`wrote ${path}${writes.length ? ` outside ${writes.join(", ")}` : ""}`);
      }
    }
    for (const path of after.keys()) {
      if (path.endsWith(".itf.json") && after.get(path) !== "dir" && before.get(path) !== after.get(path)) {
        try {
          JSON.parse(await Deno.readTextFile(`${dir}/${path}`));
        } catch {
          problems.push(`partial trace file ${path}`);
        }
      }
    }
    for (const pattern of c.exists ?? []) {
      if (![...after.keys()].some((p) => matchesPath(pattern, p))) problems.push(`${pattern} does not exist`);
    }
    for (const pattern of c.absent ?? []) {
      if ([...after.keys()].some((p) => matchesPath(pattern, p))) problems.push(`${pattern} exists`);
    }
    for (const [path, spec] of Object.entries(c.files ?? {})) {
      if (typeof spec === "string" && after.has(path) && before.get(path) !== after.get(path)) {
        problems.push(`${path} was changed`);
      }
    }
    if (c.typeCheck === "skipped") {
      const errors = [...t.models.keys()].flatMap((path) => table.checked.get(`${t.dir}/${path}`) ?? []);
      if (errors.length === 0) {
        problems.push(`typeCheck: "skipped", but its model file type-checks: the case can run as users do`);
      }
    }
    const output = excerpt("stderr", ran.stderr, 12) + excerpt("stdout", ran.stdout, 4);
    return { c, got, problems, check, output };
  } catch (error) {
    if (error instanceof Skip) return { c, got: "SKIPPED", problems: [], skipped: error.message };
    return {
      c,
      got: "harness error",
      problems: [`case could not run: ${(error as Error).message}`],
      ...(check ? { check } : {}),
    };
  } finally {
    for (const target of mounted.reverse()) {
      await new Deno.Command("umount", { args: ["-l", target] }).output();
    }
  }
}

/** How long each phase of a run of the table took, in seconds. */
interface Phases {
  folders: number;
  typeCheck: number;
  cases: number;
  modelFiles: number;
  failing: number;
}

async function runAll(
  selected: readonly Case[],
  jobs: number,
): Promise<{ results: CaseResult[]; phases: Phases }> {
  const base = await Deno.makeTempDir({ prefix: "hvcheck_bad_input_" });
  try {
    // Every template's files first, so that one type check can take all their model files.
    let clock = performance.now();
    const table: Table = { templates: new Map(), checked: new Map() };
    for (const c of selected) {
      const key = templateKey(c);
      if (table.templates.has(key)) continue;
      const dir = `${base}/template-${table.templates.size}`;
      table.templates.set(key, { dir, first: c, models: await writeFiles(c, dir) });
    }
    const folders = (performance.now() - clock) / 1000;
    clock = performance.now();
    const modules = [...table.templates.values()].flatMap((t) =>
      [...t.models].filter(([, text]) => isModule(text)).map(([path]) => `${t.dir}/${path}`)
    );
    // The check runs where the cases run (under the temporary folder, with no deno.json above it).
    const failed = modules.length ? await typeCheckFiles(modules, base) : new Map<string, Diagnostic[]>();
    for (const path of modules) table.checked.set(path, failed.get(path) ?? []);
    const typeCheck = (performance.now() - clock) / 1000;
    clock = performance.now();
    const results: CaseResult[] = new Array(selected.length);
    // The long cases start first, so that the rest run alongside them: those that may wait until their
    // timeout, then those that run their own type check (each a few seconds of the compiler).
    const ownCheck = (c: Case) => {
      const t = table.templates.get(templateKey(c))!;
      return c.args[0] === "explore" && t.models.size > 0 && c.typeCheck !== "skipped" &&
        (c.typeCheck === "own" ||
          [...t.models.keys()].some((p) => table.checked.get(`${t.dir}/${p}`)?.length !== 0));
    };
    const length = (c: Case) => c.timeout ?? (ownCheck(c) ? 1 : 0);
    const order = selected.map((_, i) => i).sort((a, b) =>
      length(selected[b]!) - length(selected[a]!) || a - b
    );
    let next = 0;
    const worker = async () => {
      while (next < order.length) {
        const i = order[next++]!;
        const slug = selected[i]!.name.replace(/[^A-Za-z0-9]+/g, "_").slice(0, 60);
        const started = performance.now();
        const result = await runCase(table, selected[i]!, `${base}/${String(i).padStart(3, "0")}_${slug}`);
        results[i] = { ...result, seconds: (performance.now() - started) / 1000 };
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    const cases = (performance.now() - clock) / 1000;
    return {
      results,
      phases: { folders, typeCheck, cases, modelFiles: modules.length, failing: failed.size },
    };
  } finally {
    await Deno.remove(base, { recursive: true }).catch(() => {});
  }
}

function table(results: readonly CaseResult[]): string {
  const rows = results.map((r) => [
    r.skipped ? "SKIP" : r.problems.length ? "FAIL" : "pass",
    r.c.area,
    r.c.name,
    describeOutcomes(r.c),
    `${(r.seconds ?? 0).toFixed(1)}s`,
    r.check === "none" || r.check === undefined ? "" : r.check,
    r.skipped ? `SKIPPED: ${r.skipped}` : r.got,
  ]);
  const widths = [4, 26, 72, 18, 6, 7];
  const lines = rows.map((row) =>
    row.map((cell, i) => i < widths.length ? cell.slice(0, widths[i]).padEnd(widths[i]!) : cell).join("  ")
  );
  const failed = results.filter((r) => !r.skipped && r.problems.length);
  const skipped = results.filter((r) => r.skipped);
  lines.push(
    "",
    `${results.length} cases (${results.filter((r) => !r.c.control).length} bad inputs, ${
      results.filter((r) => r.c.control).length
    } controls): ${
      results.length - failed.length - skipped.length
    } pass, ${failed.length} fail, ${skipped.length} skipped`,
  );
  for (const area of new Set(failed.map((r) => r.c.area))) {
    lines.push(`  ${area}: ${failed.filter((r) => r.c.area === area).length} failing`);
  }
  return lines.join("\n");
}

Deno.test("bad_input: the table has at least 150 distinct bad inputs with distinct names", () => {
  const bad = cases.filter((c) => !c.control);
  if (bad.length < 150) throw new Error(`only ${bad.length} bad inputs`);
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`two cases are named ${c.name}`);
    seen.add(c.name);
  }
});

Deno.test({
  name: "bad_input: every bad input is refused with exit 2 (or 3), a message, no stack trace, no stray files",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const filter = Deno.env.get("HVCHECK_BAD_INPUT_FILTER");
    const selected = filter ? cases.filter((c) => new RegExp(filter, "i").test(c.name)) : cases;
    const jobs = Number(Deno.env.get("HVCHECK_BAD_INPUT_JOBS") ?? 4);
    if (!Number.isInteger(jobs) || jobs < 1) {
      throw new Error(`HVCHECK_BAD_INPUT_JOBS=${jobs}: expected N >= 1`);
    }
    const { results, phases } = await runAll(selected, jobs);
    if (Deno.env.get("HVCHECK_BAD_INPUT_REPORT")) console.log(`\n${table(results)}\n`);
    const counts = (mode: CheckMode) => results.filter((r) => r.check === mode).length;
    console.log(
      `bad_input: ${selected.length} cases on ${jobs} jobs in ${
        (phases.folders + phases.typeCheck + phases.cases).toFixed(0)
      } s: folders ${phases.folders.toFixed(1)} s; one type check of ${phases.modelFiles} model files ${
        phases.typeCheck.toFixed(1)
      } s (${phases.failing} do not type-check); cases ${phases.cases.toFixed(1)} s (${
        counts("checked")
      } after that check, ${counts("own")} with their own, ${counts("skipped")} with --no-check)`,
    );
    for (const r of results) {
      if (r.skipped) {
        console.log(`SKIPPED ${r.c.name}: ${r.skipped}`);
        await t.step({ name: r.c.name, ignore: true, fn: () => {} });
        continue;
      }
      await t.step(r.c.name, () => {
        if (r.problems.length) {
          throw new Error(`${r.c.area}: ${r.got}\n  ${r.problems.join("\n  ")}${r.output ?? ""}`);
        }
      });
    }
  },
});
