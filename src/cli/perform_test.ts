import assert from "node:assert/strict";
import { type CommandRun, err, EXIT, out, type TracePaths, traces } from "./command.ts";
import { perform } from "./perform.ts";

const result = { model: "m", properties: [] };

function collector() {
  const lines: string[] = [];
  return {
    lines,
    io: {
      out: (t: string) => void lines.push(`out: ${t}`),
      err: (t: string) => void lines.push(`err: ${t}`),
    },
  };
}

Deno.test("perform() prints in order, writes each trace folder and hands the paths back", async () => {
  const { lines, io } = collector();
  const written: string[] = [];
  async function* command(): CommandRun {
    yield out("first");
    yield err("a note");
    const paths = yield traces("out/traces/m", result);
    yield out(`paths: ${JSON.stringify(paths)}`);
    return EXIT.violated;
  }
  const code = await perform(command(), io, (dir) => {
    written.push(dir);
    lines.push(`write: ${dir}`);
    return Promise.resolve({ p: `${dir}/p.itf.json` } as TracePaths);
  });
  assert.equal(code, EXIT.violated);
  assert.deepEqual(written, ["out/traces/m"]);
  assert.deepEqual(lines, [
    "out: first",
    "err: a note",
    "write: out/traces/m",
    'out: paths: {"p":"out/traces/m/p.itf.json"}',
  ]);
});

Deno.test("a failed write is thrown into the command, which may still print before it ends the run", async () => {
  const { lines, io } = collector();
  let closed = false;
  async function* command(): CommandRun {
    try {
      yield traces("ro", result);
    } catch (error) {
      yield out("the verdict");
      throw error;
    } finally {
      closed = true;
    }
    return EXIT.ok;
  }
  await assert.rejects(
    () => perform(command(), io, () => Promise.reject(new Error("read-only"))),
    /read-only/,
  );
  assert.deepEqual(lines, ["out: the verdict"]);
  assert.ok(closed, "the command's cleanup ran");
});

Deno.test("an error the command throws ends the run with that error", async () => {
  const { lines, io } = collector();
  async function* command(): CommandRun {
    yield out("before");
    throw new Error("broken");
  }
  await assert.rejects(() => perform(command(), io), /broken/);
  assert.deepEqual(lines, ["out: before"]);
});
