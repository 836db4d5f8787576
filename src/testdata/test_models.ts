/**
 * Small models for the engine's own tests: each exercises one feature, with counts small enough to
 * know by hand.
 *
 * @module
 */

import {
  arrayOf,
  bool,
  boolParam,
  defineModel,
  elementOf,
  enumOf,
  indexSet,
  int,
  intParam,
  range,
  recordOf,
} from "../../mod.ts";

/** A counter 0..limit that wraps (no deadlock) or stops at the limit (deadlock unless terminal). */
export const counter = defineModel({
  name: "counter",
  description: "A counter that counts up to a limit.",
  params: {
    limit: intParam({ min: 1, max: 100, default: 3, description: "top value" }),
    wrap: boolParam({ default: false, description: "go back to 0 after the limit" }),
    terminalAtLimit: boolParam({ default: false, description: "the limit is a fine end state" }),
  },
  state: (p) => ({ n: int(0, p.limit) }),
  init: () => {},
  actions: (p, { action }) => [
    action("inc", { guard: (s) => s.n < p.limit, effect: (s) => void (s.n = s.n + 1) }),
    // An actor name with markup in it: reports must show it, not interpret it.
    action("wrap", {
      actor: `Hyper-V <host> & "co"`,
      guard: (s) => p.wrap && s.n === p.limit,
      effect: (s) => void (s.n = 0),
    }),
  ],
  properties: (p, { always, sometimes, transition }) => [
    always("below_limit", (s) => s.n < p.limit),
    sometimes("reaches_two", (s) => s.n === 2),
    sometimes("reaches_beyond", (s) => s.n > p.limit - 0.5 && s.n < 0),
    transition("never_wraps", (_before, action) => action.name !== "wrap"),
  ],
  terminal: (s, p) => p.terminalAtLimit && s.n === p.limit,
});

/** Every composite: arrays of records of arrays, several initial states, parameters of several kinds. */
export const composite = defineModel({
  name: "composite",
  description: "Nested records and arrays, two initial states.",
  params: { cpus: intParam({ min: 1, max: 4, default: 2, description: "vCPUs" }) },
  state: (p) => ({
    cpus: arrayOf(
      p.cpus,
      recordOf({ online: bool, msr: enumOf("off", "on"), frames: arrayOf(2, int(0, 2)) }),
    ),
    phase: enumOf("running", "suspended"),
    big: int(-5, 1000),
  }),
  init: [
    () => {},
    (s) => {
      s.phase = "suspended";
      s.big = -5;
    },
  ],
  actions: (p, { action }) => [
    action("online", {
      params: { cpu: range(p.cpus) },
      guard: (s, { cpu }) => !s.cpus[cpu]!.online,
      effect: (s, { cpu }) => void (s.cpus[cpu]!.online = true),
    }),
    action("enable", {
      params: { cpu: range(p.cpus), frame: int(0, 1) },
      guard: (s, { cpu }) => s.cpus[cpu]!.online && s.cpus[cpu]!.msr === "off",
      effect: (s, { cpu, frame }) => {
        s.cpus[cpu]!.msr = "on";
        s.cpus[cpu]!.frames.set(frame, (s.cpus[cpu]!.frames.get(frame) + 1) % 3);
      },
    }),
    action("toggle_phase", {
      guard: (s) => s.big < 1000,
      effect: (s) => {
        s.phase = s.phase === "running" ? "suspended" : "running";
        s.big = s.big + 1 > 3 ? -5 : s.big + 1;
      },
    }),
  ],
  properties: (
    _p,
    { always },
  ) => [always("msr_implies_online", (s) => s.cpus.every((c) => c.msr === "off" || c.online))],
});

/** A model whose effect writes a value outside its domain at depth 2. */
export const outOfRange = defineModel({
  name: "out_of_range",
  params: {},
  state: () => ({ n: int(0, 2), owner: arrayOf(2, enumOf("free", "guest")) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { effect: (s) => void (s.n = s.n + 1) }),
  ],
});

/** A model whose guard throws in some states. */
export const throwingGuard = defineModel({
  name: "throwing_guard",
  params: {},
  state: () => ({ n: int(0, 3) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.n < 3, effect: (s) => void (s.n = s.n + 1) }),
    action("boom", {
      guard: (s) => {
        if (s.n === 2) throw new Error("guard exploded");
        return false;
      },
      effect: () => {},
    }),
  ],
  deadlock: false,
});

let calls = 0;
/** A nondeterministic model: its guard depends on a global counter, so replay diverges. */
export const nondeterministic = defineModel({
  name: "nondeterministic",
  params: {},
  state: () => ({ n: int(0, 3), hidden: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.n < 3 && calls++ < 3, effect: (s) => void (s.n = s.n + 1) }),
  ],
  properties: (_p, { always }) => [always("small", (s) => s.n < 2)],
  deadlock: false,
});

/** The host writes forever (a background action), which must not hide the guest's deadlock. */
export const humming = defineModel({
  name: "humming",
  params: {},
  state: () => ({ n: int(0, 2) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.n < 2, effect: (s) => void (s.n = s.n + 1) }),
    action("host_write", { background: true, effect: () => {} }),
  ],
});

/** Declares its slots interchangeable, yet a property singles out slot 0: the reduction is unsound. */
export const falselySymmetric = defineModel({
  name: "falsely_symmetric",
  params: {},
  state: () => ({ used: arrayOf(indexSet("slot", 3), bool) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("use", {
      params: { slot: elementOf(indexSet("slot", 3)) },
      guard: (s, { slot }) => !s.used.get(slot),
      effect: (s, { slot }) => s.used.set(slot, true),
    }),
  ],
  properties: (_p, { always }) => [always("slot_0_unused", (s) => !s.used.get(0))],
  symmetry: ["slot"],
  deadlock: false,
});
