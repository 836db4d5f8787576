import assert from "node:assert/strict";
import { GrowableUint32Array } from "./growable_array.ts";

for (const shared of [false, true]) {
  Deno.test(`${shared ? "a shared" : "an unshared"} array keeps every value across its growth`, () => {
    const array = new GrowableUint32Array(16, { shared });
    const words = Uint32Array.from({ length: 7 }, (_, k) => 0xfffffff0 + k);
    for (let k = 0; k < 1000; k++) {
      array.push(k);
      array.pushWords(words, k % 3, 4);
    }
    assert.equal(array.length, 5000);
    for (let k = 0; k < 1000; k++) {
      assert.equal(array.get(5 * k), k);
      for (let w = 0; w < 4; w++) assert.equal(array.get(5 * k + 1 + w), words[(k % 3) + w]);
    }
    assert.equal(array.data.buffer instanceof SharedArrayBuffer, shared);
  });
}

Deno.test("a shared array grows in place, so a view taken before the growth still reads its part", () => {
  const array = new GrowableUint32Array(16, { shared: true });
  for (let k = 0; k < 16; k++) array.push(k);
  const before = array.data;
  for (let k = 16; k < 100_000; k++) array.push(k);
  assert.equal(array.data.buffer, before.buffer, "the same buffer");
  assert.equal(before.length, 16);
  assert.deepEqual([...before], Array.from({ length: 16 }, (_, k) => k));
  assert.equal(array.data[99_999], 99_999);
  assert.ok(array.bytes >= 400_000);
});
