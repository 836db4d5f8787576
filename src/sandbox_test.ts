import assert from "node:assert/strict";
import { grantsFor, modelArgument, optionValues, takeModelRunOptions } from "./sandbox.ts";

const root = new URL("../", import.meta.url).pathname;
const modUrl = new URL("../mod.ts", import.meta.url).href;

/** Runs `deno run -A mod.ts ...args` from `cwd`; returns exit code and output. */
async function hvcheck(
  cwd: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}mod.ts`, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

/** A model file whose module runs `prelude` first (top level) and whose guard runs `guard`. */
function modelSource(prelude: string, guard = "true"): string {
  return `import { bool, defineModel } from "${modUrl}";
${prelude}
export default defineModel({
  name: "hostile",
  params: {},
  state: () => ({ x: bool }),
  init: () => {},
  actions: (_p, { action }) => [action("flip", { guard: (s) => { ${guard}; return !s.x; }, effect: (s) => { s.x = !s.x; } })],
  properties: (_p, { always }) => [always("ok", () => true)],
  deadlock: false,
});
`;
}

async function workspace(): Promise<{ dir: string; models: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-sandbox-" });
  await Deno.mkdir(`${dir}/models`);
  await Deno.writeTextFile(`${dir}/secret.txt`, "outside the model's folder");
  return { dir, models: `${dir}/models`, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("takeModelRunOptions() takes the sandbox options off and keeps the rest in order", () => {
  const { options, rest } = takeModelRunOptions([
    "m.ts",
    "--allow-model-read",
    "/a,/b",
    "--set",
    "n=1",
    "--trust-model",
    "--allow-model-write=/c",
    "--no-check",
  ]);
  assert.deepEqual(rest, ["m.ts", "--set", "n=1"]);
  assert.deepEqual(options, {
    trust: true,
    typeCheck: false,
    allowRead: ["/a", "/b"],
    allowWrite: ["/c"],
    child: false,
  });
  assert.equal(modelArgument(["--set", "n=1", "--workers=2", "--json", "x.ts"]), "x.ts");
  assert.deepEqual(optionValues(["--trace-dir", "t", "--spill-dir=s", "m.ts"], "spill-dir"), ["s"]);
  const grants = grantsFor("dir/m.ts", ["dir/m.ts", "--trace-dir", "/tmp/t"], options);
  assert.ok(
    grants.read.includes("dir") && grants.read.includes("/a") && grants.read.includes(root.slice(0, -1)),
  );
  assert.deepEqual(grants.write, ["out", "/tmp/t", "/c"]);
});

Deno.test("a model file is refused what least privilege does not grant: exit 2 naming the permission and the flag", async () => {
  const { dir, models, cleanup } = await workspace();
  try {
    const attacks: [string, string, RegExp][] = [
      ["etc_passwd", `Deno.readTextFileSync("/etc/passwd");`, /read access to "\/etc\/passwd"/],
      ["outside", `Deno.readTextFileSync("${dir}/secret.txt");`, /read access to ".*secret\.txt"/],
      ["write", `Deno.writeTextFileSync("${dir}/evil.txt", "x");`, /write access to ".*evil\.txt"/],
      ["run", `new Deno.Command("true").outputSync();`, /run access to "true"/],
      ["net", `await fetch("http://127.0.0.1:8080/");`, /net access to "127\.0\.0\.1:8080"/],
      ["env", `Deno.env.get("HOME");`, /env access to "HOME"/],
    ];
    for (const [name, code, permission] of attacks) {
      await Deno.writeTextFile(`${models}/${name}.ts`, modelSource(code));
      const run = await hvcheck(dir, "explore", `models/${name}.ts`, "--no-check", "--workers", "1");
      assert.equal(run.code, 2, `${name}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, permission, name);
      assert.match(
        run.stderr,
        /--allow-model-read DIR or --allow-model-write DIR, or with --trust-model/,
        name,
      );
      assert.doesNotMatch(run.stderr, /\n\s+at /, name); // no stack trace
    }
    // The same refusal inside a guard, on worker threads.
    await Deno.writeTextFile(`${models}/guard.ts`, modelSource("", `Deno.readTextFileSync("/etc/passwd")`));
    const guard = await hvcheck(dir, "explore", "models/guard.ts", "--no-check", "--workers", "2");
    assert.equal(guard.code, 2, guard.stderr);
    assert.match(guard.stderr, /read access to "\/etc\/passwd"/);
    assert.match(guard.stderr, /--trust-model/);
    await assert.rejects(Deno.stat(`${dir}/evil.txt`));
    // Widened: the file outside the folder may be read, and with --trust-model the process may run.
    const widened = await hvcheck(
      dir,
      "explore",
      "models/outside.ts",
      "--no-check",
      "--allow-model-read",
      dir,
    );
    assert.equal(widened.code, 0, widened.stderr);
    const trusted = await hvcheck(dir, "explore", "models/run.ts", "--no-check", "--trust-model");
    assert.equal(trusted.code, 0, trusted.stderr);
  } finally {
    await cleanup();
  }
});

