import assert from "node:assert/strict";

const src = new URL("./", import.meta.url);

/** The engine's own modules: src/ but for tests, test fixtures and the test suites. */
function engineModules(): string[] {
  return [...Deno.readDirSync(src)]
    .filter((e) => e.isFile && e.name.endsWith(".ts") && !e.name.endsWith("_test.ts"))
    .map((e) => e.name)
    .filter((name) => name !== "bad_input_suite.ts" && name !== "test_models.ts");
}

Deno.test("the engine imports neither the model library nor the gates: the program's entry hands them in", () => {
  const offenders: string[] = [];
  for (const name of engineModules()) {
    const text = Deno.readTextFileSync(new URL(name, src));
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g)) {
      if (/(^|\/)(models|checks)\//.test(specifier!)) offenders.push(`${name} imports ${specifier}`);
    }
  }
  assert.ok(engineModules().length > 30);
  assert.deepEqual(offenders, []);
});
