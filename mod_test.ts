import assert from "node:assert/strict";

Deno.test("the public API documents every export and names no private type (deno doc --lint)", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", "mod.ts"],
    cwd: new URL(".", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
  }).output();
  const report = new TextDecoder().decode(stderr) + new TextDecoder().decode(stdout);
  assert.equal(code, 0, report);
});
