/**
 * Cross-checks the SPIN and Rumur reference models against the closed forms of page_ownership
 * (README.md beside this file). Each test is skipped when its tool or gcc is not on PATH.
 */
import assert from "node:assert/strict";
import { onPath, type ReferenceOptions, runReference, type Tool } from "./run_reference.ts";

const TOOLS: readonly Tool[] = ["spin", "rumur"];

/** fixed=true: in the running phase each page is free, guest, shared or shared+mapped; kexec_pending has no
 * mapping left. Both phases come in two generations. */
const fixedStates = (n: number) => 2 * 4 ** n + 2 * 3 ** n;
const fixedTransitions = (n: number) => 3 * n * 4 ** n + 4 * 3 ** n;
const fixedDepth = (n: number) => 3 * n + 3;
/** fixed=false, unchecked: every page owner with either mapping bit, in both phases and generations. */
const unfixedStates = (n: number) => 4 * 6 ** n;
/** With symmetry only the multiset of page states matters. */
const binomial = (n: number, k: number): number => k === 0 ? 1 : binomial(n - 1, k - 1) * n / k;
const fixedOrbits = (n: number) => 2 * binomial(n + 3, 3) + 2 * binomial(n + 2, 2);

function options(tool: Tool, pages: number, extra: Partial<ReferenceOptions> = {}): ReferenceOptions {
  return { tool, pages, fixed: true, check: true, bfs: true, threads: 1, symmetry: false, ...extra };
}

function missing(tool: string): string | null {
  const absent = [tool, "gcc"].filter((name) => !onPath(name));
  return absent.length === 0 ? null : `${absent.join(" and ")} not on PATH`;
}

function referenceTest(tool: Tool, name: string, fn: () => Promise<void>): void {
  const skip = missing(tool);
  Deno.test({
    name: `${tool}: ${name}${skip === null ? "" : ` (SKIPPED: ${skip})`}`,
    ignore: skip !== null,
    fn,
  });
}

for (const tool of TOOLS) {
  referenceTest(tool, "fixed model has 2*4^N + 2*3^N states for N=3..8, no violation", async () => {
    for (let n = 3; n <= 8; n++) {
      const r = await runReference(options(tool, n));
      assert.equal(r.states, fixedStates(n), `states N=${n}`);
      assert.equal(r.transitions, fixedTransitions(n), `transitions N=${n}`);
      assert.equal(r.verdict, "ok");
      assert.equal(r.complete, true);
      if (tool === "spin") assert.equal(r.depth, fixedDepth(n), `depth N=${n}`);
    }
  });

  referenceTest(
    tool,
    "unfixed model: the invariant fails after alloc, share, kexec_start, kexec_complete",
    async () => {
      const r = await runReference(options(tool, 3, { fixed: false }));
      assert.equal(r.verdict, "violation");
      assert.ok(r.trail !== null);
      const page = r.trail[0]?.split(" ")[1];
      assert.deepEqual(r.trail, [`alloc ${page}`, `share ${page}`, "kexec_start", "kexec_complete"]);
    },
  );

  referenceTest(tool, "unfixed model without the check has 4*6^N states", async () => {
    const r = await runReference(options(tool, 3, { fixed: false, check: false }));
    assert.equal(r.states, unfixedStates(3));
    assert.equal(r.transitions, 4968);
    assert.equal(r.complete, true);
  });
}

referenceTest(
  "rumur",
  "scalarset pages with exhaustive symmetry reduction: orbit counts for N=3..5",
  async () => {
    for (let n = 3; n <= 5; n++) {
      const r = await runReference(options("rumur", n, { symmetry: true }));
      assert.equal(r.states, fixedOrbits(n), `orbits N=${n}`);
      assert.equal(r.verdict, "ok");
    }
  },
);

for (const tool of TOOLS) {
  referenceTest(tool, "hvcheck and the tool count the same states, transitions and verdicts", async () => {
    const { check } = await import("../../mod.ts");
    const { default: pageOwnership } = await import("../../models/page_ownership.ts");
    for (const n of [2, 4, 6]) {
      const ours = await check(pageOwnership, { params: { pages: n, fixed: true } });
      const theirs = await runReference(options(tool, n));
      assert.deepEqual(
        [ours.distinctStates, ours.transitions, ours.verdict],
        [theirs.states, theirs.transitions, "holds"],
        `N=${n}`,
      );
      assert.equal(theirs.verdict, "ok");
      if (tool === "spin") assert.equal(ours.depth, theirs.depth, `depth N=${n}`);
      const symmetric = await check(pageOwnership, { params: { pages: n, fixed: true, symmetry: true } });
      if (tool === "rumur" && n <= 4) {
        const orbits = await runReference(options(tool, n, { symmetry: true }));
        assert.equal(symmetric.distinctStates, orbits.states, `orbits N=${n}`);
      }
    }
    const buggy = await check(pageOwnership, { params: { pages: 3, fixed: false } });
    const theirs = await runReference(options(tool, 3, { fixed: false }));
    assert.equal(theirs.verdict, "violation");
    assert.equal(buggy.properties[0]!.traceLength, 4);
    if (tool === "spin") assert.equal(theirs.trail?.length, buggy.properties[0]!.traceLength);
  });
}
