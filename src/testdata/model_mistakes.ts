/**
 * A model with one mistake, picked by the environment variable HVCHECK_MISTAKE, for the tests of how
 * model mistakes are reported (src/model/model_failure_test.ts): the line numbers below are asserted there.
 */
import { bool, defineModel, int, recordOf } from "../../mod.ts";

const mistake = Deno.env.get("HVCHECK_MISTAKE") ?? "none";
type Loose = Record<string, unknown> & { r: Record<string, unknown> };

export default defineModel({
  name: "model_mistakes",
  params: {},
  state: () => ({ xenShInfo: int(0, 3), r: recordOf({ flag: bool }) }),
  init: () => {},
  actions: (_p, { action }) => [
    action("step", {
      guard: (s) => {
        if (mistake === "guard_write") (s as unknown as Loose).xenShInfo = 1; // line 18
        if (mistake === "guard_string") return "yes" as unknown as boolean;
        return s.xenShInfo < 3;
      },
      effect: (s) => {
        if (mistake === "undeclared_write") (s as unknown as Loose).xenShinf = 2; // line 23
        if (mistake === "undeclared_read" && (s as unknown as Loose).r.flg) return; // line 24
        if (mistake === "throw") throw new Error("boom"); // line 25
        s.xenShInfo = s.xenShInfo + (mistake === "domain" ? 7 : 1); // line 26
      },
    }),
  ],
  properties: (_p, { always }) => [
    always("inv", (s) => {
      if (mistake === "property_write") (s as unknown as Loose).r.flag = true; // line 32
      if (mistake === "property_missing_return") return undefined as unknown as boolean;
      return true;
    }),
  ],
  terminal: (s) => s.xenShInfo === 3,
});
