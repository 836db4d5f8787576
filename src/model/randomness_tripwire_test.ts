import assert from "node:assert/strict";
import { bool, check, checkSync, defineModel } from "../../mod.ts";
import { InputError } from "../errors.ts";
import { exploreNaively } from "../crosscheck/naive_explorer.ts";
import { instantiate, type Model } from "./model.ts";

/** A property that holds nine times in ten: the sampling of two evaluations misses that often enough. */
export const coin = defineModel({
  name: "coin",
  params: {},
  state: () => ({ flag: bool, other: bool, third: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("flip", { effect: (s) => void (s.flag = !s.flag) }),
    action("flop", { effect: (s) => void (s.other = !s.other) }),
    action("flap", { effect: (s) => void (s.third = !s.third) }),
  ],
  properties: (_p, { always }) => [always("heads", () => Math.random() < 0.9)],
});

Deno.test("a property that calls Math.random() is refused every time, on one thread or two", async () => {
  for (let run = 0; run < 20; run++) {
    assert.throws(
      () => checkSync(coin),
      (e: unknown) =>
        e instanceof InputError &&
        /property heads .*RandomnessError: it called Math\.random\(\)/.test(e.message),
    );
  }
  await assert.rejects(
    check(coin, { workers: 2 }),
    (e: unknown) => e instanceof InputError && /RandomnessError/.test(e.message),
  );
});

Deno.test("the naive explorer runs the model code under the same rule", () => {
  assert.throws(() => exploreNaively(instantiate(coin as unknown as Model, {})), /Math\.random\(\)/);
});

Deno.test("Math.random() is itself outside model code, after and between checks", () => {
  checkSync(defineModel({
    name: "fine",
    params: {},
    state: () => ({ flag: bool }),
    init: () => {},
    actions: (_p, { action }) => [action("flip", { effect: (s) => void (s.flag = !s.flag) })],
  }));
  const draws = Array.from({ length: 100 }, () => Math.random());
  assert.ok(draws.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(draws).size > 90);
});
