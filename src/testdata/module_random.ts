/**
 * A model whose module computes Math.random() when it is imported: every worker thread imports it
 * afresh and gets its own value, so the threads disagree on what the one action does. Loaded by path
 * (worker threads import the model by reference, see src/model/model_ref.ts).
 *
 * @module
 */

import { bool, defineModel, int } from "../../mod.ts";

/** Differs per import, so per thread. */
const pick = Math.floor(Math.random() * 1_000_000);

export const moduleRandom = defineModel({
  name: "module_random",
  params: {},
  state: () => ({ n: int(0, 999_999), picked: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("pick", {
      guard: (s) => !s.picked,
      effect: (s) => {
        s.n = pick;
        s.picked = true;
      },
    }),
  ],
  properties: (_p, { always }) => [always("small", (s) => s.n < 1_000_000)],
  deadlock: false,
});

/** Differs per thread in which states it enables: the kind of model that gave 161-201 states. */
const limit = 100 + Math.floor(Math.random() * 1000);

export const moduleRandomLimit = defineModel({
  name: "module_random_limit",
  params: {},
  state: () => ({ n: int(0, 2000) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.n < limit, effect: (s) => void (s.n = s.n + 1) }),
    action("jump", { guard: (s) => s.n === 0, effect: (s) => void (s.n = limit) }),
  ],
  properties: (_p, { always }) => [always("bounded", (s) => s.n <= 2000)],
  deadlock: false,
});
