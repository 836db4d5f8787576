import assert from "node:assert/strict";
import { commitPages } from "./commit_pages.ts";

Deno.test("commitPages makes every page of a fresh array resident", () => {
  const bytes = 64 << 20;
  // A growable shared buffer, like the visited set's tables: address space reserved, pages untouched.
  const array = new Uint32Array(new SharedArrayBuffer(bytes, { maxByteLength: 2 * bytes }));
  const before = Deno.memoryUsage().rss;
  commitPages(array);
  const grown = Deno.memoryUsage().rss - before;
  assert.ok(grown >= bytes * 0.95, `resident memory grew by ${grown} bytes for a ${bytes}-byte array`);
});

Deno.test("commitPages writes nothing before its start and leaves the range zero", () => {
  const array = new Uint32Array(10_000);
  array.fill(7, 0, 2500);
  commitPages(array, 2500);
  assert.ok(array.subarray(0, 2500).every((word) => word === 7));
  assert.ok(array.subarray(2500).every((word) => word === 0));
  commitPages(array, array.length); // an empty range
  assert.equal(array[array.length - 1], 0);
});
