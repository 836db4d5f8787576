// The bad-input suite's base model: a counter whose invariant fails after three steps (4 states
// reachable on the counter, 8 with the flag). The suite's model-file cases are variations of it.
import { bool, defineModel, int } from "../../../mod.ts";

export default defineModel({
  name: "tiny",
  description: "A counter and a flag.",
  params: {},
  state: () => ({ x: int(0, 3), flag: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.x < 3, effect: (s) => void (s.x = s.x + 1) }),
    action("toggle", { effect: (s) => void (s.flag = !s.flag) }),
  ],
  properties: (_p, { always }) => [always("small", (s) => s.x < 3)],
});
