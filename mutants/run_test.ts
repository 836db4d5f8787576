import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gates } from "../checks/mod.ts";
import { mutants } from "./mutant.ts";
import { formatResults, runMutants } from "./run.ts";

const repository = join(dirname(fileURLToPath(import.meta.url)), "..");

Deno.test("mutants are caught by a property, survive as argued, or are reported as undecided", async () => {
  const suite = mutants("page_ownership", [
    {
      name: "kexec_with_host_mappings",
      change: "kexec starts while the host still maps a shared page (the guard is dropped)",
      file: "models/page_ownership.ts",
      find: "(!p.fixed || !s.hostMapped.includes(true))",
      replace: "true",
    },
    {
      name: "comment_only",
      change: "a comment is reworded",
      file: "models/page_ownership.ts",
      find: "// The host uses its mapping",
      replace: "// The host writes through its mapping",
      equivalent: "only a comment changes",
    },
    {
      name: "does_not_type_check",
      change: "an edit that is not TypeScript",
      file: "models/page_ownership.ts",
      find: "s.generation = 1 - s.generation;",
      replace: "s.generation = 1 - ;",
    },
  ]);
  const before = await Deno.readTextFile(join(repository, "models/page_ownership.ts"));
  const [result] = await runMutants({ repository, suites: [suite], gates, jobs: 2, timeoutSeconds: 300 });
  assert.equal(await Deno.readTextFile(join(repository, "models/page_ownership.ts")), before);
  assert.ok(result);
  assert.deepEqual(result.baseline, []);
  const [caught, equivalent, broken] = result.results;
  assert.equal(caught?.verdict.kind, "caught");
  assert.ok(
    caught?.verdict.kind === "caught" &&
      caught.verdict.by.some((c) =>
        c.gate === "page_ownership_fixed_n6" && c.property === "host_mapped_implies_shared"
      ),
  );
  assert.equal(caught?.ok, true);
  assert.equal(equivalent?.verdict.kind, "survived");
  assert.equal(equivalent?.ok, true);
  assert.equal(broken?.verdict.kind, "inconclusive");
  assert.equal(broken?.ok, false);
  const text = formatResults([result]);
  assert.match(text, /^page_ownership: 1 of 2 caught, 1 argued equivalent/);
  assert.match(text, /UNDECIDED +does_not_type_check/);
  assert.match(text, /mutants: 1 of 2 caught; 1 not as expected$/);
});

Deno.test("a mutant whose text is not in its file exactly once is undecided, and a path outside models/ is refused", async () => {
  const suite = mutants("page_ownership", [
    {
      name: "absent",
      change: "c",
      file: "models/page_ownership.ts",
      find: "no such text here",
      replace: "x",
    },
    { name: "outside", change: "c", file: "src/errors.ts", find: "export", replace: "x" },
  ]);
  const [result] = await runMutants({ repository, suites: [suite], gates, jobs: 1, timeoutSeconds: 300 });
  for (const r of result!.results) assert.equal(r.verdict.kind, "inconclusive");
  assert.match(JSON.stringify(result!.results[0]!.verdict), /occurs 0 times/);
  assert.match(JSON.stringify(result!.results[1]!.verdict), /not a model file under models/);
});
