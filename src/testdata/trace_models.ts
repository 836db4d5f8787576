/**
 * Models with mistakes the trace checks must catch (src/trace/trace_test.ts, src/check/nondeterminism_test.ts),
 * and models with assertions inside effects.
 *
 * @module
 */

import { arrayOf, bool, defineModel, elementOf, indexSet, int } from "../../mod.ts";

/** An effect that calls Math.random(): the counts and the traces differ from run to run. */
export const randomEffect = defineModel({
  name: "random_effect",
  params: {},
  state: () => ({ n: int(0, 9), step: int(0, 3) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("roll", {
      guard: (s) => s.step < 3,
      effect: (s) => {
        s.n = Math.floor(Math.random() * 10);
        s.step = s.step + 1;
      },
    }),
  ],
  properties: (_p, { always }) => [always("not_nine", (s) => s.n !== 9)],
  deadlock: false,
});

/** An effect that counts its calls in a closure. */
export function closureCounter() {
  let calls = 0;
  return defineModel({
    name: "closure_counter",
    params: {},
    state: () => ({ n: int(0, 7) }),
    init: () => {},
    actions: (_p, { action }) => [
      action("step", { guard: (s) => s.n < 7, effect: (s) => void (s.n = (s.n + 1 + (calls++ % 2)) % 8) }),
    ],
    properties: (_p, { always }) => [always("below_seven", (s) => s.n < 7)],
    deadlock: false,
  });
}

/** A guard that reads a global its own effect writes: the second expansion sees another value. */
export function mutableGlobalGuard() {
  const global = { armed: true };
  return defineModel({
    name: "mutable_global_guard",
    params: {},
    state: () => ({ x: int(0, 3), y: bool }),
    init: () => {},
    actions: (_p, { action }) => [
      action("fire", {
        guard: () => global.armed,
        effect: (s) => void (global.armed = !global.armed, s.y = !s.y),
      }),
      action("inc", { guard: (s) => s.x < 3, effect: (s) => void (s.x = s.x + 1) }),
    ],
    properties: (_p, { always }) => [always("x_small", (s) => s.x < 3)],
    deadlock: false,
  });
}

/** A guard that writes the state it is given (read-only in the types only). */
export const writingGuard = defineModel({
  name: "writing_guard",
  params: {},
  state: () => ({ n: int(0, 3), touched: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", {
      guard: (s) => {
        (s as { touched: boolean }).touched = true;
        return s.n < 3;
      },
      effect: (s) => void (s.n = s.n + 1),
    }),
  ],
  properties: (_p, { always }) => [always("untouched", (s) => !s.touched)],
  deadlock: false,
});

/** A transition property that writes the successor it is given. */
export const writingTransition = defineModel({
  name: "writing_transition",
  params: {},
  state: () => ({ n: int(0, 3), touched: bool }),
  init: () => {},
  actions: (
    _p,
    { action },
  ) => [action("inc", { guard: (s) => s.n < 3, effect: (s) => void (s.n = s.n + 1) })],
  properties: (_p, { always, transition }) => [
    transition("marks", (_b, _a, after) => {
      (after as { touched: boolean }).touched = true;
      return true;
    }),
    always("untouched", (s) => !s.touched),
  ],
  deadlock: false,
});

/** A free list: freeing a page twice fails the assertion in the effect of `free`. */
export const freeList = defineModel({
  name: "free_list",
  params: {},
  state: () => ({ allocated: arrayOf(2, bool), freed: int(0, 3) }),
  init: () => {},
  actions: (_p, { action, assert }) => [
    action("alloc", {
      params: { page: int(0, 1) },
      guard: (s, { page }) => !s.allocated.get(page),
      effect: (s, { page }) => s.allocated.set(page, true),
    }),
    action("free", {
      params: { page: int(0, 1) },
      guard: (s) => s.freed < 3,
      effect: (s, { page }) => {
        assert(s.allocated.get(page), "no_double_free");
        s.allocated.set(page, false);
        s.freed = s.freed + 1;
      },
    }),
  ],
  properties: (_p, { always, assertion, sometimes }) => [
    assertion("no_double_free", { description: "free() only frees allocated pages" }),
    sometimes("both_allocated", (s) => s.allocated.every((a) => a)),
    // Holds, so the search runs to the end and its counts compare with the naive explorer's.
    always("freed_bounded", (s) => s.freed <= 3),
  ],
  deadlock: false,
});

/** The same with interchangeable pages (symmetry), so the trace must be rebuilt concrete. */
export const symmetricFreeList = defineModel({
  name: "symmetric_free_list",
  params: {},
  state: () => ({ allocated: arrayOf(indexSet("page", 3), bool), freed: int(0, 3) }),
  init: () => {},
  actions: (_p, { action, assert }) => [
    action("alloc", {
      params: { page: elementOf(indexSet("page", 3)) },
      guard: (s, { page }) => !s.allocated.get(page),
      effect: (s, { page }) => s.allocated.set(page, true),
    }),
    action("free", {
      params: { page: elementOf(indexSet("page", 3)) },
      guard: (s, { page }) => s.freed < 3 && (s.allocated.get(page) || s.freed === 1),
      effect: (s, { page }) => {
        assert(s.allocated.get(page), "no_double_free");
        s.allocated.set(page, false);
        s.freed = s.freed + 1;
      },
    }),
  ],
  properties: (_p, { assertion }) => [assertion("no_double_free")],
  symmetry: ["page"],
  deadlock: false,
});

/** An effect that asserts a name the model does not declare. */
export const undeclaredAssertion = defineModel({
  name: "undeclared_assertion",
  params: {},
  state: () => ({ n: int(0, 2) }),
  init: () => {},
  actions: (_p, { action, assert }) => [
    action("inc", { guard: (s) => s.n < 2, effect: (s) => void (assert(s.n < 1, "typo"), s.n = s.n + 1) }),
  ],
  deadlock: false,
});

/** An effect that writes a value outside its domain at depth 3, after a run of three steps. */
export const lateOutOfRange = defineModel({
  name: "late_out_of_range",
  params: {},
  state: () => ({ n: int(0, 3), other: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("toggle", { guard: (s) => !s.other, effect: (s) => void (s.other = true) }),
    action("inc", { guard: (s) => s.other, effect: (s) => void (s.n = s.n + 2) }),
  ],
  deadlock: false,
});
