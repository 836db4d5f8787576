import assert from "node:assert/strict";
import { models } from "../../models/mod.ts";
import { checkInstance, type CheckResult } from "../check/check.ts";
// deno-lint-ignore no-import-prefix
import { unzlibSync, zlibSync } from "npm:fflate@0.8.2";
import { identityOf, latestName, prepareCheckpointDir, readCheckpoint } from "./checkpoint.ts";
import { InputError } from "../errors.ts";
import { instantiate } from "../model/model.ts";

const essence = (r: CheckResult) => ({
  verdict: r.verdict,
  distinctStates: r.distinctStates,
  transitions: r.transitions,
  depth: r.depth,
  actions: r.actions,
  properties: r.properties.map((p) => ({ name: p.name, status: p.status, trace: p.trace })),
});

const root = new URL("../../", import.meta.url).pathname;

/** The command line of a one-worker run of page_ownership with `pages` pages. */
const exploreArgs = (pages: number) => [
  "run",
  "-A",
  `${root}mod.ts`,
  "explore",
  "page_ownership",
  "--set",
  `pages=${pages}`,
  "--workers",
  "1",
];

const pageOwnership = (params: Record<string, unknown>) => instantiate(models.get("page_ownership")!, params);

Deno.test("levels that spill to disk in compressed chunks give the same result", async () => {
  const spillDir = await Deno.makeTempDir();
  for (const fixed of [true, false]) {
    const instance = pageOwnership({ pages: 6, fixed });
    const clean = checkInstance(instance);
    const spilled = checkInstance(instance, { frontierMemoryBytes: 4096, segmentStates: 100, spillDir });
    assert.deepEqual(essence(spilled), essence(clean));
  }
  assert.deepEqual([...Deno.readDirSync(spillDir)], [], "spill files are removed");
  await Deno.remove(spillDir, { recursive: true });
});

