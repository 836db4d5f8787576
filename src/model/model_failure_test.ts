import assert from "node:assert/strict";
import { userLocation } from "./model_failure.ts";

const src = new URL("../", import.meta.url).href;

Deno.test("userLocation() takes the first frame outside the engine's src/", () => {
  const stack = [
    "TypeError: wrote undeclared variable x",
    `    at undeclared (${src}state/state_view.ts:80:11)`,
    `    at Object.set (eval at compile (${src}state/state_view.ts:258:10), <anonymous>:5:20)`,
    "    at Object.dispatchEvent (ext:deno_web/02_event.js:1:17044)",
    `    at effect (${new URL("../models/foo.ts", src).href}:12:7)`,
    `    at ${src}search/level_worker.ts:420:5`,
  ].join("\n");
  assert.equal(
    userLocation({ stack }),
    `${new URL("../models/foo.ts", src).pathname.slice(Deno.cwd().length + 1)}:12:7`,
  );
  assert.equal(userLocation({ stack: `E\n    at /home/u/m.ts:3:4` }), "/home/u/m.ts:3:4");
  // Tests and models in src/testdata are user code; nothing outside the engine: no location.
  assert.match(userLocation({ stack: `E\n    at f (${src}testdata/m.ts:3:4)` })!, /testdata\/m\.ts:3:4$/);
  assert.equal(userLocation({ stack: `E\n    at f (${src}search/search.ts:3:4)` }), undefined);
  assert.equal(userLocation("a string"), undefined);
});

const model = new URL("../testdata/model_mistakes.ts", import.meta.url).pathname;
const cli = new URL("../../mod.ts", import.meta.url).pathname;

async function explore(mistake: string, ...options: string[]): Promise<{ code: number; err: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    // The mistake is chosen through the environment, which a least-privilege run does not grant.
    args: ["run", "-A", cli, "explore", model, "--trust-model", "--no-check", ...options],
    env: { HVCHECK_MISTAKE: mistake },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, err: new TextDecoder().decode(stderr) };
}

Deno.test("a model mistake is exit 2 with the action or property, the name and the user's line", async () => {
  const cases: [string, RegExp][] = [
    [
      "undeclared_write",
      /the action step wrote undeclared variable xenShinf \(did you mean xenShInfo\?\).*model_mistakes\.ts:23:/,
    ],
    [
      "undeclared_read",
      /the action step read undeclared field flg of r \(did you mean flag\?\).*model_mistakes\.ts:24:/,
    ],
    [
      "guard_write",
      /the guard of action step wrote variable xenShInfo, but guards, properties.*read-only.*model_mistakes\.ts:18:/,
    ],
    ["property_write", /the property inv wrote variable r\.flag.*model_mistakes\.ts:32:/],
    ["guard_string", /the guard of action step returned "yes" \(a string\) where a boolean/],
    ["property_missing_return", /the property inv returned undefined where a boolean .*is a return missing/],
    ["throw", /action step at depth 0, threw Error: boom \(at .*model_mistakes\.ts:25:/],
    [
      "domain",
      /set a value outside its domain: Expected xenShInfo to be in int\(0, 3\) but found 7 \(at .*model_mistakes\.ts:26:/,
    ],
  ];
  for (const [mistake, pattern] of cases) {
    for (const workers of ["1", "2"]) {
      const { code, err } = await explore(mistake, "--workers", workers);
      assert.equal(code, 2, `${mistake} on ${workers} workers: ${err}`);
      assert.match(err, pattern, `${mistake} on ${workers} workers`);
      assert.match(err, /Model model_mistakes/);
      assert.doesNotMatch(err, /^\s+at /m, `${mistake}: no stack trace`);
    }
  }
  assert.equal((await explore("none")).code, 0);
});
