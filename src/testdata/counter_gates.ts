/**
 * The counter test model (src/testdata/test_models.ts) as a library with gates: one met, one missed and
 * one slow, for the tests of `check`.
 *
 * @module
 */

import { gate } from "../check/gate.ts";
import type { Library } from "../check/library.ts";
import { libraryOf } from "./library.ts";
import { counter } from "./test_models.ts";

const expect = {
  below_limit: { violated: 3 },
  reaches_two: "witnessed",
  reaches_beyond: "not witnessed",
  never_wraps: "holds",
  deadlock: { violated: 3 },
} as const;

/** The counter model with three gates: counter_met, counter_missed (a wrong length), counter_slow. */
export const counterLibrary: Library = {
  ...libraryOf(new Map([["counter", counter]])),
  gates: [
    gate({
      name: "counter_met",
      model: "counter",
      params: { limit: 3 },
      expect,
      minStates: 4,
      why: "a test",
    }),
    gate({
      name: "counter_missed",
      model: "counter",
      params: { limit: 3 },
      expect: { ...expect, below_limit: { violated: 2 } },
      minStates: 4,
      why: "a test",
    }),
    gate({
      name: "counter_slow",
      model: "counter",
      params: { limit: 4 },
      expect: { ...expect, below_limit: { violated: 4 }, deadlock: { violated: 4 } },
      minStates: 5,
      why: "a test",
      tags: ["slow"],
    }),
  ],
};