Deno.test("a run stopped mid-level resumes from its checkpoint to the same counts and traces", async () => {
  for (const fixed of [true, false]) {
    const dir = await Deno.makeTempDir();
    const instance = pageOwnership({ pages: 6, fixed });
    const clean = checkInstance(instance);
    let polls = 0;
    const stopped = checkInstance(instance, {
      segmentStates: 150,
      checkpointDir: dir,
      interrupted: () => ++polls === 12,
    });
    assert.equal(stopped.limit, "interrupted");
    assert.equal(stopped.verdict === "violated" ? "violated" : "incomplete", stopped.verdict);
    assert.ok(stopped.distinctStates < clean.distinctStates);
    const resume = await readCheckpoint(dir, identityOf(instance, false));
    const resumed = checkInstance(instance, { resume, segmentStates: 150 });
    assert.deepEqual(essence(resumed), essence(clean));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a checkpoint resumes with its own model, parameters and settings only", async () => {
  const dir = await Deno.makeTempDir();
  const instance = pageOwnership({ pages: 4 });
  checkInstance(instance, { checkpointDir: dir, checkpointFinal: true });
  await readCheckpoint(dir, identityOf(instance, false));
  const refuse = async (identity: ReturnType<typeof identityOf>, message: RegExp) =>
    await assert.rejects(
      () => readCheckpoint(dir, identity),
      (e: unknown) => e instanceof InputError && message.test(e.message),
    );
  await refuse(
    identityOf(pageOwnership({ pages: 5 }), false),
    /is of model page_ownership with .*"pages":4.*, not .*"pages":5/,
  );
  await refuse(identityOf(instance, true), /written without --exact/);
  await refuse(
    { ...identityOf(instance, false), source: "0000000000000000" },
    /different version of model page_ownership's code/,
  );
  await refuse(identityOf(instantiate(models.get("xen_kexec")!, {}), false), /is of model page_ownership/);
  // A corrupt data file is caught by its fingerprint: one word changed in a well-formed file...
  const latest = (await Deno.readTextFile(`${dir}/latest`)).trim();
  const visitedFile = `${dir}/${latest}/visited.z`;
  const original = await Deno.readFile(visitedFile);
  // Fingerprints are stored raw; the other files are zlib streams.
  const words = new Uint32Array(original.slice().buffer);
  words[words.length >> 1]! ^= 1;
  await Deno.writeFile(visitedFile, new Uint8Array(words.buffer));
  await refuse(identityOf(instance, false), /visited.z is corrupt/);
  const parentsFile = `${dir}/${latest}/parents.z`;
  const parents = await Deno.readFile(parentsFile);
  const parentWords = new Uint32Array(unzlibSync(parents).buffer);
  parentWords[parentWords.length >> 1]! ^= 1;
  await Deno.writeFile(parentsFile, zlibSync(new Uint8Array(parentWords.buffer)));
  await refuse(identityOf(instance, false), /parents.z is corrupt/);
  await Deno.writeFile(parentsFile, parents);
  await refuse(identityOf(instance, false), /visited.z is corrupt/);
  await Deno.writeFile(visitedFile, original);
  await readCheckpoint(dir, identityOf(instance, false));
  // ... or a file that is not zlib at all.
  await Deno.writeFile(`${dir}/${latest}/parents.z`, new Uint8Array([1, 2, 3]));
  await refuse(identityOf(instance, false), /parents.z is (unreadable|corrupt)/);
  await refuse(identityOf(instance, false), /parents/);
  await assert.rejects(
    () => readCheckpoint(`${dir}/nowhere`, identityOf(instance, false)),
    /No checkpoint to resume/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a latest file that names anything but a checkpoint of its folder is refused, and nothing outside is read", async () => {
  assert.equal(latestName("checkpoint-12\n"), "checkpoint-12");
  for (const text of ["../../etc/x", "/etc/x", "checkpoint-1/../../x", "..", "", "checkpoint-"]) {
    assert.equal(latestName(text), undefined, text);
  }
  const root = await Deno.makeTempDir();
  const dir = `${root}/ck`;
  const instance = pageOwnership({ pages: 2 });
  checkInstance(instance, { checkpointDir: dir, checkpointFinal: true });
  const name = (await Deno.readTextFile(`${dir}/latest`)).trim();
  // A copy of the checkpoint outside the folder, which a resume must not be led to.
  await Deno.rename(`${dir}/${name}`, `${root}/outside`);
  for (const pointer of ["../outside", `${root}/outside`]) {
    await Deno.writeTextFile(`${dir}/latest`, `${pointer}\n`);
    await assert.rejects(
      () => readCheckpoint(dir, identityOf(instance, false)),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.startsWith(`Checkpoint folder ${dir} is corrupt: its "latest" file names`),
    );
    // A run that writes checkpoints there does not read it either: one of another model is not refused.
    prepareCheckpointDir(dir, identityOf(pageOwnership({ pages: 3 }), false));
  }
  // Nor through a symbolic link inside the folder.
  await Deno.symlink(`${root}/outside`, `${dir}/${name}`);
  await Deno.writeTextFile(`${dir}/latest`, `${name}\n`);
  await assert.rejects(
    () => readCheckpoint(dir, identityOf(instance, false)),
    (e: unknown) =>
      e instanceof InputError && /is a symbolic link, which hvcheck never writes/.test(e.message),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("a run that cannot fit its memory budget stops cleanly with a checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  const instance = pageOwnership({ pages: 8 });
  // A budget below what the process already uses: it cannot hold even the first level's growth.
  const budget = Deno.memoryUsage().rss - 1;
  const result = checkInstance(instance, { memoryBytes: budget, checkpointDir: dir, segmentStates: 2000 });
  assert.equal(result.limit, "memory");
  assert.equal(result.verdict, "incomplete");
  assert.ok(result.checkpoint?.startsWith(dir));
  const resumed = checkInstance(instance, { resume: await readCheckpoint(dir, identityOf(instance, false)) });
  assert.equal(resumed.distinctStates, 2 * 4 ** 8 + 2 * 3 ** 8);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run killed with SIGKILL resumes from its last checkpoint to the counts of a clean run", async () => {
  const dir = await Deno.makeTempDir();
  const args = exploreArgs(9);
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args, "--checkpoint", dir, "--checkpoint-every", "0.05"],
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Wait for a checkpoint, then kill the run without warning.
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      await Deno.stat(`${dir}/latest`);
      if (i > 20) break;
    } catch {
      // no checkpoint yet
    }
  }
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.success, false, "the run was still going when killed");
  const resumed = await new Deno.Command(Deno.execPath(), {
    args: [...args, "--resume", dir, "--json"],
    cwd: root,
  }).output();
  const result = JSON.parse(new TextDecoder().decode(resumed.stdout));
  assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
  assert.deepEqual([result.distinctStates, result.transitions, result.depth], [563_654, 7_156_620, 30]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Ctrl-C (SIGINT) stops a run with a checkpoint and exit code 3; --resume finishes it", async () => {
  const dir = await Deno.makeTempDir();
  const args = exploreArgs(10);
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args, "--checkpoint", dir],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await new Promise((r) => setTimeout(r, 2500));
  child.kill("SIGINT");
  const interrupted = await child.output();
  const stderr = new TextDecoder().decode(interrupted.stderr);
  assert.equal(interrupted.code, 3, stderr);
  assert.match(stderr, /interrupted; writing a checkpoint/);
  assert.match(
    stderr,
    new RegExp(`checkpoint written to ${dir}/checkpoint-1; continue with --resume ${dir}`),
  );
  const resumed = await new Deno.Command(Deno.execPath(), {
    args: [...args, "--resume", dir, "--json"],
    cwd: root,
  })
    .output();
  assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
  const result = JSON.parse(new TextDecoder().decode(resumed.stdout));
  assert.deepEqual([result.distinctStates, result.transitions, result.depth], [2_215_250, 31_693_476, 33]);
  await Deno.remove(dir, { recursive: true });
});
