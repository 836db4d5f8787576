import assert from "node:assert/strict";
import { BlockClaims, resetClaims } from "./block_claims.ts";

Deno.test("workers claim their own region first, then help with the others', and every state once", () => {
  for (const workers of [1, 2, 3]) {
    for (const size of [0, 1, 255, 256, 1000, 65536]) {
      const task = { claim: new Int32Array(workers), size, block: 256 };
      resetClaims(task.claim, size);
      const claims = Array.from({ length: workers }, (_, w) => new BlockClaims(w, workers));
      const owner = new Int32Array(size).fill(-1);
      const firsts: number[] = claims.map(() => -1);
      // The workers take turns, the last one slowest (it claims only every other turn).
      for (let turn = 0, active = true; active; turn++) {
        active = false;
        claims.forEach((c, w) => {
          if (w === workers - 1 && workers > 1 && turn % 2 === 1) return void (active = true);
          if (!c.next(task)) return;
          active = true;
          assert.ok(c.start < c.end && c.end - c.start <= task.block);
          if (firsts[w] === -1) firsts[w] = c.start;
          for (let i = c.start; i < c.end; i++) {
            assert.equal(owner[i], -1, `state ${i} claimed twice (${workers} workers, size ${size})`);
            owner[i] = w;
          }
        });
      }
      assert.ok(owner.every((w) => w >= 0), `every state claimed (${workers} workers, size ${size})`);
      // When no region is empty, each worker's first block is the start of its own region (a worker whose
      // region is empty helps another's at once).
      if (size < workers) continue;
      firsts.forEach((first, w) => assert.equal(first, Math.floor((w * size) / workers)));
    }
  }
});
