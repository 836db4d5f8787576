import assert from "node:assert/strict";
import { arrayOf, bool, enumOf, int, recordOf } from "../state/domain.ts";
import { checkInstance, checkInstanceParallel, type CheckResult } from "../check/check.ts";
import { defineModel, instantiate, type Model, type ModelInstance } from "../model/model.ts";
import { exploreNaively, type NaiveResult } from "./naive_explorer.ts";
import { generate, hostileNames, randomModel } from "./random_model.ts";
import { parseItf, toItf } from "../trace/trace_itf.ts";
import { formatTraceText } from "../trace/trace_text.ts";

/** Asserts that the engine's result is the naive explorer's: counts, depth, every status and length. */
function compare(engine: CheckResult, naive: NaiveResult, where: string): void {
  if (engine.complete) {
    assert.equal(engine.distinctStates, naive.distinctStates, `distinct states of ${where}`);
    assert.equal(engine.transitions, naive.transitions, `transitions of ${where}`);
    assert.equal(engine.depth, naive.depth, `depth of ${where}`);
  } else {
    // The engine stops after the level where the last property is decided; the naive explorer does not.
    assert.ok(engine.distinctStates <= naive.distinctStates, `distinct states of ${where}`);
    assert.ok(engine.depth <= naive.depth, `depth of ${where}`);
  }
  assert.equal(engine.properties.length, Object.keys(naive.properties).length, `properties of ${where}`);
  for (const p of engine.properties) {
    assert.ok(Object.hasOwn(naive.properties, p.name), `property ${p.name} of ${where}`);
    const decided = p.status === "violated" || p.status === "witnessed";
    assert.deepEqual(
      { status: p.status, traceLength: decided ? p.traceLength : undefined },
      { status: naive.properties[p.name]!.status, traceLength: naive.properties[p.name]!.traceLength },
      `property ${p.name} of ${where}`,
    );
  }
  // A witness not found may or may not count against the verdict; a violation always does.
  const statuses = Object.values(naive.properties).map((p) => p.status);
  const verdicts = statuses.includes("violated")
    ? ["violated"]
    : statuses.includes("not witnessed")
    ? ["violated", "holds"]
    : ["holds"];
  assert.ok(verdicts.includes(engine.verdict), `verdict ${engine.verdict} of ${where}`);
}

/** The traces survive the text and ITF writers and the ITF reader, whatever the variables are called. */
function checkTraces(instance: ModelInstance, engine: CheckResult, where: string): void {
  for (const p of engine.properties) {
    if (!p.trace) continue;
    assert.equal(p.trace.states.length, p.traceLength! + 1, `trace of ${p.name} in ${where}`);
    const text = formatTraceText(p.trace, `Invariant ${p.name} is violated.`);
    assert.ok(text.includes(`State ${p.trace.states.length}:`), `text trace of ${p.name} in ${where}`);
    const parsed = parseItf(JSON.stringify(toItf(p.trace)), instance, where);
    assert.deepEqual(parsed.states, p.trace.states, `ITF round trip of ${p.name} in ${where}`);
  }
}

function crossCheck(model: Model, params: Record<string, unknown>, where: string): NaiveResult {
  const instance = instantiate(model, params);
  const naive = exploreNaively(instance);
  for (const exact of [false, true]) {
    const engine = checkInstance(instance, { exact });
    compare(engine, naive, `${where}${exact ? " (exact)" : ""}`);
    if (!exact) checkTraces(instance, engine, where);
  }
  return naive;
}

const count = Number(Deno.env.get("HVCHECK_DIFFERENTIAL_MODELS") ?? "250");
const firstSeed = Number(Deno.env.get("HVCHECK_DIFFERENTIAL_SEED") ?? "1");

Deno.test("random models with hostile names: the engine agrees with the naive explorer", async () => {
  assert.ok(Number.isSafeInteger(count) && count >= 0, "HVCHECK_DIFFERENTIAL_MODELS is a count");
  const url = new URL("./random_model.ts", import.meta.url).href;
  let states = 0, violated = 0, parallel = 0;
  for (let i = 0; i < count; i++) {
    const seed = firstSeed + i;
    const params = { seed, names: i % 4 === 3 ? 0 : 1 };
    const where = `random model seed=${seed} names=${params.names}: ${generate(seed, params.names).summary}`;
    const naive = crossCheck(randomModel as unknown as Model, params, where);
    states += naive.distinctStates;
    if (Object.values(naive.properties).some((p) => p.status === "violated")) violated++;
    if (i % 100 === 0) {
      const instance = instantiate(randomModel as unknown as Model, params);
      const engine = await checkInstanceParallel(instance, { module: url, exportName: "randomModel" }, 2);
      compare(engine, naive, `${where} (2 workers)`);
      parallel++;
    }
  }
  console.log(
    `differential: ${count} random models (seeds ${firstSeed}..${firstSeed + count - 1}, ${parallel} also ` +
      `on 2 workers), ${states} states, ${violated} with a violation`,
  );
});

