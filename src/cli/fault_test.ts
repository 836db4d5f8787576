/**
 * Faults: tampered checkpoints, file system problems (a path that is a file, a read-only folder, a
 * full disk), a run killed while it writes a checkpoint, absurd memory budgets. Tests that need root
 * (to mount a small or read-only tmpfs) say SKIPPED and why when they cannot run.
 */

import assert from "node:assert/strict";
import { models } from "../../models/mod.ts";
import { checkInstance } from "../check/check.ts";
import {
  defaultCheckpointDir,
  hashText,
  identityOf,
  prepareCheckpointDir,
  readCheckpoint,
} from "../search/checkpoint.ts";
import { InputError } from "../errors.ts";
import { parseMemorySize } from "../store/memory_budget.ts";
import { instantiate } from "../model/model.ts";
import { search } from "../search/search.ts";
import { runCli } from "../testdata/run_cli.ts";

const root = new URL("../../", import.meta.url).pathname;
const pageOwnership = (params: Record<string, unknown>) => instantiate(models.get("page_ownership")!, params);

/** Runs `deno run -A mod.ts ...args` from the repository's root. */
const hvcheck = (...args: string[]) => runCli(args);

/** Mounts a tmpfs at a fresh folder (`options` such as "size=2M" or "ro"); undefined when it cannot. */
async function mountTmpfs(options: string): Promise<{ dir: string; unmount: () => Promise<void> } | string> {
  if (Deno.uid() !== 0) return "not root";
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-tmpfs-" });
  const mount = await new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", options, "tmpfs", dir] })
    .output().catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
  if (!mount.success) {
    await Deno.remove(dir);
    return `mount failed: ${new TextDecoder().decode(mount.stderr).trim()}`;
  }
  return {
    dir,
    unmount: async () => {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Writes a checkpoint of page_ownership stopped mid-run; returns the folder and the meta path. */
async function stoppedRun(params: Record<string, unknown>): Promise<{ dir: string; meta: string }> {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-fault-" });
  let polls = 0;
  checkInstance(pageOwnership(params), {
    segmentStates: 40,
    checkpointDir: dir,
    interrupted: () => ++polls === 12,
  });
  const latest = (await Deno.readTextFile(`${dir}/latest`)).trim();
  return { dir, meta: `${dir}/${latest}/meta.json` };
}

/** Rewrites meta.json with `edit`, and with a digest recomputed (`reseal`) or the old one. */
// deno-lint-ignore no-explicit-any
async function tamper(meta: string, edit: (m: Record<string, any>) => void, reseal: boolean): Promise<void> {
  const parsed = JSON.parse(await Deno.readTextFile(meta));
  edit(parsed);
  if (reseal) {
    const { digest: _, ...covered } = parsed;
    parsed.digest = hashText(JSON.stringify(covered));
  }
  await Deno.writeTextFile(meta, JSON.stringify(parsed, null, 1));
}

const refused = (message: RegExp) => (e: unknown) => e instanceof InputError && message.test(e.message);

Deno.test("a checkpoint whose counters or findings were changed is refused, not resumed to a wrong verdict", async () => {
  const identity = identityOf(pageOwnership({ pages: 4, fixed: false }), false);
  // One changed digit in a counter.
  let { dir, meta } = await stoppedRun({ pages: 4, fixed: false });
  const original = await Deno.readTextFile(meta);
  await tamper(meta, (m) => m.counters.distinct -= 10, false);
  await assert.rejects(() => readCheckpoint(dir, identity), refused(/does not match its digest/));
  // ... even when the digest is recomputed: the counts no longer match the arrays.
  await tamper(meta, () => {}, true);
  const resume = await readCheckpoint(dir, identity);
  assert.throws(
    () => search(pageOwnership({ pages: 4, fixed: false }), { resume }),
    refused(/does not hold together/),
  );
  // An erased finding (the model is violated before the stop).
  await Deno.writeTextFile(meta, original);
  const findings = JSON.parse(original).counters.findings;
  assert.ok(findings.some((f: unknown) => f !== null), "the stopped run found the violation");
  await tamper(meta, (m) => m.counters.findings = m.counters.findings.map(() => null), false);
  await assert.rejects(() => readCheckpoint(dir, identity), refused(/does not match its digest/));
  await Deno.remove(dir, { recursive: true });

  // A fake finding in a model that holds: refused by the digest, and, resealed, by its replay.
  ({ dir, meta } = await stoppedRun({ pages: 4, fixed: true }));
  const holds = identityOf(pageOwnership({ pages: 4, fixed: true }), false);
  // deno-lint-ignore no-explicit-any
  const fake = (m: Record<string, any>) =>
    m.counters.findings[0] = { property: 0, parent: 3, action: 0, length: 2 };
  await tamper(meta, fake, false);
  await assert.rejects(() => readCheckpoint(dir, holds), refused(/does not match its digest/));
  await tamper(meta, () => {}, true);
  const forged = await readCheckpoint(dir, holds);
  assert.throws(
    () => search(pageOwnership({ pages: 4, fixed: true }), { resume: forged }),
    refused(/finding for property host_mapped_implies_shared is not one this model produces/),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runs of one model with other parameters keep their own default checkpoint folders", async () => {
  const a = identityOf(pageOwnership({ pages: 3 }), false);
  const b = identityOf(pageOwnership({ pages: 4 }), false);
  assert.notEqual(defaultCheckpointDir(a), defaultCheckpointDir(b));
  assert.notEqual(
    defaultCheckpointDir(a),
    defaultCheckpointDir(identityOf(pageOwnership({ pages: 3 }), true)),
  );
  assert.match(defaultCheckpointDir(a), /^out\/checkpoints\/page_ownership\/pages=3_fixed=true/);
  // A folder holding another parameter set's checkpoint is refused, not overwritten.
  const { dir } = await stoppedRun({ pages: 4, fixed: false });
  assert.throws(() => prepareCheckpointDir(dir, a), refused(/holds a checkpoint of model page_ownership/));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--memory 0 and other absurd budgets are exit 2; a state too large for the budget is refused before allocating", async () => {
  for (const text of ["0", "-1", "1k", "10M", "2P", "lots", "1e9"]) {
    assert.throws(() => parseMemorySize(text), InputError, text);
  }
  assert.equal(parseMemorySize("64M"), 64 * 2 ** 20);
  const run = await hvcheck("explore", "page_ownership", "--memory", "0");
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /--memory expects a size between 64M and 1P but got "0"/);
  assert.throws(
    () => search(pageOwnership({ pages: 3 }), { memoryBytes: 100 }),
    refused(/cannot hold the 256 states a search keeps at once/),
  );
});

Deno.test("the spill folder is created when first needed, and a spilled run gives the clean result", async () => {
  const parent = await Deno.makeTempDir({ prefix: "hvcheck-fault-" });
  const instance = pageOwnership({ pages: 5 });
  const clean = search(instance);
  const spilled = search(instance, {
    spillDir: `${parent}/not/yet`,
    frontierMemoryBytes: 1,
    segmentStates: 50,
  });
  assert.deepEqual([spilled.distinctStates, spilled.transitions], [clean.distinctStates, clean.transitions]);
  assert.deepEqual([...Deno.readDirSync(`${parent}/not/yet`)], [], "its spill files are removed");
  await Deno.remove(parent, { recursive: true });
});

Deno.test("file system problems are exit 2 naming the path, after the verdict is printed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-fault-" });
  const file = `${dir}/a-file`;
  await Deno.writeTextFile(file, "");
  const violated = [
    "explore",
    "page_ownership",
    "--set",
    "pages=2",
    "--set",
    "fixed=false",
    "--workers",
    "1",
  ];
  // A trace folder that is a file.
  const trace = await hvcheck(...violated, "--trace-dir", `${file}/traces`);
  assert.equal(trace.code, 2, trace.stderr);
  assert.match(trace.stdout, /VIOLATED/);
  assert.match(
    trace.stderr,
    new RegExp(`Could not write the trace of host_mapped_implies_shared into ${file}/traces`),
  );
  // A checkpoint folder that is a file: the run stops at its (tiny) budget, says why, and exits 3.
  const checkpoint = await hvcheck(
    "explore",
    "page_ownership",
    "--set",
    "pages=9",
    "--memory",
    "64M",
    "--checkpoint",
    file,
  );
  assert.equal(checkpoint.code, 3, checkpoint.stderr);
  assert.match(checkpoint.stderr, new RegExp(`warning: Could not write a checkpoint into ${file}`));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a read-only trace or checkpoint folder is exit 2 or a warning naming it, never exit 4", async () => {
  const mounted = await mountTmpfs("ro,size=1M");
  if (typeof mounted === "string") {
    console.log(`SKIPPED: read-only folders need a read-only tmpfs (${mounted})`);
    return;
  }
  try {
    const trace = await hvcheck(
      "explore",
      "page_ownership",
      "--set",
      "pages=2",
      "--set",
      "fixed=false",
      "--trace-dir",
      `${mounted.dir}/traces`,
    );
    assert.equal(trace.code, 2, trace.stderr);
    assert.match(trace.stdout, /VIOLATED/);
    assert.match(trace.stderr, new RegExp(`${mounted.dir}/traces.*Read-only file system`));
    const spill = await hvcheck(
      "explore",
      "page_ownership",
      "--set",
      "pages=3",
      "--spill-dir",
      mounted.dir,
      "--memory",
      "64M",
    );
    assert.notEqual(spill.code, 4, spill.stderr);
  } finally {
    await mounted.unmount();
  }
});

