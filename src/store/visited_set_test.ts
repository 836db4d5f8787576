import assert from "node:assert/strict";
import { ExactStateSet } from "./exact_state_set.ts";
import { FingerprintSet } from "./fingerprint_set.ts";
import { fingerprint } from "../state/fingerprint.ts";
import type { VisitedSet, VisitedSnapshot } from "./visited_set.ts";

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

Deno.test("FingerprintSet grows its tables in place and keeps its load near the staggered average", () => {
  const set = new FingerprintSet(1 << 10);
  const tablesOf = (snapshot: VisitedSnapshot) => snapshot.kind === "fingerprint" ? snapshot.tables : [];
  const buffers = tablesOf(set.snapshot()).map((t) => t.buffer);
  const words = new Uint32Array(1), fp = new Uint32Array(2);
  const bytesPerEntry: number[] = [];
  for (let i = 1; i <= 1_000_000; i++) {
    words[0] = i;
    fingerprint(words, 0, 1, fp);
    assert.ok(set.insert(words, 0, fp));
    if (i % 100_000 === 0) bytesPerEntry.push(set.bytes / set.size);
  }
  const tables = tablesOf(set.snapshot());
  assert.equal(tables.length, 64);
  // Every table grew (from 16 slots to thousands) without leaving its buffer.
  assert.ok(tables.every((t, i) => t.buffer === buffers[i] && t.length > 1 << 12));
  // Lockstep tables would swing between 10.7 and 16 bytes per entry; staggered ones stay near 13.2.
  for (const b of bytesPerEntry) assert.ok(b > 12 && b < 14.5, `${b} bytes per fingerprint`);
  for (let i = 1; i <= 1_000_000; i += 997) {
    words[0] = i;
    fingerprint(words, 0, 1, fp);
    assert.ok(set.has(words, 0, fp));
  }
});
