import assert from "node:assert/strict";
import { bool, int } from "../state/domain.ts";
import { digestDifference, instanceDigest } from "./instance_digest.ts";
import { defineModel, instantiate } from "./model.ts";

/** A model whose limit and layout come from a module-level variable, as a load could have them. */
let limit = 3;
const variable = defineModel({
  name: "variable",
  params: {},
  state: () => ({ n: int(0, 9), flag: bool }),
  init: (s) => void (s.n = limit > 5 ? 1 : 0),
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.n < limit, effect: (s) => void (s.n = s.n + 1) }),
    action("jump", { effect: (s) => void (s.n = limit) }),
    ...(limit > 7 ? [action("extra", { effect: () => {} })] : []),
  ],
  properties: (_p, { always }) => [always("small", (s) => s.n < limit + 1)],
});

function digestAt(value: number) {
  limit = value;
  try {
    return instanceDigest(instantiate(variable as never));
  } finally {
    limit = 3;
  }
}

Deno.test("two loads that compute the same have the same digest", () => {
  assert.deepEqual(digestAt(3), digestAt(3));
  assert.equal(digestDifference(digestAt(3), digestAt(3), "one", "two"), undefined);
});

Deno.test("digestDifference() names the first part that differs, with both values", () => {
  assert.match(
    digestDifference(digestAt(3), digestAt(4), "the main thread", "worker thread 1")!,
    /^the successors of the initial states are inc: \{"n":1,"flag":false\}; jump: \{"n":3,"flag":false\} in the main thread but inc: \{"n":1,"flag":false\}; jump: \{"n":4,"flag":false\} in worker thread 1$/,
  );
  assert.match(
    digestDifference(digestAt(3), digestAt(6), "a", "b")!,
    /^the initial states are \{"n":0,"flag":false\} in a but \{"n":1,"flag":false\} in b$/,
  );
  assert.match(
    digestDifference(digestAt(3), digestAt(8), "a", "b")!,
    /^the action instances are inc, jump in a but inc, jump, extra in b$/,
  );
});

Deno.test("a digest records model code that throws rather than throwing", () => {
  const throwing = defineModel({
    name: "throwing",
    params: {},
    state: () => ({ n: int(0, 3) }),
    init: () => {},
    actions: (_p, { action }) => [action("boom", {
      guard: () => {
        throw new Error("guard exploded");
      },
      effect: () => {},
    })],
  });
  const [digest] = [instanceDigest(instantiate(throwing as never))];
  assert.match(
    digest!.find((p) => p.part === "the successors of the initial states")!.preview,
    /boom: .*guard exploded/,
  );
});
