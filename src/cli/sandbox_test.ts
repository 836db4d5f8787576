import assert from "node:assert/strict";
import { main } from "./cli.ts";
import { library } from "../testdata/library.ts";
import { SIGNAL } from "../search/heartbeat.ts";
import { grantsFor, modelArgument, optionValues, takeModelRunOptions, widenAdvice } from "./sandbox.ts";
import { runCli } from "../testdata/run_cli.ts";

const root = new URL("../../", import.meta.url).pathname;
const modUrl = new URL("../../mod.ts", import.meta.url).href;

/** Runs `deno run -A mod.ts ...args` from `cwd`; returns exit code and output. */
const hvcheck = (cwd: string, ...args: string[]) => runCli(args, { cwd });

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
    findHang: false,
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
    const attacks: [string, string, RegExp, RegExp][] = [
      [
        "etc_passwd",
        `Deno.readTextFileSync("/etc/passwd");`,
        /read access to "\/etc\/passwd"/,
        /--allow-model-read \/etc\/passwd \(a file or a folder; repeatable\), or with --trust-model/,
      ],
      [
        "outside",
        `Deno.readTextFileSync("${dir}/secret.txt");`,
        /read access to ".*secret\.txt"/,
        /--allow-model-read \S*secret\.txt/,
      ],
      [
        "write",
        `Deno.writeTextFileSync("${dir}/evil.txt", "x");`,
        /write access to ".*evil\.txt"/,
        /--allow-model-write \S*evil\.txt/,
      ],
      [
        "run",
        `new Deno.Command("true").outputSync();`,
        /run access to "true"/,
        /run again with --trust-model/,
      ],
      [
        "net",
        `await fetch("http://127.0.0.1:8080/");`,
        /net access to "127\.0\.0\.1:8080"/,
        /run again with --trust-model/,
      ],
      ["env", `Deno.env.get("HOME");`, /env access to "HOME"/, /run again with --trust-model/],
    ];
    for (const [name, code, permission, widen] of attacks) {
      await Deno.writeTextFile(`${models}/${name}.ts`, modelSource(code));
      const run = await hvcheck(dir, "explore", `models/${name}.ts`, "--no-check", "--workers", "1");
      assert.equal(run.code, 2, `${name}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, new RegExp(`The run of model file models/${name}\\.ts needs `), name);
      assert.match(run.stderr, permission, name);
      assert.match(run.stderr, widen, name);
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
    assert.match(
      run.stderr,
      /does not type-check \(1 error\): fix it, or run with --no-check to skip the check/,
    );
    assert.match(
      run.stderr,
      /^models\/typo\.ts:2:7: TS2322 Type 'string' is not assignable to type 'number'\.$/m,
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no line reads as a stack trace");
    assert.ok(!run.stderr.includes("\u001b["), "no colour codes");
    const skipped = await hvcheck(dir, "explore", "models/typo.ts", "--no-check");
    assert.equal(skipped.code, 0, skipped.stderr);
    console.log(`type check and refusal took ${seconds.toFixed(1)} s`);
  } finally {
    await cleanup();
  }
});

Deno.test("the watchdog stops a guard that never returns and names it: --time-limit and Ctrl-C are exit 3, not a hang", async () => {
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
        // The watchdog cannot see which function hangs; a second run of the model, one function at a
        // time, does (src/cli/hang_finder.ts).
        /did not stop within 5 s of its time limit of 1 s: the guard of action flip did not return/,
      );
      assert.ok(performance.now() - started < 30_000);
    }
    // Ctrl-C once the guard loops (it says so in a file first): the child's search cannot take it, so
    // the parent stops the child.
    await Deno.writeTextFile(
      `${models}/marked_loop.ts`,
      modelSource(
        "",
        `Deno.mkdirSync("out", { recursive: true }); Deno.writeTextFileSync("out/looping", ""); for (;;) {}`,
      ),
    );
    const interrupted = await runCli(["explore", "models/marked_loop.ts", "--no-check", "--workers", "1"], {
      cwd: dir,
      signal: { signal: "SIGINT", afterSeconds: 0.2, whenExists: "out/looping" },
      timeoutSeconds: 60,
    });
    assert.equal(interrupted.code, 3, interrupted.stderr);
    assert.match(
      interrupted.stderr,
      /search of model file models\/marked_loop\.ts did not reach a point where it can stop within 5 s of Ctrl-C: the guard of action flip did not return/,
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

Deno.test("Ctrl-C during the type check stops the check and the run: exit 3, nothing searched", async () => {
  const { dir, models, cleanup } = await workspace();
  try {
    // A file of its own, so that no cached check of it returns at once.
    await Deno.writeTextFile(`${models}/fresh.ts`, modelSource(`// ${crypto.randomUUID()}`));
    const command = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}mod.ts`, "explore", "models/fresh.ts", "--workers", "1"],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    // The interrupt goes in once `deno check` runs (a child of the command).
    let check: number | undefined;
    for (let i = 0; i < 1200 && check === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const ps = await new Deno.Command("ps", { args: ["-o", "pid=,args=", "--ppid", String(command.pid)] })
        .output();
      const line = new TextDecoder().decode(ps.stdout).split("\n").find((l) => / check --quiet /.test(l));
      if (line) check = Number(line.trim().split(/\s+/)[0]);
    }
    assert.ok(check !== undefined, "deno check started");
    command.kill("SIGINT");
    const { code, stdout, stderr } = await command.output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 3, err);
    assert.match(err, /interrupted while type-checking models\/fresh\.ts; nothing was searched/);
    assert.equal(new TextDecoder().decode(stdout), "", "no search, no verdict");
    assert.throws(() => Deno.kill(check!, "SIGCONT"), Deno.errors.NotFound, "the check was stopped too");
  } finally {
    await cleanup();
  }
});

Deno.test("the least-privilege child's output goes to the caller's Io", async () => {
  const { dir, models, cleanup } = await workspace();
  try {
    await Deno.writeTextFile(`${models}/ok.ts`, modelSource(""));
    await Deno.writeTextFile(`${models}/refused.ts`, modelSource(`Deno.readTextFileSync("/etc/passwd");`));
    const run = async (name: string) => {
      const out: string[] = [], err: string[] = [];
      const code = await main(
        ["explore", `${models}/${name}.ts`, "--no-check", "--workers", "1", "--out", `${dir}/out`],
        library,
        { out: (t) => out.push(t), err: (t) => err.push(t) },
      );
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const ok = await run("ok");
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /Model hostile: safety HOLDS/);
    const refused = await run("refused");
    assert.equal(refused.code, 2);
    assert.equal(refused.out, "");
    assert.match(refused.err, /needs read access to "\/etc\/passwd"[\s\S]*--allow-model-read \/etc\/passwd/);
    for (const byte of Object.values(SIGNAL)) {
      assert.ok(!refused.err.includes(String.fromCharCode(byte)), "no control bytes of the child's signals");
    }
  } finally {
    await cleanup();
  }
});

Deno.test("widenAdvice() names the flag that grants what was refused", () => {
  assert.match(widenAdvice({ kind: "read", target: "/etc/passwd" }), /--allow-model-read \/etc\/passwd /);
  assert.match(widenAdvice({ kind: "write", target: "a b" }), /--allow-model-write 'a b' /);
  // Deno's flags cannot name a path with a comma: only --trust-model grants it.
  assert.doesNotMatch(widenAdvice({ kind: "read", target: "/a,b" }), /--allow-model-read \/a/);
  assert.match(widenAdvice({ kind: "env", target: "HOME" }), /run again with --trust-model/);
});