Deno.test("a full disk: a failing periodic checkpoint is a warning, the run goes on, the previous checkpoint stays", async () => {
  const mounted = await mountTmpfs("size=2M");
  if (typeof mounted === "string") {
    console.log(`SKIPPED: a full disk needs a small tmpfs (${mounted})`);
    return;
  }
  try {
    const run = await hvcheck(
      "explore",
      "page_ownership",
      "--set",
      "pages=9",
      "--workers",
      "1",
      "--checkpoint",
      `${mounted.dir}/cp`,
      "--checkpoint-every",
      "0.5",
      "--json",
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).distinctStates, 563_654);
    assert.match(
      run.stderr,
      new RegExp(`warning: Could not write a checkpoint into ${mounted.dir}/cp.*No space left`),
    );
    const left = [...Deno.readDirSync(`${mounted.dir}/cp`)].map((e) => e.name);
    assert.ok(!left.some((n) => n.startsWith(".partial-")), `no partial checkpoint is left: ${left}`);
    // A trace on the full disk: the verdict is printed, and the error names the folder.
    await Deno.writeFile(`${mounted.dir}/filler`, new Uint8Array(2 * 2 ** 20)).catch(() => {});
    const trace = await hvcheck(
      "explore",
      "page_ownership",
      "--set",
      "pages=2",
      "--set",
      "fixed=false",
      "--trace-dir",
      `${mounted.dir}/traces`,
    );
    assert.equal(trace.code, 2, trace.stderr);
    assert.match(trace.stdout, /VIOLATED/);
    assert.match(trace.stderr, new RegExp(`${mounted.dir}/traces.*No space left`));
  } finally {
    await mounted.unmount();
  }
});

