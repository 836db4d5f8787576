import assert from "node:assert/strict";
import { RecentSuccessors } from "./recent_successors.ts";

/** Low words that share a line (the same low 17 bits) and differ above it. */
const sameLine = (k: number) => ((k << 17) | 12345) >>> 0;

Deno.test("a fingerprint is covered for the same or a later parent of its segment, not an earlier one", () => {
  const recent = new RecentSuccessors();
  recent.startSegment(1000, 500);
  assert.equal(recent.covered(7, 9, 1100), false, "first lookup");
  assert.equal(recent.covered(7, 9, 1100), true, "same parent, later action");
  assert.equal(recent.covered(7, 9, 1250), true, "later parent");
  assert.equal(recent.covered(7, 9, 1040), false, "earlier parent (a helper's lower block) is sent");
  assert.equal(recent.covered(7, 9, 1060), true, "the entry now names parent 1040");
  assert.equal(recent.covered(8, 9, 1400), false, "same low word, other high word");
  assert.equal(recent.covered(7, 10, 1400), false, "same high word, other low word");
  assert.equal(recent.covered(7, sameLine(1), 1400), false, "same line, other low word");
});

Deno.test("an entry of an earlier segment covers any parent: its state is visited by then", () => {
  const recent = new RecentSuccessors();
  recent.startSegment(0, 65536);
  assert.equal(recent.covered(3, 4, 65000), false);
  recent.startSegment(65536, 65536);
  assert.equal(recent.covered(3, 4, 65536), true, "offset 0 of the next segment");
});

Deno.test("the first and last offsets of a full segment are told apart", () => {
  const recent = new RecentSuccessors();
  recent.startSegment(5, RecentSuccessors.MAX_SEGMENT);
  assert.equal(recent.covered(1, 2, 5 + 65535), false);
  assert.equal(recent.covered(1, 2, 5), false, "offset 0 comes before offset 65535");
  assert.equal(recent.covered(1, 2, 5 + 65535), true);
});

Deno.test("a segment too large for the tags records and covers nothing", () => {
  const recent = new RecentSuccessors();
  recent.startSegment(0, RecentSuccessors.MAX_SEGMENT + 1);
  assert.equal(recent.covered(1, 2, 3), false);
  assert.equal(recent.covered(1, 2, 3), false);
});

Deno.test("a full line evicts one entry, which is then looked up again, never covered wrongly", () => {
  const recent = new RecentSuccessors();
  recent.startSegment(0, 100);
  for (let k = 0; k < 9; k++) assert.equal(recent.covered(k + 1, sameLine(k), 10), false);
  assert.equal(recent.covered(9, sameLine(8), 10), true, "the last recorded is kept");
  // Each miss evicts another entry of the line in turn.
  const misses = Array.from({ length: 8 }, (_, k) => recent.covered(k + 1, sameLine(k), 10)).filter((c) =>
    !c
  );
  assert.ok(misses.length >= 1 && misses.length <= 2, `${misses.length} of eight looked up again`);
});

Deno.test("random lookups: covered only when an earlier segment or a parent no later recorded it", () => {
  let seed = 42;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const recent = new RecentSuccessors();
  const older = new Set<string>();
  let first = 0, coveredCount = 0, lookups = 0;
  for (let segment = 0; segment < 6; segment++) {
    const size = 1 + random(RecentSuccessors.MAX_SEGMENT);
    recent.startSegment(first, size);
    // The smallest parent of each fingerprint looked up in this segment.
    const current = new Map<string, number>();
    for (let n = 0; n < 20000; n++) {
      // Nine fingerprints in each of four lines of eight: hits, lowering and some eviction.
      const hi = random(3), lo = sameLine(random(3)) ^ random(4);
      const parent = first + random(size);
      const key = `${hi},${lo}`;
      const smallest = current.get(key);
      const allowed = older.has(key) || (smallest !== undefined && smallest <= parent);
      const isCovered = recent.covered(hi, lo, parent);
      lookups++;
      if (isCovered) coveredCount++;
      assert.ok(!isCovered || allowed, `segment ${segment}: (${hi}, ${lo}) from ${parent} wrongly covered`);
      if (!isCovered) current.set(key, Math.min(parent, smallest ?? parent));
    }
    for (const key of current.keys()) older.add(key);
    first += size;
  }
  assert.ok(coveredCount > lookups / 2, `the cache covers most repeats (${coveredCount} of ${lookups})`);
});
