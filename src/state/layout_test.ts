import assert from "node:assert/strict";
import { arrayOf, bool, type Domain, enumOf, int, recordOf } from "./domain.ts";
import { bitsFor, type RecordShape, type Shape, shapeOf, wordsOf } from "./layout.ts";

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

/** The first-fit record layout as it was written first (one entry per word, large fields included). */
function referenceFields(fields: [string, Shape][]): { placed: [string, number, number][]; size: number } {
  const used: number[] = [];
  const placed = fields.map(([name, shape]): [string, number, number] => {
    if (shape.small) {
      let word = used.findIndex((bits) => bits + shape.size <= 32);
      if (word < 0) {
        word = used.length;
        used.push(0);
      }
      const shift = used[word]!;
      used[word] = shift + shape.size;
      return [name, word, shift];
    }
    const word = used.length;
    for (let i = 0; i < shape.size; i++) used.push(32);
    return [name, word, 0];
  });
  return { placed, size: Math.max(1, used.length) };
}

Deno.test("shapeOf() lays out records as the one-entry-per-word first fit did, in time independent of sizes", () => {
  let seed = 12345;
  const rng = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const domains = [
    () => bool,
    () => int(0, 0),
    () => enumOf("only"),
    () => int(0, Math.floor(rng() * 70000)),
    () => arrayOf(1 + Math.floor(rng() * 40), bool),
    () => arrayOf(1 + Math.floor(rng() * 5), int(0, 1000)),
    () => recordOf({ a: int(0, 99), b: arrayOf(9, bool) }),
  ];
  for (let trial = 0; trial < 500; trial++) {
    const fields: Record<string, Domain> = {};
    const count = 1 + Math.floor(rng() * 12);
    for (let i = 0; i < count; i++) fields[`f${i}`] = domains[Math.floor(rng() * domains.length)]!();
    const shape = shapeOf(recordOf(fields)) as RecordShape;
    if (shape.small) continue;
    const expected = referenceFields(Object.entries(fields).map(([name, d]) => [name, shapeOf(d)]));
    assert.deepEqual(
      shape.fields.map((f) => [f.name, f.word, f.shift]),
      expected.placed,
      JSON.stringify(fields),
    );
    assert.equal(shape.size, expected.size);
  }
  const started = performance.now();
  const huge = shapeOf(
    recordOf({ a: arrayOf(2 ** 40, bool), b: bool, c: arrayOf(2 ** 40, int(0, 9)) }),
  ) as RecordShape;
  assert.deepEqual(huge.fields.map((f) => [f.name, f.word, f.shift]), [["a", 0, 0], ["b", 2 ** 35, 0], [
    "c",
    2 ** 35 + 1,
    0,
  ]]);
  assert.ok(performance.now() - started < 100);
});
