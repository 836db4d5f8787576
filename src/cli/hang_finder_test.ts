import assert from "node:assert/strict";
import { findHang, HANG_SECONDS, hangReported, reportHang } from "./hang_finder.ts";

const modUrl = new URL("../../mod.ts", import.meta.url).href;

/** A model file whose action `oops` has `guard` and whose property `check` is `property`. */
function source(guard: string, property = "return true;"): string {
  return `import { defineModel, int } from "${modUrl}";
export default defineModel({
  name: "hangs",
  params: {},
  state: () => ({ x: int(0, 3) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.x < 3, effect: (s) => { s.x = s.x + 1; } }),
    action("oops", { guard: (s) => { ${guard} }, effect: () => {} }),
  ],
  properties: (_p, { always }) => [always("check", (s) => { ${property} })],
  deadlock: false,
});
`;
}

async function withModel<T>(text: string, use: (url: string, path: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-hang-" });
  try {
    await Deno.writeTextFile(`${dir}/m.ts`, text);
    return await use(`file://${dir}/m.ts`, `${dir}/m.ts`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("findHang() names the guard that does not return, in the state where it does not", async () => {
  // It returns in the first states: the naive exploration must get to x = 2.
  const found = await withModel(
    source("while (s.x === 2) {} return false;"),
    (module) => findHang({ module, exportName: "default" }, {}),
  );
  assert.equal(found, "the guard of action oops");
});

Deno.test("findHang() names a property that does not return", async () => {
  const found = await withModel(
    source("return false;", "while (s.x >= 1) {} return true;"),
    (module) => findHang({ module, exportName: "default" }, {}),
  );
  assert.equal(found, "property check");
});

Deno.test("findHang() finds nothing in a model whose functions all return", async () => {
  const started = performance.now();
  const found = await withModel(
    source("return false;"),
    (module) => findHang({ module, exportName: "default" }, {}),
  );
  assert.equal(found, undefined);
  assert.ok(performance.now() - started < 30_000, "it ends with the exploration, not at its time limit");
});

Deno.test("findHang() gives up at its time limit when nothing it runs hangs", async () => {
  // A guard that takes just under HANG_SECONDS is slow, not hung; the exploration outlasts the limit.
  const slow = `const t = Date.now(); while (Date.now() - t < ${HANG_SECONDS * 500}) {} return false;`;
  const found = await withModel(source(slow), (module) => findHang({ module, exportName: "default" }, {}, 2));
  assert.equal(found, undefined);
});

Deno.test("the --find-hang child reports on one line what the parent reads back", async () => {
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: () => {} };
  await withModel(source("for (;;) {}"), (_url, path) => reportHang(path, [], io));
  assert.equal(hangReported(`model output\n${out.join("\n")}\n`), "the guard of action oops");
  out.length = 0;
  await reportHang("no/such/model.ts", [], io);
  assert.equal(hangReported(out.join("\n")), undefined, "a model that does not load reports nothing");
  assert.equal(hangReported("hvcheck-hang: {not json"), undefined);
});
