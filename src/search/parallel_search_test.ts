import assert from "node:assert/strict";
import { library } from "../testdata/library.ts";
import { checkInstance, checkInstanceParallel, type CheckResult } from "../check/check.ts";
import { InputError } from "../errors.ts";
import { WorkerPool } from "./parallel_search.ts";
import { instantiate, type Model } from "../model/model.ts";
import { models } from "../../models/mod.ts";

/** Everything a run must agree on across worker counts (timings and memory aside). */
function essence(r: CheckResult) {
  return {
    verdict: r.verdict,
    distinctStates: r.distinctStates,
    transitions: r.transitions,
    depth: r.depth,
    actions: r.actions,
    properties: r.properties.map((p) => ({
      name: p.name,
      status: p.status,
      length: p.traceLength,
      trace: p.trace,
    })),
  };
}

const cases: [string, Record<string, unknown>][] = [
  ["page_ownership", { pages: 5, fixed: true }],
  ["page_ownership", { pages: 4, fixed: false }],
  ["page_ownership", { pages: 6, fixed: false, symmetry: true }],
  ["hv_vmbus", {}],
  ["sev_migration", {}],
  ["xen_kexec", {}],
  ["hv_vp_assist", { variant: "pre_421f090c819d" }],
];

for (const [name, params] of cases) {
  Deno.test(`${name} ${JSON.stringify(params)}: 1, 2 and 3 workers give the same counts and counterexamples`, async () => {
    const instance = instantiate(models.get(name)!, params);
    const one = essence(checkInstance(instance));
    for (const workers of [2, 3]) {
      const many = await checkInstanceParallel(
        instance,
        { registry: library.modelsModule, name: name },
        workers,
      );
      assert.equal(many.workers, workers);
      assert.deepEqual(essence(many), one, `${workers} workers`);
    }
  });
}

Deno.test("parallel exact mode agrees with fingerprint mode", async () => {
  const instance = instantiate(models.get("page_ownership")! as Model, { pages: 4, fixed: true });
  const exact = await checkInstanceParallel(
    instance,
    { registry: library.modelsModule, name: "page_ownership" },
    2,
    { exact: true },
  );
  assert.equal(exact.exact, true);
  assert.equal(exact.distinctStates, 2 * 4 ** 4 + 2 * 3 ** 4);
});

Deno.test("limits cut a parallel search exactly where they cut a sequential one", async () => {
  const instance = instantiate(models.get("page_ownership")!, { pages: 6 });
  for (const limits of [{ maxStates: 1000 }, { maxDepth: 7 }]) {
    const one = checkInstance(instance, limits);
    const two = await checkInstanceParallel(
      instance,
      { registry: library.modelsModule, name: "page_ownership" },
      2,
      limits,
    );
    assert.equal(two.verdict, "incomplete");
    assert.deepEqual(essence(two), essence(one));
  }
});

Deno.test("at a depth limit the workers look successors up in every shard", async () => {
  // Only at the depth limit does the expand phase read the visited set: a limit at the model's depth
  // cuts nothing off, which a lookup in the wrong shard would miss; one level less cuts.
  const instance = instantiate(models.get("page_ownership")!, { pages: 5 });
  const full = checkInstance(instance);
  for (const workers of [2, 3]) {
    const ref = { registry: library.modelsModule, name: "page_ownership" };
    const atDepth = await checkInstanceParallel(instance, ref, workers, { maxDepth: full.depth });
    assert.equal(atDepth.limit, undefined, `${workers} workers, limit at the depth`);
    assert.equal(atDepth.verdict, full.verdict);
    assert.equal(atDepth.distinctStates, full.distinctStates);
    const shallower = await checkInstanceParallel(instance, ref, workers, { maxDepth: full.depth - 1 });
    assert.equal(shallower.limit, "max-depth", `${workers} workers, one level less`);
  }
});

Deno.test("a model error inside a worker thread is reported as bad input", async () => {
  const url = new URL("../testdata/test_models.ts", import.meta.url).href;
  const { outOfRange } = await import("../testdata/test_models.ts");
  const instance = instantiate(outOfRange as unknown as Model);
  await assert.rejects(
    () => checkInstanceParallel(instance, { module: url, exportName: "outOfRange" }, 2),
    (e: unknown) =>
      e instanceof InputError && /action inc at depth 2, set a value outside its domain/.test(e.message),
  );
});

Deno.test("a pool that served a failed search serves the next one exactly", async () => {
  const url = new URL("../testdata/test_models.ts", import.meta.url).href;
  const { outOfRange } = await import("../testdata/test_models.ts");
  const pool = new WorkerPool(3);
  try {
    assert.equal(pool.size, 3, "the calling thread and two threads");
    await assert.rejects(
      () =>
        checkInstanceParallel(instantiate(outOfRange as unknown as Model), {
          module: url,
          exportName: "outOfRange",
        }, pool),
      InputError,
    );
    const instance = instantiate(models.get("page_ownership")!, { pages: 4, fixed: false });
    const next = await checkInstanceParallel(instance, {
      registry: library.modelsModule,
      name: "page_ownership",
    }, pool);
    assert.deepEqual(essence(next), essence(checkInstance(instance)));
  } finally {
    pool.close();
  }
});
