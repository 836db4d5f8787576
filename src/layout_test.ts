import assert from "node:assert/strict";
import { arrayOf, bool, enumOf, int, recordOf } from "./domain.ts";
import { bitsFor, type RecordShape, shapeOf, wordsOf } from "./layout.ts";

Deno.test("bitsFor() gives the fewest bits for a domain size", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 256, 257].map(bitsFor), [0, 1, 2, 2, 3, 8, 9]);
});

Deno.test("shapeOf() packs page_ownership at N=12 into two words", () => {
  const n = 12;
  const shape = shapeOf(recordOf({
    owner: arrayOf(n, enumOf("free", "guest", "shared")),
    hostMapped: arrayOf(n, bool),
    generation: int(0, 1),
    phase: enumOf("running", "kexec_pending"),
  })) as RecordShape;
  assert.equal(wordsOf(shape), 2);
  assert.deepEqual(shape.fields.map((f) => [f.name, f.word, f.shift]), [
    ["owner", 0, 0],
    ["hostMapped", 1, 0],
    ["generation", 0, 24],
    ["phase", 0, 25],
  ]);
});

Deno.test("shapeOf() never lets a scalar straddle a word boundary", () => {
  const shape = shapeOf(
    recordOf({ a: arrayOf(11, int(0, 7)), b: int(0, 1000), c: arrayOf(3, recordOf({ x: int(0, 99) })) }),
  );
  const check = (s: ReturnType<typeof shapeOf>, word: number, shift: number) => {
    if (s.kind === "scalar") assert.ok(shift + s.bits <= 32, `scalar at bit ${shift} of word ${word}`);
    else if (s.kind === "record") {
      for (const f of s.fields) {
        check(f.shape, word + f.word, shift + f.shift);
      }
    } else {
      for (let i = 0; i < s.length; i++) {
        const w = s.element.small ? word + Math.floor(i / s.perWord) : word + i * s.elementWords;
        const b = s.element.small ? shift + (i % s.perWord) * s.element.size : shift;
        check(s.element, w, b);
      }
    }
  };
  check(shape, 0, 0);
  assert.equal(wordsOf(shape), 3);
});
