import assert from "node:assert/strict";
import { arrayOf, bool, int, recordOf } from "./domain.ts";
import { InputError } from "../errors.ts";
import { defineModel, instantiate, type Model } from "../model/model.ts";
import { MAX_STATE_WORDS, MAX_VIEW_NODES, viewNodes } from "./state_size.ts";
import { shapeOf } from "./layout.ts";

function modelOf(state: () => object): Model {
  return defineModel({
    name: "big",
    params: {},
    state: state as never,
    init: () => {},
    actions: () => [],
  }) as unknown as Model;
}

/** Instantiates, which must refuse within a second (nothing of the state's size is allocated). */
function refusedQuickly(state: () => object, pattern: RegExp): void {
  const started = performance.now();
  assert.throws(() => instantiate(modelOf(state)), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, pattern);
    return true;
  });
  assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
}

Deno.test("a state too large to search is refused before it is allocated, naming the variable and the limit", () => {
  refusedQuickly(
    () => ({ x: int(0, 3), flag: bool, a: arrayOf(10 ** 8, bool) }),
    /^Model big: a state takes 3,125,001 words \(11\.9 MiB\), more than the 65,536 words \(256 KiB\) a state may take, so that the smallest memory budget \(64 MiB\) holds the 256 states a search keeps at once\. Variable a, arrayOf\(100000000, bool\), takes 3,125,000 words of it/,
  );
  refusedQuickly(
    () => ({ x: int(0, 3), a: arrayOf(2 ** 31, bool) }),
    /a state takes 67,108,865 words .* Variable a, arrayOf\(2147483648, bool\), takes 67,108,864 words/,
  );
  // Sizes past 2^53 (and past the largest double) are still compared, not wrapped.
  refusedQuickly(
    () => ({ a: arrayOf(2 ** 52, arrayOf(2 ** 52, arrayOf(2 ** 52, recordOf({ r: arrayOf(40, bool) })))) }),
    /a state takes about 2\^157 words .* Variable a, .* takes about 2\^157 words/,
  );
  let deep: ReturnType<typeof arrayOf> = arrayOf(2 ** 52, arrayOf(2, bool));
  for (let i = 0; i < 22; i++) deep = arrayOf(2 ** 52, deep);
  refusedQuickly(() => ({ deep }), /a state takes more than 2\^1023 words/);
});

Deno.test("a state of more records and arrays than the views can hold is refused, naming the variable", () => {
  refusedQuickly(
    () => ({ x: bool, grid: arrayOf(1000, arrayOf(1000, recordOf({ on: bool }))) }),
    /^Model big: a state has 1,001,002 records and arrays, more than the 65,536 a state may have .* Variable grid, arrayOf\(1000, arrayOf\(1000, recordOf\(\{ on: bool \}\)\)\), has 1,001,001 of them/,
  );
});

Deno.test("a state at the limits is taken", () => {
  const words = instantiate(modelOf(() => ({ a: arrayOf(MAX_STATE_WORDS * 32, bool) }))).words;
  assert.equal(words, MAX_STATE_WORDS);
  assert.throws(
    () => instantiate(modelOf(() => ({ a: arrayOf(MAX_STATE_WORDS * 32 + 1, bool) }))),
    /a state takes 65,537 words/,
  );
  const nodes = arrayOf(MAX_VIEW_NODES - 2, recordOf({ on: bool }));
  assert.equal(viewNodes(shapeOf(recordOf({ nodes }))), MAX_VIEW_NODES);
  assert.doesNotThrow(() => instantiate(modelOf(() => ({ nodes }))));
});
