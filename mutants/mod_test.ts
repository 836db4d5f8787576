import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gates } from "../checks/mod.ts";
import { models } from "../models/mod.ts";
import { suites } from "./mod.ts";
import { applyMutant } from "./mutant.ts";
import { gatesOf } from "./run.ts";

const repository = join(dirname(fileURLToPath(import.meta.url)), "..");

// Runs without any search: a model edit that leaves a mutant's text behind fails here, not in the long run.
Deno.test("every suite names a registered model with gates, and every mutant applies to its file", async () => {
  const seen = new Set<string>();
  for (const suite of suites) {
    assert.ok(models.has(suite.model), `mutants for unknown model ${suite.model}`);
    assert.ok(!seen.has(suite.model), `two suites for ${suite.model}`);
    seen.add(suite.model);
    assert.ok(gatesOf(suite.model, gates).length > 0, `${suite.model} has no non-slow gates`);
    assert.ok(suite.mutants.length >= 8, `${suite.model} has ${suite.mutants.length} mutants, fewer than 8`);
    for (const m of suite.mutants) {
      const text = await Deno.readTextFile(join(repository, m.file));
      assert.notEqual(applyMutant(text, m), text);
    }
  }
});

Deno.test("every model of the library has its mutants, but the components' demos", () => {
  const covered = new Set(suites.map((s) => s.model));
  const demos = ["cpuhp_demo", "pm_phases_demo"];
  assert.deepEqual([...models.keys()].filter((name) => !covered.has(name) && !demos.includes(name)), []);
});
