import assert from "node:assert/strict";
import { arrayOf, bool, enumOf, int, recordOf } from "./domain.ts";
import { type RecordShape, shapeOf, wordsOf } from "./layout.ts";
import {
  assignValue,
  createReadonlyView,
  createView,
  StateValueError,
  StateWriteError,
  toValue,
  UndeclaredNameError,
} from "./state_view.ts";

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

Deno.test("a read-only view reads the words another view writes, and every write throws naming the path", () => {
  const words = new Uint32Array(wordsOf(shape));
  // deno-lint-ignore no-explicit-any
  const s = createView(words, shape) as any, r = createReadonlyView(words, shape) as any;
  s.level = 12;
  s.cpus[2].frames.set(1, 4);
  s.owner.set(7, "guest");
  assert.equal(r.level, 12);
  assert.equal(r.cpus[2].frames.get(1), 4);
  assert.equal(r.owner.count("guest"), 1);
  assert.deepEqual(toValue(r), toValue(s));
  const before = [...words];
  assert.throws(() => r.level = 13, (e: unknown) => e instanceof StateWriteError && e.path === "level");
  assert.throws(() => r.cpus[1].msr = "on", /wrote variable cpus\[1\]\.msr, but guards, properties/);
  assert.throws(() => r.owner.set(0, "shared"), /wrote variable owner\[0\]/);
  assert.throws(() => r.cpus[0].frames.fill(1), /wrote variable cpus\[0\]\.frames/);
  // Not even a value outside the domain gets as far as its check.
  assert.throws(() => r.flag = 7, StateWriteError);
  assert.deepEqual([...words], before);
});

Deno.test("an undeclared name fails at its first read or write, with a did-you-mean", () => {
  // deno-lint-ignore no-explicit-any
  const s = createView(new Uint32Array(wordsOf(shape)), shape) as any;
  assert.throws(
    () => s.levle,
    (e: unknown) =>
      e instanceof UndeclaredNameError && !e.write && e.key === "levle" &&
      e.message === "read undeclared variable levle (did you mean level?)",
  );
  assert.throws(
    () => s.levle = 3,
    /^UndeclaredNameError: wrote undeclared variable levle \(did you mean level\?\)/,
  );
  assert.throws(() => s.zzz, /read undeclared variable zzz \(the model declares flag, level, owner, cpus\)/);
  assert.throws(() => s.cpus[1].mrs, /read undeclared field mrs of cpus\[1\] \(did you mean msr\?\)/);
  assert.throws(
    () => s.owner.lenght,
    /read owner\.lenght, which an array view does not have \(did you mean length\?\)/,
  );
  assert.throws(
    () => s.owner[2],
    /read owner\[2\] by indexing, but an array of scalars is read with owner\.get\(2\)/,
  );
  assert.throws(() => s.owner[2] = "free", /wrote owner\[2\] by indexing/);
  // What JavaScript and Deno look up on any object still works.
  assert.equal(typeof s.toString, "function");
  assert.equal(Object.prototype.hasOwnProperty.call(s, "cpus"), true);
  assert.equal(typeof s.hasOwnProperty, "function");
  assert.equal(s.then, undefined);
  assert.equal(s.toJSON, undefined);
  assert.equal("levle" in s, false);
  assert.equal(s[Symbol.iterator], undefined);
  assert.equal(typeof Deno.inspect(s), "string");
  assert.equal(typeof JSON.stringify(s), "string");
});

Deno.test("no variable or field name reaches the views' internals", () => {
  const names = [
    "w",
    "b",
    "s",
    "p",
    "constructor",
    "toString",
    "valueOf",
    "then",
    "length",
    "get",
    "set",
    "every",
  ];
  const fields = Object.fromEntries(
    names.map((
      name,
      i,
    ) => [
      name,
      i % 3 === 0 ? arrayOf(2, bool) : i % 3 === 1 ? recordOf({ p: bool, [name]: int(0, 5) }) : int(0, 9),
    ]),
  );
  const d = recordOf(fields);
  const sh = shapeOf(d) as RecordShape;
  const words = new Uint32Array(wordsOf(sh));
  // deno-lint-ignore no-explicit-any
  const v = createView(words, sh) as any;
  names.forEach((name, i) => {
    if (i % 3 === 0) v[name].set(1, true);
    else if (i % 3 === 1) {
      v[name].p = true;
      v[name][name] = i % 6;
    } else v[name] = i % 10;
  });
  const want = Object.fromEntries(names.map((name, i) => [
    name,
    i % 3 === 0 ? [false, true] : i % 3 === 1 ? { p: true, [name]: i % 6 } : i % 10,
  ]));
  assert.deepEqual(toValue(v), want);
  const copy = new Uint32Array(words.length);
  assignValue(createView(copy, sh), want);
  assert.deepEqual([...copy], [...words]);
});
