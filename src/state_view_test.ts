import assert from "node:assert/strict";
import { arrayOf, bool, enumOf, int, recordOf } from "./domain.ts";
import { type RecordShape, shapeOf, wordsOf } from "./layout.ts";
import { assignValue, createView, StateValueError, toValue } from "./state_view.ts";

const domain = recordOf({
  flag: bool,
  level: int(-3, 60),
  owner: arrayOf(20, enumOf("free", "guest", "shared")),
  cpus: arrayOf(3, recordOf({ msr: enumOf("off", "on"), frames: arrayOf(2, int(0, 5)) })),
});
const shape = shapeOf(domain) as RecordShape;

Deno.test("createView() reads back what it writes, and leaves other fields alone", () => {
  const words = new Uint32Array(wordsOf(shape));
  // deno-lint-ignore no-explicit-any
  const s = createView(words, shape) as any;
  assert.equal(s.flag, false);
  assert.equal(s.level, -3);
  s.level = 60;
  s.flag = true;
  s.owner.set(19, "shared");
  s.owner.set(0, "guest");
  s.cpus[2].msr = "on";
  s.cpus[1].frames.set(1, 5);
  assert.deepEqual(toValue(s), {
    flag: true,
    level: 60,
    owner: ["guest", ...Array(18).fill("free"), "shared"],
    cpus: [
      { msr: "off", frames: [0, 0] },
      { msr: "off", frames: [0, 5] },
      { msr: "on", frames: [0, 0] },
    ],
  });
  assert.equal(s.owner.count("free"), 18);
  assert.equal(s.owner.indexOf("shared"), 19);
  assert.ok(s.owner.includes("guest") && !s.owner.includes("nope"));
  assert.ok(s.owner.some((v: string) => v === "shared") && !s.owner.every((v: string) => v === "free"));
  assert.deepEqual(s.owner.map((v: string, i: number) => `${i}:${v}`).slice(0, 2), ["0:guest", "1:free"]);
  const seen: string[] = [];
  s.cpus[1].frames.forEach((v: number, i: number) => seen.push(`${i}=${v}`));
  assert.deepEqual(seen, ["0=0", "1=5"]);
});

Deno.test("assignValue() and toValue() round-trip, and equal values pack to equal words", () => {
  const a = new Uint32Array(wordsOf(shape)), b = new Uint32Array(wordsOf(shape));
  const value = {
    flag: true,
    level: 7,
    owner: Array.from({ length: 20 }, (_, i) => ["free", "guest", "shared"][i % 3]!),
    cpus: [{ msr: "on", frames: [1, 2] }, { msr: "off", frames: [3, 4] }, { msr: "on", frames: [5, 0] }],
  };
  assignValue(createView(a, shape), value);
  // deno-lint-ignore no-explicit-any
  const viaSetters = createView(b, shape) as any;
  value.owner.forEach((v, i) => viaSetters.owner.set(i, v));
  viaSetters.flag = true;
  viaSetters.level = 7;
  value.cpus.forEach((c, i) => {
    viaSetters.cpus[i].msr = c.msr;
    c.frames.forEach((f, j) => viaSetters.cpus[i].frames.set(j, f));
  });
  assert.deepEqual(toValue(createView(a, shape)), value);
  assert.deepEqual([...a], [...b]);
});

Deno.test("view setters reject values outside the domain with the variable's path", () => {
  // deno-lint-ignore no-explicit-any
  const s = createView(new Uint32Array(wordsOf(shape)), shape) as any;
  assert.throws(() => s.level = 61, StateValueError);
  assert.throws(() => s.level = 1.5, /Expected level to be in int\(-3, 60\) but found 1.5/);
  assert.throws(() => s.flag = 1, /Expected flag to be in bool but found 1/);
  assert.throws(
    () => s.owner.set(3, "mine"),
    /Expected owner\[3\] to be in enumOf\("free", "guest", "shared"\)/,
  );
  assert.throws(
    () => s.cpus[1].frames.set(0, 6),
    /Expected cpus\[1\]\.frames\[0\] to be in int\(0, 5\) but found 6/,
  );
  assert.throws(() => s.owner.get(20), /Expected an index of owner in 0..19 but found 20/);
  assert.throws(() => s.owner.set(-1, "free"), RangeError);
});