Deno.test("the hostile names include the views' internals and JavaScript's special names", () => {
  const names = hostileNames();
  for (
    const name of ["w", "b", "s", "p", "W", "B", "S", "P", "constructor", "toString", "then", "get", "every"]
  ) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(!names.includes("__proto__"));
  assert.ok(names.length > 300);
});

/**
 * The model from the issue, with its array under each name the views once used internally: an array or
 * record named w, b or s read and wrote its neighbours' bits (a wrong "holds"), and a scalar named w, b,
 * s or p, or a record field named p, crashed the engine.
 */
function clash(name: string, as: "array" | "record" | "scalar" | "field"): Model {
  const domain = as === "array"
    ? arrayOf(1, bool)
    : as === "record"
    ? recordOf({ [name]: bool, q: bool })
    : as === "field"
    ? recordOf({ q: bool, [name]: bool })
    : bool;
  type S = Record<string, unknown> & { x: boolean };
  const get = (s: S): boolean =>
    as === "array"
      ? (s[name] as { get(i: number): boolean }).get(0)
      : as === "scalar"
      ? s[name] as boolean
      : (s[name] as Record<string, boolean>)[as === "field" ? name : name]!;
  const flip = (s: S): void => {
    if (as === "array") {
      const a = s[name] as { get(i: number): boolean; set(i: number, v: boolean): void };
      a.set(0, !a.get(0));
    } else if (as === "scalar") s[name] = !s[name];
    else {
      const r = s[name] as Record<string, boolean>;
      r[name] = !r[name];
    }
  };
  return defineModel({
    name: `clash_${as}_${name}`,
    params: {},
    state: () => ({ [name]: domain, x: bool }),
    init: () => {},
    actions: (_p, { action }) => [
      action("set_s", { effect: (s) => flip(s as unknown as S) }),
      action("flip_x", { effect: (s) => void ((s as unknown as S).x = !(s as unknown as S).x) }),
    ],
    properties: (
      _p,
      { always },
    ) => [always("inv", (s) => !(get(s as unknown as S) && !(s as unknown as S).x))],
  }) as unknown as Model;
}

Deno.test("variables and fields named w, b, s or p: the invariant fails in one step with 4 states", () => {
  for (const name of ["w", "b", "s", "p", "constructor", "toString", "then", "length", "get", "every"]) {
    for (const as of ["array", "record", "scalar", "field"] as const) {
      const where = `${name} as ${as}`;
      const naive = crossCheck(clash(name, as), {}, where);
      assert.equal(naive.distinctStates, 4, where);
      assert.deepEqual(naive.properties.inv, { status: "violated", traceLength: 1 }, where);
    }
  }
});

Deno.test("an enum over special names and ints straddling words agree with the naive explorer", () => {
  const model = defineModel({
    name: "wide",
    params: {},
    state: () => ({
      hasOwnProperty: arrayOf(
        3,
        recordOf({ valueOf: int(0, 2 ** 31 - 2), then: enumOf("__proto__", "constructor") }),
      ),
      prototype: arrayOf(2, arrayOf(2, int(-3, 2 ** 20))),
    }),
    init: () => {},
    actions: (_p, { action }) => [
      action("bump", {
        params: { k: int(0, 2) },
        guard: (s, { k }) => s.hasOwnProperty[k]!.valueOf < 2,
        effect: (s, { k }) => {
          s.hasOwnProperty[k]!.valueOf += 1;
          s.hasOwnProperty[k]!.then = "constructor";
        },
      }),
      action("deep", {
        guard: (s) => s.prototype[1]!.get(1) === -3,
        effect: (s) => s.prototype[1]!.set(1, 2 ** 20),
      }),
    ],
    properties: (_p, { always, sometimes }) => [
      always(
        "toString",
        (s) => s.hasOwnProperty.every((r) => r.valueOf < 2) || s.prototype[1]!.get(1) === -3,
      ),
      sometimes("valueOf", (s) => s.hasOwnProperty[2]!.then === "constructor"),
    ],
    deadlock: false,
  }) as unknown as Model;
  const naive = crossCheck(model, {}, "wide");
  assert.equal(naive.distinctStates, 54);
});
