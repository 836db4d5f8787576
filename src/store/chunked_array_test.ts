import assert from "node:assert/strict";
import { ChunkedArray } from "./chunked_array.ts";

Deno.test("a chunked array keeps the narrowest width for its values and reads back in pieces", () => {
  const actions = new ChunkedArray(300); // needs 16 bits
  const parents = new ChunkedArray();
  assert.equal(actions.chunkBytes, 2 * 2 ** 20);
  assert.equal(parents.chunkBytes, 4 * 2 ** 20);
  const count = 2 ** 20 + 5;
  for (let i = 0; i < count; i++) {
    actions.push(i % 301);
    parents.push(i * 3);
  }
  assert.equal(actions.bytes, 2 * actions.chunkBytes);
  assert.equal(actions.get(2 ** 20 + 4), (2 ** 20 + 4) % 301);
  // Narrow chunks are widened through one buffer of 2^16 words, valid until the next piece.
  const pieces = Array.from(actions.pieces(), (p) => p.slice());
  assert.deepEqual(pieces.map((p) => p.length), [...new Array(16).fill(2 ** 16), 5]);
  assert.ok(pieces.every((p) => p instanceof Uint32Array));
  const joined = pieces.flatMap((p) => [...p]);
  assert.equal(joined.length, count);
  assert.ok(joined.every((v, i) => v === i % 301));
  assert.equal([...parents.pieces()][0]![7], 21);
  assert.throws(() => parents.get(count), RangeError);
});
