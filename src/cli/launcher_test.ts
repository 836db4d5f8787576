import assert from "node:assert/strict";
import { launcher, reproduceLine, runLine, shellQuote } from "./launcher.ts";

Deno.test("shellQuote() quotes a word only when a shell would read it otherwise", () => {
  assert.equal(shellQuote("--set=pages=2"), "--set=pages=2");
  assert.equal(shellQuote("out/traces,x@y%z+"), "out/traces,x@y%z+");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote(""), "''");
});

Deno.test("runLine() is Deno from npm, its flags, main.ts and the arguments, each quoted as needed", () => {
  assert.equal(launcher, "npx -y deno@2.9.6 run --allow-read=. --allow-write=out main.ts");
  assert.equal(
    runLine(["--allow-write=out,/tmp/my dir"], ["check", "--out", "/tmp/my dir"]),
    "npx -y deno@2.9.6 run '--allow-write=out,/tmp/my dir' main.ts check --out '/tmp/my dir'",
  );
});

Deno.test("reproduceLine() reads the working folder and every folder outside it, and writes the outputs", () => {
  assert.equal(
    reproduceLine(["explore", "/m/x.ts"], { read: ["/m", "models"], write: ["/tmp/o/", "out"] }),
    "npx -y deno@2.9.6 run --allow-read=.,/m,/tmp/o --allow-write=/tmp/o,out --allow-sys=systemMemoryInfo " +
      "main.ts explore /m/x.ts",
  );
  assert.match(
    reproduceLine([], { read: [], write: [] }),
    /run --allow-read=\. --allow-sys=systemMemoryInfo main\.ts$/,
  );
});
