/**
 * The layout is the architecture: src/ has one folder per layer, and a module imports only its own
 * folder and the layers below it. Storage knows nothing of the search, the search nothing of the command
 * line, and no engine module imports the model library or the gates (the program's entry hands them in).
 */

import assert from "node:assert/strict";

const src = new URL("./", import.meta.url);

/** The layers, lowest first. */
const layers = [
  "errors.ts",
  "store",
  "state",
  "model",
  "trace",
  "search",
  "liveness",
  "check",
  "report",
  "load",
  "crosscheck",
  "cli",
];

/** Every module under src/ but tests and test fixtures, as a path relative to src/. */
function engineModules(folder = ""): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(new URL(folder, src))) {
    const path = folder + entry.name;
    if (entry.isDirectory && entry.name !== "testdata") found.push(...engineModules(path + "/"));
    else if (entry.isFile && path.endsWith(".ts") && !path.endsWith("_test.ts")) found.push(path);
  }
  return found;
}

function specifiersOf(path: string): string[] {
  const text = Deno.readTextFileSync(new URL(path, src));
  return [...text.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g)].map((m) => m[1]!);
}

/** The path relative to src/ of the module `specifier` in `path` names, or undefined outside src/. */
function targetOf(path: string, specifier: string): string | undefined {
  const href = new URL(specifier, new URL(path, src)).href;
  return href.startsWith(src.href) ? href.slice(src.href.length) : undefined;
}

function layerOf(path: string): number {
  return layers.indexOf(path.includes("/") ? path.slice(0, path.indexOf("/")) : path);
}

Deno.test("every module sits in a folder of the layer table", () => {
  const modules = engineModules();
  assert.ok(modules.length > 60);
  assert.deepEqual(modules.filter((path) => layerOf(path) < 0), []);
});

Deno.test("the engine imports neither the model library nor the gates: the program's entry hands them in", () => {
  const offenders = engineModules().flatMap((path) =>
    specifiersOf(path).filter((s) => /(^|\/)(models|checks)\//.test(s)).map((s) => `${path} imports ${s}`)
  );
  assert.deepEqual(offenders, []);
});

Deno.test("a layer imports only its own folder and the layers below it", () => {
  const offenders: string[] = [];
  for (const path of engineModules()) {
    for (const specifier of specifiersOf(path)) {
      if (!specifier.startsWith(".")) continue;
      const target = targetOf(path, specifier);
      if (target === undefined || target.startsWith("testdata/")) continue;
      if (layerOf(target) > layerOf(path)) offenders.push(`${path} imports ${target}`);
    }
  }
  assert.deepEqual(offenders, []);
});
