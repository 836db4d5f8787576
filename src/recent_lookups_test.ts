import assert from "node:assert/strict";
import { RecentLookups } from "./recent_lookups.ts";

Deno.test("a fingerprint is covered for the same or a later parent, not an earlier one", () => {
  const recent = new RecentLookups(16);
  assert.equal(recent.covered(7, 9, 100), false, "first lookup");
  assert.equal(recent.covered(7, 9, 100), true, "same parent, later action");
  assert.equal(recent.covered(7, 9, 250), true, "later parent");
  assert.equal(recent.covered(7, 9, 40), false, "earlier parent (a helper's lower block) is sent");
  assert.equal(recent.covered(7, 9, 60), true, "the entry now names parent 40");
  assert.equal(recent.covered(8, 9, 500), false, "same low word, other high word");
  assert.equal(recent.covered(7, 10, 500), false, "same high word, other low word");
  assert.equal(recent.entries, 3);
});

Deno.test("parent 0 and a zero fingerprint are recorded like any other", () => {
  const recent = new RecentLookups(16);
  assert.equal(recent.covered(0, 0, 0), false);
  assert.equal(recent.covered(0, 0, 0), true);
  assert.equal(recent.covered(0, 0, 0xfffffffe), true);
});

Deno.test("a full table stops recording and never covers what it did not record", () => {
  const recent = new RecentLookups(16);
  for (let k = 0; k < 8; k++) assert.equal(recent.covered(k + 1, k * 16, 5), false);
  assert.equal(recent.entries, 8, "half of 16 slots");
  assert.equal(recent.covered(99, 3, 5), false);
  assert.equal(recent.covered(99, 3, 5), false, "not recorded: looked up again");
  for (let k = 0; k < 8; k++) {
    assert.equal(recent.covered(k + 1, k * 16, 6), true, "colliding home slots still found");
  }
});

Deno.test("prepare clears the table once it is a quarter full", () => {
  const recent = new RecentLookups(16);
  for (let k = 0; k < 3; k++) recent.covered(k + 1, k, 1);
  recent.prepare();
  assert.equal(recent.covered(1, 0, 1), true, "3 of 16: kept");
  recent.covered(4, 3, 1);
  recent.prepare();
  assert.equal(recent.entries, 0);
  assert.equal(recent.covered(1, 0, 1), false, "4 of 16: cleared");
});
