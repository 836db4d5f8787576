import assert from "node:assert/strict";
import { checkSync } from "../mod.ts";
import pageOwnership from "./page_ownership.ts";

Deno.test("page_ownership with the fix has exactly 2*4^N + 2*3^N states, as SPIN and Rumur count", () => {
  for (let pages = 1; pages <= 7; pages++) {
    const r = checkSync(pageOwnership, { params: { pages, fixed: true } });
    assert.equal(r.distinctStates, 2 * 4 ** pages + 2 * 3 ** pages, `pages=${pages}`);
    assert.equal(r.verdict, "holds");
    assert.deepEqual(r.unfiredActions, []);
  }
});

Deno.test("page_ownership at N=8 matches SPIN's and Rumur's states, transitions and depth", () => {
  const r = checkSync(pageOwnership, { params: { pages: 8, fixed: true } });
  assert.deepEqual([r.distinctStates, r.transitions, r.depth], [144_194, 1_599_108, 27]);
});

Deno.test("page_ownership without the fix: alloc, share, kexec_start, kexec_complete", () => {
  const r = checkSync(pageOwnership, { params: { pages: 3, fixed: false } });
  const violation = r.properties.find((p) => p.name === "host_mapped_implies_shared")!;
  assert.equal(violation.status, "violated");
  assert.deepEqual(
    violation.trace!.actions.map((a) => [a.name, a.params.page]),
    [["alloc", 0], ["share", 0], ["kexec_start", undefined], ["kexec_complete", undefined]],
  );
  assert.deepEqual(violation.trace!.states.at(-1), {
    owner: ["free", "free", "free"],
    hostMapped: [true, false, false],
    generation: 1,
    phase: "running",
  });
});

Deno.test("page_ownership with check=false has no invariant to break", () => {
  const r = checkSync(pageOwnership, { params: { pages: 2, fixed: false, check: false } });
  assert.deepEqual(r.properties.map((p) => p.name), ["deadlock"]);
  assert.equal(r.verdict, "holds");
});
