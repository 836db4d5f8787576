/**
 * A model file that draws a coin when it loads and uses it in a guard: each worker thread loads the
 * file afresh and draws its own, so the threads disagree from x = 100 on, half the time. The draw is
 * seen while the file loads (src/load/load_watch.ts), every time.
 *
 * @module
 */

import { bool, defineModel, int } from "../../mod.ts";

const coin = Math.random() < 0.5;

export default defineModel({
  name: "module_coin",
  params: {},
  state: () => ({ x: int(0, 200), flag: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("inc", { guard: (s) => s.x < 200 && (coin || s.x < 100), effect: (s) => void (s.x = s.x + 1) }),
    action("toggle", { effect: (s) => void (s.flag = !s.flag) }),
  ],
  properties: (_p, { always }) => [always("bounded", (s) => s.x <= 200)],
});
