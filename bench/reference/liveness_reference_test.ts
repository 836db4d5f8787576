/**
 * The liveness twin of page_ownership (page_ownership_live_pml.ts) under SPIN's `pan -a -f` against
 * hvcheck on the same model: the same verdict on shared_page_is_taken_back for N=2..4, holding with the
 * host's unmap weakly fair and violated without. Skipped when spin, gcc or timeout is not on PATH.
 */
import assert from "node:assert/strict";
import { onPath } from "./run_reference.ts";
import { compileSpinLiveness, runPan } from "./run_spin_liveness.ts";
import { pageOwnershipTwin } from "./page_ownership_live_pml.ts";
import { processCount } from "../../src/crosscheck/spin_liveness.ts";

const absent = ["spin", "gcc", "timeout"].filter((name) => !onPath(name));
const skipped = absent.length === 0 ? "" : ` (SKIPPED: ${absent.join(" and ")} not on PATH)`;

Deno.test("liveness twin: one process per action instance, the unfair ones with a no-op", () => {
  for (const fairHost of [true, false]) {
    const twin = pageOwnershipTwin(3, { fairHost });
    // init, then alloc, share, unmap, revoke, free and host_write per page, kexec_start, kexec_complete.
    assert.equal(processCount(twin), 1 + 6 * 3 + 2);
    const unfair = twin.instances.filter((a) => a.fairness === "none").map((a) => a.name.split(" ")[0]);
    assert.deepEqual(new Set(unfair), new Set(fairHost ? ["host_write"] : ["host_write", "unmap"]));
  }
});

Deno.test({
  name:
    `spin: pan -a -f on the liveness twin gives hvcheck's verdict for N=2..4, fairHost true and false${skipped}`,
  ignore: absent.length > 0,
  fn: async () => {
    const { check } = await import("../../mod.ts");
    const { default: pageOwnership } = await import("../../models/page_ownership.ts");
    for (const fairHost of [true, false]) {
      for (const pages of [2, 3, 4]) {
        const ours = await check(pageOwnership, { params: { pages, liveness: true, fairHost }, workers: 1 });
        const status = ours.properties.find((p) => p.name === "shared_page_is_taken_back")?.status;
        assert.equal(status, fairHost ? "holds" : "violated", `hvcheck N=${pages} fairHost=${fairHost}`);
        const pan = await compileSpinLiveness({ pages, fairHost });
        try {
          const theirs = await runPan(pan, 120);
          assert.equal(theirs.verdict, status, `SPIN N=${pages} fairHost=${fairHost}`);
        } finally {
          await pan.dispose();
        }
      }
    }
  },
});
