import assert from "node:assert/strict";
import { bool, int } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import { defineModel, instantiate, MAX_ACTION_INSTANCES, type Model } from "./model.ts";
import { paramProblem, SPEC_PARTS, specProblem } from "./model_spec_check.ts";

/** The parts of a good spec, for one part at a time to be replaced. */
const good = () => ({
  name: "m",
  params: {},
  state: () => ({ x: int(0, 3), flag: bool }),
  init: () => {},
  actions: () => [],
});

/** A model with `parts` replaced after defineModel, as a hand-built object would have them. */
function handBuilt(parts: Record<string, unknown>): Model {
  const model = defineModel(good() as never) as unknown as Model;
  return { ...model, spec: { ...model.spec, ...parts } } as unknown as Model;
}

function refused(parts: Record<string, unknown>, pattern: RegExp): void {
  assert.throws(() => defineModel({ ...good(), ...parts } as never), (e: unknown) => {
    assert.ok(e instanceof TypeError, String(e));
    assert.match(e.message, pattern);
    return true;
  });
  assert.throws(() => instantiate(handBuilt(parts)), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, /^Model m: /);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("every part of a spec has its type checked, naming the part and what was found", () => {
  assert.equal(specProblem(good()), undefined);
  refused({ deadlock: "no" }, /deadlock must be a boolean \(true or false\), but is "no"/);
  refused({ terminal: 5 }, /terminal must be a function \(state, params\) => boolean, but is 5/);
  refused({ withinBoundary: "yes" }, /withinBoundary must be a function .*, but is "yes"/);
  refused({ properties: [] }, /properties must be a function \(params, kit\) => .*, but is \[\]/);
  refused({ actions: [] }, /actions must be a function .*, but is \[\]/);
  refused({ state: { x: bool } }, /state must be a function .*, but is \{ x: \{ kind: "bool" \} \}/);
  refused({ init: [] }, /init must be a function .* or a non-empty array of them, but is \[\]/);
  refused({ init: [() => {}, 5] }, /init must be .*, but is \[a function, 5\]/);
  refused({ symmetry: "page" }, /symmetry must be an array of index set names, .* but is "page"/);
  refused({ symmetry: [1] }, /symmetry must be .*, but is \[1\]/);
  refused({ description: 7 }, /description must be a string, but is 7/);
  refused({ params: [] }, /params must be an object of parameters .*, but is \[\]/);
  refused({ state: undefined }, /state is missing: it must be a function/);
});

Deno.test("a part no spec has is refused, with a likely meant one", () => {
  assert.match(
    specProblem({ ...good(), withinBoundry: () => true })!,
    /part named "withinBoundry", .*\(did you mean withinBoundary\?\)/,
  );
  assert.match(
    specProblem({ ...good(), invariants: [] })!,
    /part named "invariants", which no model spec has; the parts are name, /,
  );
  for (const part of SPEC_PARTS) {
    assert.doesNotMatch(specProblem({ ...good(), [part]: undefined }) ?? "", /part named/);
  }
});

Deno.test("properties() must return an array of properties of a known kind", () => {
  const withProperties = (properties: unknown) => instantiate(handBuilt({ properties: () => properties }));
  assert.throws(
    () => withProperties(5),
    /Model m: properties\(\) must return an array of properties, but returned 5/,
  );
  assert.throws(() => withProperties([5]), /Model m: entry 0 of properties\(\) is 5, not a property/);
  assert.throws(
    () => withProperties([{ kind: "finally", name: "later", description: "", predicate: () => true }]),
    /Model m: property "later" has kind "finally", which is not a kind of property: the kinds are always, sometimes, transition, assertion, eventually, leadsTo/,
  );
  assert.throws(
    () => withProperties([{ kind: "leadsTo", name: "l", description: "", trigger: () => true }]),
    /the response of property "l" must be a function, but is undefined/,
  );
  assert.throws(
    () => withProperties([{ kind: "always", name: "p", description: "", predicate: true }]),
    /the predicate of property "p" must be a function, but is true/,
  );
  assert.throws(
    () => withProperties([{ kind: "deadlock", name: "d", description: "", predicate: () => true }]),
    /kind "deadlock", which is not a kind of property/,
  );
});

Deno.test("actions() entries are checked part by part", () => {
  const withActions = (actions: unknown) => instantiate(handBuilt({ actions: () => actions }));
  const effect = () => {};
  assert.throws(() => withActions(5), /actions\(\) must return an array, but returned 5/);
  assert.throws(() => withActions([5]), /entry 0 of actions\(\) is 5; every entry must be built with action/);
  assert.throws(
    () => withActions([{ name: "a", params: {}, effect: 1 }]),
    /the effect of action a must be a function, but is 1/,
  );
  assert.throws(
    () => withActions([{ name: "a", params: {}, effect, guard: true }]),
    /the guard of action a must be a function, but is true/,
  );
  assert.throws(
    () => withActions([{ name: "a", params: {}, effect, background: "yes" }]),
    /background of action a must be a boolean/,
  );
  assert.throws(
    () => withActions([{ name: "a", params: { i: 3 }, effect }]),
    /parameter i of action a must be a scalar domain .*, but is 3/,
  );
});

Deno.test("an action with more parameter combinations than the engine takes is refused before they are built", () => {
  const started = performance.now();
  assert.throws(
    () =>
      instantiate(
        handBuilt({
          actions:
            () => [{ name: "a", params: { i: int(0, 2 ** 30), j: int(0, 2 ** 30) }, effect: () => {} }],
        }),
      ),
    new RegExp(
      `action a has about 2\\^60 combinations .*; at most ${
        (MAX_ACTION_INSTANCES - 1).toLocaleString("en-US")
      } are supported`,
    ),
  );
  assert.ok(performance.now() - started < 1000);
});

Deno.test("symmetry() must return an array of names", () => {
  assert.throws(
    () => instantiate(handBuilt({ symmetry: () => "page" })),
    /symmetry\(\) must return an array of index set names, but returned "page"/,
  );
});

Deno.test("paramProblem() takes what the parameter builders make and names what else it found", () => {
  assert.equal(paramProblem({ kind: "int", min: 1, max: 3, default: 2, description: "" }), undefined);
  assert.equal(paramProblem({ kind: "bool", default: false, description: "" }), undefined);
  assert.equal(paramProblem({ kind: "enum", values: ["a", "b"], default: "b", description: "" }), undefined);
  assert.match(paramProblem({ kind: "int", min: 5, max: 1, default: 3 })!, /integer bounds min <= max/);
  assert.match(paramProblem({ kind: "int", min: 1, max: 3, default: 9 })!, /default .* in 1\.\.3/);
  assert.match(paramProblem({ kind: "bool", default: "no" })!, /true or false/);
  assert.match(paramProblem({ kind: "enum", values: ["a"], default: "b" })!, /one of its values/);
  assert.match(paramProblem(3)!, /built with intParam, boolParam or enumParam, but is 3/);
  const model = {
    ...handBuilt({}),
    params: { n: { kind: "int", min: 5, max: 1, default: 3, description: "" } },
  };
  assert.throws(
    () => instantiate(model as unknown as Model),
    /Model m: parameter n: an int parameter must have integer bounds/,
  );
});

Deno.test("a domain built by hand is checked through the whole tree, naming the variable and the part", () => {
  const withState = (state: unknown) => instantiate(handBuilt({ state: () => state }));
  assert.throws(
    () => withState({ x: { kind: "int", min: 0, max: "3" } }),
    /Model m: state variable x: an int domain needs integers min <= max .*, but found \{ kind: "int", min: 0, max: "3" \}/,
  );
  assert.throws(
    () => withState({ r: { kind: "record", fields: { e: { kind: "enum", values: [] } } } }),
    /state variable r: an enum domain needs distinct non-empty string values, but found .* at \.e/,
  );
  assert.throws(
    () => withState({ a: { kind: "array", length: 2, element: { kind: "bool!" } } }),
    /state variable a: expected a domain .*, but found \{ kind: "bool!" \} at \[\]/,
  );
  assert.throws(
    () =>
      instantiate(
        handBuilt({
          actions: () => [{ name: "a", params: { i: { kind: "int", min: 0 } }, effect: () => {} }],
        }),
      ),
    /parameter i of action a: an int domain needs integers/,
  );
});
