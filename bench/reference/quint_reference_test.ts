/**
 * Traces Quint wrote, replayed by hvcheck: Quint twins of page_ownership (quint/page_ownership.qnt, a flat
 * module with two pages and no fix; quint/instances.qnt, the same module with its bounds and fix as
 * constants, instantiated as buggy3 and fixed2) simulated with `quint run --backend=typescript --mbt
 * --out-itf`. The files carry module-qualified variables, `#map` arrays, sum-type enums and `mbt::` actions
 * (Quint's `free_page` is the model's `free`, which replay infers). Every one must replay as a run of the
 * model, the violating ones violating host_mapped_implies_shared where Quint stopped. Where `quint` is on
 * PATH the traces are generated again and replayed the same way.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/cli.ts";
import { library } from "../../src/testdata/library.ts";
import { onPath } from "./run_reference.ts";

const here = join(dirname(fileURLToPath(import.meta.url)), "quint");

interface Fixture {
  readonly file: string;
  readonly main?: string;
  readonly spec: string;
  readonly params: readonly string[];
  /** The state where host_mapped_implies_shared is violated, or undefined when it holds along the run. */
  readonly violatedAt?: number;
  /** `quint run` arguments that wrote it (seed and bounds). */
  readonly run: readonly string[];
}

const violating = ["--invariant=host_mapped_implies_shared", "--max-steps=8", "--max-samples=2000"];
const fixtures: readonly Fixture[] = [
  {
    file: "flat_buggy2_violation.itf.json",
    spec: "page_ownership.qnt",
    params: ["pages=2", "fixed=false"],
    violatedAt: 5,
    run: [...violating, "--seed=7"],
  },
  {
    file: "buggy3_violation.itf.json",
    spec: "instances.qnt",
    main: "buggy3",
    params: ["pages=3", "fixed=false"],
    violatedAt: 6,
    run: [...violating, "--seed=11"],
  },
  ...[0, 1, 2].map((i) => ({
    file: `fixed2_run${i}.itf.json`,
    spec: "instances.qnt",
    main: "fixed2",
    params: ["pages=2", "fixed=true"],
    run: [
      "--invariant=host_mapped_implies_shared",
      "--max-steps=12",
      "--max-samples=50",
      "--n-traces=3",
      "--seed=5",
    ],
  })),
];

async function replay(path: string, params: readonly string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const sets = params.flatMap((p) => ["--set", p]);
  const code = await main(["replay", "page_ownership", path, ...sets, "--json"], library, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, json: code === 0 ? JSON.parse(out.join("\n")) : undefined, stderr: err.join("\n") };
}

function assertReplays(
  fixture: Fixture,
  run: Awaited<ReturnType<typeof replay>>,
  exactlyAt = true,
): void {
  assert.equal(run.code, 0, `${fixture.file}: ${run.stderr}`);
  assert.equal(run.json.ok, true, fixture.file);
  const invariant = run.json.properties.find((p: { name: string }) =>
    p.name === "host_mapped_implies_shared"
  );
  if (fixture.violatedAt === undefined) assert.equal(invariant.status, "holds", fixture.file);
  else {
    assert.equal(invariant.status, "violated", fixture.file);
    if (exactlyAt) assert.equal(invariant.at, fixture.violatedAt, fixture.file);
  }
}

Deno.test("every trace Quint wrote replays as a run of page_ownership, violating where Quint stopped", async () => {
  for (const fixture of fixtures) {
    const text = await Deno.readTextFile(join(here, fixture.file));
    const doc = JSON.parse(text);
    assert.ok(doc.vars.includes("mbt::actionTaken"), `${fixture.file} has Quint's --mbt variables`);
    if (fixture.main) assert.ok(doc.vars[0].startsWith(`${fixture.main}::page_ownership::`), fixture.file);
    assertReplays(fixture, await replay(join(here, fixture.file), fixture.params));
  }
});

const quint = onPath("quint");
Deno.test({
  name: `quint run writes the traces again and they replay${quint ? "" : " (SKIPPED: quint not on PATH)"}`,
  ignore: !quint,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    for (
      const fixture of fixtures.filter((f) =>
        !f.file.startsWith("fixed2_run") || f.file.endsWith("0.itf.json")
      )
    ) {
      const out = join(dir, fixture.file.replace(/run0\.itf\.json$/, "run{seq}.itf.json"));
      const args = ["run", join(here, fixture.spec), "--backend=typescript", "--mbt", ...fixture.run];
      const quintRun = await new Deno.Command("quint", {
        args: [...args, ...(fixture.main ? [`--main=${fixture.main}`] : []), `--out-itf=${out}`],
        stdout: "null",
        stderr: "null",
      }).output();
      assert.equal(quintRun.code, fixture.violatedAt === undefined ? 0 : 1, `quint ${fixture.file}`);
    }
    for (const fixture of fixtures) {
      // Another Quint version may take another path: the run must replay, violating where it says it does.
      assertReplays(fixture, await replay(join(dir, fixture.file), fixture.params), false);
    }
    await Deno.remove(dir, { recursive: true });
  },
});
