/**
 * hvcheck: an explicit-state model checker for the registrations a guest kernel leaves with its
 * hypervisor across hibernation, kexec, vCPU hotplug and overlay changes.
 *
 * A model is a plain object: typed state variables with finite domains, parameters, an initial state,
 * named actions (guard + effect) and named properties. `check` explores it breadth-first over 64-bit
 * fingerprints of packed states and returns verdicts with shortest counterexamples.
 *
 * This module is the library; the command line is the program main.ts.
 *
 * @example
 * ```ts
 * import { arrayOf, bool, check, defineModel, intParam, range } from "./mod.ts";
 *
 * const lights = defineModel({
 *   name: "lights",
 *   params: { n: intParam({ min: 1, max: 8, default: 3, description: "number of lights" }) },
 *   state: (p) => ({ on: arrayOf(p.n, bool) }),
 *   init: () => {},
 *   actions: (p, { action }) => [
 *     action("toggle", { params: { i: range(p.n) }, effect: (s, { i }) => s.on.set(i, !s.on.get(i)) }),
 *   ],
 *   properties: (p, { always }) => [always("not_all_on", (s) => s.on.count(true) < p.n)],
 * });
 *
 * const result = await check(lights, { params: { n: 2 } });
 * console.assert(result.verdict === "violated");
 * console.assert(result.properties[0]!.traceLength === 2);
 * ```
 *
 * @module
 */

export { arrayOf, bool, elementOf, enumOf, indexSet, int, recordOf } from "./src/state/domain.ts";
export type {
  ArrayDomain,
  BoolDomain,
  Domain,
  EnumDomain,
  Fields,
  IndexSet,
  IntDomain,
  RecordDomain,
  ScalarDomain,
  Value,
  ValueOf,
} from "./src/state/domain.ts";
export { boolParam, enumParam, intParam } from "./src/model/params.ts";
export type { BoolParam, EnumParam, IntParam, Param, Params, ParamValues } from "./src/model/params.ts";
export { action, defineModel, range } from "./src/model/model.ts";
export type {
  ActionFairness,
  ActionOptions,
  ActionParamDomains,
  ActionParamValues,
  ActionSpec,
  Model,
  ModelKit,
  ModelSpec,
} from "./src/model/model.ts";
export {
  always,
  assert,
  assertion,
  eventually,
  leadsTo,
  sometimes,
  transition,
} from "./src/model/properties.ts";
export type {
  ActionLabel,
  AlwaysProperty,
  AssertionProperty,
  EventuallyProperty,
  LeadsToProperty,
  LivenessProperty,
  Property,
  PropertyKind,
  SometimesProperty,
  TransitionProperty,
} from "./src/model/properties.ts";
export type {
  CompositeKeys,
  ReadonlyView,
  RecordView,
  ScalarArrayView,
  ScalarKeys,
  ViewOf,
} from "./src/state/state_view.ts";
export { check, checkSync } from "./src/check/check.ts";
export type { Counts, LimitHit, Progress, SearchLimits, SearchOptions } from "./src/search/search_types.ts";
export type { SearchState, WordStream } from "./src/search/checkpoint.ts";
export type { Finding } from "./src/store/keys.ts";
export type {
  ActionCount,
  CheckOptions,
  CheckResult,
  PropertyResult,
  PropertyStatus,
  SafetyVerdict,
  Verdict,
  WitnessCount,
} from "./src/check/check.ts";
export type { Trace } from "./src/trace/trace.ts";
export type { LivenessSummary } from "./src/liveness/liveness_run.ts";