Deno.test("a least-privilege run gives the same result as a trusted one, on worker threads, and writes under out/", async () => {
  const { dir, models, cleanup } = await workspace();
  try {
    await Deno.copyFile(`${root}models/page_ownership.ts`, `${models}/page_ownership.ts`);
    // The copy imports hvcheck relative to its folder: point it back at this checkout.
    const text = await Deno.readTextFile(`${models}/page_ownership.ts`);
    await Deno.writeTextFile(
      `${models}/page_ownership.ts`,
      text.replaceAll(/from "\.\.\/(mod|src\/[a-z_]+)\.ts"/g, (_m, path) => `from "${root}${path}.ts"`)
        .replaceAll(/from "\.\/(lib\/[a-z_]+)\.ts"/g, (_m, path) => `from "${root}models/${path}.ts"`),
    );
    const args = [
      "explore",
      "models/page_ownership.ts",
      "--set",
      "pages=3",
      "--set",
      "fixed=false",
      "--json",
    ];
    const sandboxed = await hvcheck(dir, ...args, "--workers", "2");
    const trusted = await hvcheck(dir, ...args, "--workers", "1", "--trust-model");
    assert.equal(sandboxed.code, 1, sandboxed.stderr);
    assert.equal(trusted.code, 1, trusted.stderr);
    const a = JSON.parse(sandboxed.stdout), b = JSON.parse(trusted.stdout);
    for (const key of ["verdict", "distinctStates", "transitions", "depth"]) {
      assert.deepEqual(a[key], b[key], key);
    }
    assert.deepEqual(a.properties, b.properties);
    assert.ok((await Deno.stat(`${dir}/out/traces/page_ownership`)).isDirectory);
  } finally {
    await cleanup();
  }
});

Deno.test("a model file is type-checked before it runs: a type error is exit 2 with the compiler's message", async () => {
  const { dir, models, cleanup } = await workspace();
  try {
    await Deno.writeTextFile(`${models}/typo.ts`, modelSource(`const n: number = "three"; void n;`));
    const started = performance.now();
    const run = await hvcheck(dir, "explore", "models/typo.ts");
    const seconds = (performance.now() - started) / 1000;
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /does not type-check \(run with --no-check to skip the check\)/);
    assert.match(run.stderr, /TS2322.*Type 'string' is not assignable to type 'number'/);
    assert.ok(!run.stderr.includes("\u001b["), "no colour codes");
    const skipped = await hvcheck(dir, "explore", "models/typo.ts", "--no-check");
    assert.equal(skipped.code, 0, skipped.stderr);
    console.log(`type check and refusal took ${seconds.toFixed(1)} s`);
  } finally {
    await cleanup();
  }
});

Deno.test("the watchdog stops a guard that never returns: --time-limit and Ctrl-C are exit 3, not a hang", async () => {
  const { dir, models, cleanup } = await workspace();
  try {
    await Deno.writeTextFile(`${models}/loop.ts`, modelSource("", "for (;;) { /* never returns */ }"));
    for (const workers of ["1", "2"]) {
      const started = performance.now();
      const run = await hvcheck(
        dir,
        "explore",
        "models/loop.ts",
        "--no-check",
        "--time-limit",
        "1",
        "--workers",
        workers,
      );
      assert.equal(run.code, 3, run.stderr);
      assert.match(
        run.stderr,
        /did not stop within 5 s of its time limit of 1 s: a guard, an effect or a property did not return/,
      );
      assert.ok(performance.now() - started < 30_000);
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}mod.ts`, "explore", "models/loop.ts", "--no-check", "--workers", "1"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    child.kill("SIGINT");
    const { code, stderr } = await child.output();
    assert.equal(code, 3);
    assert.match(
      new TextDecoder().decode(stderr),
      /within 5 s of Ctrl-C: a guard, an effect or a property did not return/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("a model that never finishes loading, or throws while loading, is exit 2 with a message", async () => {
  const { dir, models, cleanup } = await workspace();
  try {
    const cases: [string, string, RegExp][] = [
      ["pending", "await new Promise(() => {});", /did not finish loading within 10 s: a top-level await/],
      [
        "ticking",
        "await new Promise(() => setInterval(() => {}, 1000));",
        /did not finish loading within 10 s/,
      ],
      [
        "throws",
        `throw new Error("no model today");`,
        /Could not load model file models\/throws\.ts: no model today/,
      ],
    ];
    for (const [name, code, message] of cases) {
      await Deno.writeTextFile(`${models}/${name}.ts`, modelSource(code));
      // Each load that never finishes takes the 10 s limit: one mode each, both for the throw.
      const modes = name === "pending"
        ? [[]]
        : name === "ticking"
        ? [["--trust-model"]]
        : [[], ["--trust-model"]];
      for (const trust of modes) {
        const run = await hvcheck(dir, "explore", `models/${name}.ts`, "--no-check", ...trust);
        assert.equal(run.code, 2, `${name} ${trust}: ${run.stderr}`);
        assert.match(run.stderr, message);
        assert.doesNotMatch(run.stderr, /internal error/);
      }
    }
  } finally {
    await cleanup();
  }
});
