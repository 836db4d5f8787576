import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import type { Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import { instantiate, type Model } from "../model/model.ts";
import { type ReplayResult, replayStates } from "./replay.ts";
import { counter } from "../testdata/test_models.ts";
import { freeList } from "../testdata/trace_models.ts";
import { checkClaim } from "./trace_claim.ts";
import type { Trace } from "./trace.ts";

const counterInstance = () => instantiate(counter as unknown as Model, { limit: 3, wrap: true });
const traceOf = (name: string): Trace =>
  checkSync(counter, { params: { limit: 3, wrap: true } }).properties.find((p) => p.name === name)!.trace!;

/** The replay of `trace`, or of its first states, with the failing action it records unless `noFailing`. */
function replayed(trace: Trace, states = trace.states, noFailing = false) {
  const failing = noFailing ? undefined : trace.failing?.action;
  const outcome = replayStates(
    trace.model === "counter" ? counterInstance() : instantiate(freeList as unknown as Model, {}),
    states as Record<string, Value>[],
    trace.actions.slice(0, states.length - 1),
    failing,
  );
  assert.equal(outcome.ok, true);
  return outcome as ReplayResult & { ok: true };
}

Deno.test("a trace that shows the violation or witness it records is shown", () => {
  for (
    const [name, text] of [
      ["below_limit", /It shows the violation it records: below_limit is violated at state #3\./],
      ["never_wraps", /It shows the violation it records: never_wraps is violated by step 4\./],
      ["reaches_two", /It shows the witness it records: reaches_two holds at state #2\./],
    ] as const
  ) {
    const trace = traceOf(name);
    const claim = checkClaim({ property: name }, counterInstance(), replayed(trace), "t.itf.json");
    assert.ok(claim.recorded && claim.shown, name);
    assert.match(claim.recorded ? claim.text : "", text);
  }
});

Deno.test("a counterexample cut short of its violation says that the property holds along it", () => {
  const trace = traceOf("below_limit");
  const cut = replayed(trace, trace.states.slice(0, -1));
  const claim = checkClaim({ property: "below_limit" }, counterInstance(), cut, "t.itf.json");
  assert.deepEqual(claim, {
    recorded: true,
    property: "below_limit",
    kind: "always",
    shown: false,
    text: "It does not show what it records: the file says it is a counterexample to below_limit, but " +
      "below_limit holds at every state of the trace.",
  });
  const witness = traceOf("reaches_two");
  const early = checkClaim(
    { property: "reaches_two" },
    counterInstance(),
    replayed(witness, witness.states.slice(0, 2)),
    "t.itf.json",
  );
  assert.match(
    early.recorded ? early.text : "",
    /a witness of reaches_two, but reaches_two holds at no state/,
  );
  const wraps = traceOf("never_wraps");
  const noWrap = checkClaim(
    { property: "never_wraps" },
    counterInstance(),
    replayed(wraps, wraps.states.slice(0, -1)),
    "t.itf.json",
  );
  assert.match(noWrap.recorded ? noWrap.text : "", /never_wraps holds on every step of the trace/);
});

Deno.test("an assertion's counterexample is shown by its failing action, and not without it", () => {
  const trace = checkSync(freeList).properties.find((p) => p.name === "no_double_free")!.trace!;
  const instance = instantiate(freeList as unknown as Model, {});
  const shown = checkClaim({ property: "no_double_free" }, instance, replayed(trace), "t.itf.json");
  assert.ok(shown.recorded && shown.shown);
  assert.match(shown.recorded ? shown.text : "", /no_double_free is violated by step 1/);
  const missing = checkClaim(
    { property: "no_double_free" },
    instance,
    replayed(trace, trace.states, true),
    "t.itf.json",
  );
  assert.match(
    missing.recorded ? missing.text : "",
    /no step of the trace fails it, and the file records no failing action/,
  );
});

Deno.test("no recorded property is no claim; a property the model does not have is bad input", () => {
  const trace = traceOf("below_limit");
  assert.deepEqual(checkClaim({}, counterInstance(), replayed(trace), "t.itf.json"), { recorded: false });
  for (const property of ["no_such", 3, "toString"]) {
    assert.throws(
      () => checkClaim({ property }, counterInstance(), replayed(trace), "t.itf.json"),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.startsWith(
          `t.itf.json: #meta.property is ${JSON.stringify(property)}, which is not a property`,
        ),
    );
  }
});

Deno.test("without a recorded property, a recorded failing action must fail", () => {
  const instance = instantiate(freeList as unknown as Model, {});
  const trace = checkSync(freeList).properties.find((p) => p.name === "no_double_free")!.trace!;
  const fails = checkClaim({}, instance, replayed(trace), "t.itf.json");
  assert.deepEqual(fails, {
    recorded: true,
    shown: true,
    text:
      "It shows the failure it records: action free(page=0) fails assertion no_double_free from its last state.",
  });
  const allocated = [{ allocated: [false, false], freed: 0 }, { allocated: [true, false], freed: 0 }];
  const alloc0 = { name: "alloc", params: { page: 0 } };
  const completes = replayStates(instance, allocated, [alloc0], { name: "free", params: { page: 0 } });
  const claim = checkClaim({}, instance, completes as ReplayResult & { ok: true }, "t.itf.json");
  assert.ok(claim.recorded && !claim.shown);
  assert.match(
    claim.recorded ? claim.text : "",
    /action free\(page=0\) failed in its last state .* completes/,
  );
});