Deno.test("SIGKILL during checkpoint writes: the next run resumes from the last whole checkpoint and cleans the partial one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck-fault-" });
  const args = ["explore", "page_ownership", "--set", "pages=10", "--workers", "1"];
  // Checkpoints after every segment: most of the run's time is spent writing one.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}mod.ts`, ...args, "--checkpoint", dir, "--checkpoint-every", "0.001"],
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).spawn();
  let partialAtKill = false;
  for (let i = 0; i < 400 && !partialAtKill; i++) {
    await new Promise((r) => setTimeout(r, 25));
    try {
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      partialAtKill = i > 40 && names.includes("latest") && names.some((n) => n.startsWith(".partial-"));
    } catch {
      // not created yet
    }
    if (partialAtKill) child.kill("SIGKILL");
  }
  if (!partialAtKill) child.kill("SIGKILL");
  await child.status;
  console.log(`the kill landed during a checkpoint write: ${partialAtKill}`);
  const resumed = await hvcheck(...args, "--resume", dir, "--json");
  assert.equal(resumed.code, 0, resumed.stderr);
  const result = JSON.parse(resumed.stdout);
  assert.deepEqual([result.distinctStates, result.transitions, result.depth], [2_215_250, 31_693_476, 33]);
  const left = [...Deno.readDirSync(dir)].map((e) => e.name);
  assert.ok(!left.some((n) => n.startsWith(".partial-")), `the partial checkpoint is cleaned: ${left}`);
  await Deno.remove(dir, { recursive: true });
});
