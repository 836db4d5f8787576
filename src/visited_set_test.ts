import assert from "node:assert/strict";
import { ExactStateSet } from "./exact_state_set.ts";
import { FingerprintSet } from "./fingerprint_set.ts";
import { fingerprint } from "./fingerprint.ts";
import type { VisitedSet } from "./visited_set.ts";

/** A reproducible pseudo-random sequence (xorshift32). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

for (
  const [name, make] of [
    ["FingerprintSet", () => new FingerprintSet(16)],
    ["ExactStateSet", () => new ExactStateSet(2, 16)],
  ] as [string, () => VisitedSet][]
) {
  Deno.test(`${name} agrees with a Set through many doublings`, () => {
    const set = make();
    const reference = new Set<string>();
    const next = random(12345);
    const words = new Uint32Array(2), fp = new Uint32Array(2);
    for (let i = 0; i < 200_000; i++) {
      words[0] = next() % 300;
      words[1] = next() % 1000;
      fingerprint(words, 0, 2, fp);
      const key = `${words[0]},${words[1]}`;
      assert.equal(set.insert(words, 0, fp), !reference.has(key));
      reference.add(key);
      assert.ok(set.has(words, 0, fp));
    }
    assert.equal(set.size, reference.size);
    assert.ok(set.bytes > 0);
  });
}

Deno.test("fingerprint() is deterministic, never (0, 0), and spreads nearby states", () => {
  const fp = new Uint32Array(2);
  const seen = new Set<string>();
  const lowBuckets = new Uint32Array(256);
  for (let i = 0; i < 65536; i++) {
    fingerprint(Uint32Array.of(i, 0), 0, 2, fp);
    assert.ok((fp[0]! | fp[1]!) !== 0);
    seen.add(`${fp[0]},${fp[1]}`);
    lowBuckets[fp[1]! & 255]!++;
  }
  assert.equal(seen.size, 65536);
  // 256 buckets of ~256: a hash that ignored bits would leave some far off.
  assert.ok(Math.max(...lowBuckets) < 256 * 1.5 && Math.min(...lowBuckets) > 256 * 0.5);
  const a = new Uint32Array(2), b = new Uint32Array(2);
  fingerprint(Uint32Array.of(7, 9, 1), 1, 2, a);
  fingerprint(Uint32Array.of(9, 1), 0, 2, b);
  assert.deepEqual([...a], [...b]);
});
