import assert from "node:assert/strict";
import { KeyMerge } from "./key_merge.ts";
import type { KeyedRun } from "./keys.ts";

Deno.test("KeyMerge reads runs in key order as one run in key order, parent first, then action", () => {
  // Records of 4 words: a payload word, a marker, then the key (parent, action).
  const keys: [number, number][] = [];
  for (let parent = 0; parent < 40; parent++) {
    for (let action = 0; action < 5; action++) {
      if ((parent * 7 + action * 3) % 4 !== 0) keys.push([parent, action]);
    }
  }
  // Dealt out to three runs at random, each kept in key order; one run starts at an offset.
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const dealt: [number, number][][] = [[], [], []];
  for (const key of keys) dealt[Math.floor(random() * 3)]!.push(key);
  const runs: KeyedRun[] = dealt.map((list, r) => {
    const skip = r === 2 ? 2 : 0;
    const data = new Uint32Array((list.length + skip) * 4);
    list.forEach(([parent, action], i) =>
      data.set([parent * 10 + action, r, parent, action], (i + skip) * 4)
    );
    return { data, from: skip * 4, to: data.length };
  });
  const merge = new KeyMerge(4, 2);
  merge.start(runs);
  const seen: [number, number][] = [];
  while (merge.next()) {
    const run = runs[merge.run]!.data;
    assert.equal(run[merge.at + 1], merge.run);
    assert.equal(run[merge.at], merge.parent * 10 + merge.action);
    seen.push([merge.parent, merge.action]);
  }
  assert.deepEqual(seen, keys);
  assert.equal(merge.next(), false);
  // Starting again forgets the last merge.
  merge.start([]);
  assert.equal(merge.next(), false);
});

Deno.test("KeyMerge compares keys as unsigned words: NO_PARENT (0xffffffff) sorts last", () => {
  const merge = new KeyMerge(2, 0);
  merge.start([
    { data: new Uint32Array([0xffffffff, 0]), from: 0, to: 2 },
    { data: new Uint32Array([3, 9]), from: 0, to: 2 },
  ]);
  const order: number[] = [];
  while (merge.next()) order.push(merge.parent);
  assert.deepEqual(order, [3, 0xffffffff]);
});
