// A two-counter grid for the bad-input suite's checkpoint cases: (n+1)^2 states over 2n levels, so a
// run with a short --checkpoint-every leaves a checkpoint taken mid-run; with bug=true the invariant
// fails at depth 2, so every later checkpoint carries a finding.
import { boolParam, defineModel, int, intParam } from "../../../mod.ts";

export default defineModel({
  name: "grid",
  description: "Two counters that only count up.",
  params: {
    n: intParam({ min: 1, max: 200, default: 40, description: "top value of each counter" }),
    bug: boolParam({ default: false, description: "the state (1, 1) violates the invariant" }),
  },
  state: (p) => ({ col: int(0, p.n), row: int(0, p.n) }),
  init: () => {},
  actions: (p, { action }) => [
    action("right", { guard: (s) => s.col < p.n, effect: (s) => void (s.col = s.col + 1) }),
    action("up", { guard: (s) => s.row < p.n, effect: (s) => void (s.row = s.row + 1) }),
  ],
  properties: (p, { always }) => [
    always("not_one_one", (s) => !(p.bug && s.col === 1 && s.row === 1)),
  ],
  terminal: (s, p) => s.col === p.n && s.row === p.n,
});
