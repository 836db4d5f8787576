import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import {
  ERRORS_SHOWN,
  formatDiagnostics,
  parseDiagnostics,
  typeCheck,
  typeCheckFiles,
  TypeCheckInterrupted,
} from "./type_check.ts";

const modUrl = new URL("../../mod.ts", import.meta.url).href;

// What `deno check` 2.9 prints, as captured from it.
const TYPE_ERRORS = `TS2322 [ERROR]: Type 'string' is not assignable to type 'number'.
const wrong: number = "three";
      ~~~~~
    at file:///tmp/dir/m.ts:2:7

TS2345 [ERROR]: Argument of type '() => number' is not assignable to parameter of type 'Spec'.
  Types of property 'state' are incompatible.
    Type 'number' is not assignable to type 'Fields'.
export default defineModel({ state: () => 5 });
                           ^
    at file:///tmp/dir/m.ts:9:28

    'state' is declared here.
        state: () => Fields;
        ~~~~~
        at file:///work/src/model/model.ts:160:3

Found 2 errors.

error: Type checking failed.
`;

const SYNTAX_ERROR = `error: SyntaxError: Expression expected
  |
9 |   init: () => {,
  |                ~
    at file:///tmp/dir/with%20space/m.ts:9:16

Stack backtrace:
   0: <unknown>
`;

Deno.test("parseDiagnostics() gives each error its file, line, column and one line of text", () => {
  assert.deepEqual(parseDiagnostics(TYPE_ERRORS), [
    {
      file: "/tmp/dir/m.ts",
      line: 2,
      column: 7,
      text: "TS2322 Type 'string' is not assignable to type 'number'.",
    },
    {
      file: "/tmp/dir/m.ts",
      line: 9,
      column: 28,
      // The chain's most specific reason, not its middle; related information is not an error.
      text: "TS2345 Argument of type '() => number' is not assignable to parameter of type 'Spec'. " +
        "Type 'number' is not assignable to type 'Fields'.",
    },
  ]);
  assert.deepEqual(parseDiagnostics(SYNTAX_ERROR), [
    { file: "/tmp/dir/with space/m.ts", line: 9, column: 16, text: "SyntaxError: Expression expected" },
  ]);
  assert.deepEqual(
    parseDiagnostics("\x1b[1mTS2304 [ERROR]\x1b[0m: Cannot find name 'x'.\n    at file:///a.ts:1:1\n"),
    [
      { file: "/a.ts", line: 1, column: 1, text: "TS2304 Cannot find name 'x'." },
    ],
  );
});

Deno.test("formatDiagnostics() names files as the user did and shows at most ERRORS_SHOWN errors", () => {
  const many = Array.from({ length: ERRORS_SHOWN + 3 }, (_, i) => ({
    file: "/tmp/dir/m.ts",
    line: i + 1,
    column: 1,
    text: `TS1 error ${i}`,
  }));
  const lines = formatDiagnostics(many, new Map([["/tmp/dir/m.ts", "dir/m.ts"]]));
  assert.equal(lines.length, ERRORS_SHOWN + 1);
  assert.equal(lines[0], "dir/m.ts:1:1: TS1 error 0");
  assert.equal(lines.at(-1), "(and 3 more)");
  assert.deepEqual(formatDiagnostics([{ text: "error: something" }]), ["error: something"]);
});

/** A folder with a model file that type-checks, one with a type error and one with a syntax error. */
async function models(): Promise<{ dir: string; ok: string; typo: string; syntax: string }> {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-type-check-" });
  const source = (extra: string) =>
    `import { bool, defineModel } from "${modUrl}";
${extra}
export default defineModel({
  name: "m",
  params: {},
  state: () => ({ x: bool }),
  init: () => {},
  actions: (_p, { action }) => [action("flip", { effect: (s) => { s.x = !s.x; } })],
  properties: (_p, { always }) => [always("ok", () => true)],
});
// ${crypto.randomUUID()} (no cached check answers for this file)
`;
  const paths = { ok: `${dir}/ok.ts`, typo: `${dir}/typo.ts`, syntax: `${dir}/syntax.ts` };
  await Deno.writeTextFile(paths.ok, source(""));
  await Deno.writeTextFile(paths.typo, source(`export const n: number = "three";`));
  await Deno.writeTextFile(paths.syntax, source(`export const n = (;`));
  return { dir, ...paths };
}

Deno.test("typeCheck() passes a good file, and refuses a bad one naming each error on one line", async () => {
  const { dir, ok, typo } = await models();
  try {
    await typeCheck(ok);
    const error = await typeCheck(typo).then(() => undefined, (e) => e);
    assert.ok(error instanceof InputError, String(error));
    const lines = error.message.split("\n");
    assert.match(
      lines[0]!,
      /^Model file .*typo\.ts does not type-check \(1 error\): fix it, or run with --no-check/,
    );
    assert.match(lines[1]!, /typo\.ts:2:14: TS2322 Type 'string' is not assignable to type 'number'\.$/);
    assert.equal(lines.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("typeCheck() stops the check when its signal is aborted", async () => {
  const { dir, ok } = await models();
  try {
    const stop = new AbortController();
    const started = performance.now();
    const checking = typeCheck(ok, { signal: stop.signal });
    setTimeout(() => stop.abort(), 100);
    await assert.rejects(checking, TypeCheckInterrupted);
    // A check of a new file takes seconds; a killed one ends at once.
    assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("typeCheckFiles() tells which of many files do not type-check, past a syntax error", async () => {
  const { dir, ok, typo, syntax } = await models();
  try {
    const failed = await typeCheckFiles([ok, typo, syntax], dir);
    assert.deepEqual([...failed.keys()].sort(), [syntax, typo].sort());
    assert.match(failed.get(typo)![0]!.text, /^TS2322 /);
    assert.match(failed.get(syntax)![0]!.text, /SyntaxError/);
    assert.deepEqual(await typeCheckFiles([ok], dir), new Map());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
