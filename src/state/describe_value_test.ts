import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import { describe } from "./describe_value.ts";
import { bool, int } from "./domain.ts";
import { defineModel } from "../model/model.ts";

Deno.test("describe() writes numbers as JavaScript does, where JSON would write null", () => {
  assert.equal(describe(NaN), "NaN");
  assert.equal(describe(Infinity), "Infinity");
  assert.equal(describe(-Infinity), "-Infinity");
  assert.equal(describe(-0), "-0");
  assert.equal(describe(1.5), "1.5");
  assert.equal(describe(7), "7");
  assert.equal(describe(5n), "5n");
});

Deno.test("describe() quotes strings and names the other primitives", () => {
  assert.equal(describe("on"), '"on"');
  assert.equal(describe(""), '""');
  assert.equal(describe(undefined), "undefined");
  assert.equal(describe(null), "null");
  assert.equal(describe(true), "true");
  assert.equal(describe(Symbol("s")), "Symbol(s)");
  assert.equal(describe(() => 1), "a function");
  assert.match(describe("x".repeat(500)), /^"x{120}"\.\.\.$/);
});

Deno.test("describe() shows arrays and objects with their non-JSON values", () => {
  assert.equal(describe([1, NaN, undefined, "a"]), '[1, NaN, undefined, "a"]');
  assert.equal(describe({ x: NaN, y: undefined, "a b": 1 }), '{ x: NaN, y: undefined, "a b": 1 }');
  assert.equal(describe({}), "{}");
  assert.equal(describe([]), "[]");
  assert.equal(describe({ a: { b: { c: 1 } } }), "{ a: { b: {...} } }");
  assert.equal(describe(Array.from({ length: 10 }, (_, i) => i)), "[0, 1, 2, 3, 4, 5, 6, 7, ... 2 more]");
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  assert.equal(describe(cycle), "{ a: 1, self: [Circular] }");
});

Deno.test("describe() names class instances and never runs user code", () => {
  class Frame {
    constructor(readonly gfn: number) {}
  }
  assert.equal(describe(new Frame(3)), "Frame { gfn: 3 }");
  assert.equal(describe(new Map()), "a Map");
  assert.equal(describe(new Error("x")), "an Error");
  let ran = false;
  const getter = {
    get boom() {
      ran = true;
      return 1;
    },
  };
  assert.equal(describe(getter), "{ boom: <getter> }");
  const proxy = new Proxy({}, {
    get() {
      ran = true;
      throw new Error("trap");
    },
    ownKeys() {
      ran = true;
      throw new Error("trap");
    },
  });
  assert.equal(describe(proxy), "an object");
  assert.equal(describe({ inner: proxy }), "{ inner: an object }");
  assert.equal(ran, false);
});

Deno.test("a value outside its domain is named as the model wrote it: NaN, not null", () => {
  for (
    const [value, shown] of [[NaN, "NaN"], [Infinity, "Infinity"], [1.5, "1.5"], [undefined, "undefined"], [
      "3",
      '"3"',
    ], [{ n: NaN }, "{ n: NaN }"]] as const
  ) {
    const model = defineModel({
      name: "writes_value",
      params: {},
      state: () => ({ x: int(0, 3), flag: bool }),
      init: () => {},
      actions: (
        _p,
        { action },
      ) => [action("oops", { effect: (s) => void (s.x = value as unknown as number) })],
    });
    assert.throws(
      () => checkSync(model),
      (e: unknown) => {
        assert.match(
          (e as Error).message,
          /^Model writes_value, action oops at depth 0, set a value outside its domain: /,
        );
        assert.ok(
          (e as Error).message.includes(`Expected x to be in int(0, 3) but found ${shown} (at `),
          (e as Error).message,
        );
        return true;
      },
    );
  }
});
