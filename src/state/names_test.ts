import assert from "node:assert/strict";
import { arrayOf, bool, recordOf } from "./domain.ts";
import { InputError } from "../errors.ts";
import { defineModel, instantiate, type Model } from "../model/model.ts";
import { closest, nameProblem } from "./names.ts";
import { always } from "../model/properties.ts";

Deno.test("nameProblem() takes identifiers, special names included, and says why it refuses the rest", () => {
  for (
    const name of ["x", "_", "$", "a$1", "constructor", "toString", "then", "length", "get", "w", "null"]
  ) {
    assert.equal(nameProblem(name), undefined, name);
  }
  assert.match(nameProblem("")!, /cannot be empty/);
  assert.match(nameProblem("../x")!, /path separator or "\.\."/);
  assert.match(nameProblem("a/b")!, /path separator/);
  assert.match(nameProblem("a\\b")!, /path separator/);
  assert.match(nameProblem("a..b")!, /"\.\."/);
  assert.match(nameProblem("__proto__")!, /sets an object's prototype/);
  assert.match(nameProblem("1x")!, /identifier/);
  assert.match(nameProblem("a b")!, /identifier/);
  assert.match(nameProblem("#meta")!, /identifier/);
  assert.match(nameProblem(3)!, /must be a string/);
});

Deno.test("closest() suggests a likely misspelling only", () => {
  assert.equal(closest("xenShinf", ["xenShInfo", "phase"]), "xenShInfo");
  assert.equal(closest("levle", ["flag", "level"]), "level");
  assert.equal(closest("zzz", ["flag", "level"]), undefined);
});

/** A model whose parts are built by hand, as code that does not use the builders could. */
function handBuilt(parts: {
  name?: string;
  state?: () => object;
  action?: string;
  param?: string;
  property?: string;
  modelParam?: string;
}): Model {
  const good = defineModel({
    name: "hand",
    params: {},
    state: () => ({ x: bool }),
    init: () => {},
    actions: () => [],
  }) as unknown as Model;
  return {
    ...good,
    name: parts.name ?? "hand",
    params: parts.modelParam ? { [parts.modelParam]: { kind: "bool", default: false, description: "" } } : {},
    spec: {
      ...good.spec,
      state: (parts.state ?? (() => ({ x: bool }))) as Model["spec"]["state"],
      actions: () => [{
        name: parts.action ?? "go",
        params: parts.param ? { [parts.param]: bool } : {},
        guard: undefined,
        effect: () => {},
        background: false,
      }],
      properties:
        () => [{ kind: "always", name: parts.property ?? "ok", description: "", predicate: () => true }],
    },
  } as unknown as Model;
}

Deno.test("instantiate() refuses a bad name wherever it is, whatever built the model, saying which and why", () => {
  const refused = (model: Model, pattern: RegExp) =>
    assert.throws(
      () => instantiate(model),
      (e: unknown) => e instanceof InputError && pattern.test(e.message),
    );
  assert.doesNotThrow(() => instantiate(handBuilt({})));
  refused(handBuilt({ name: "../evil" }), /model name "\.\.\/evil" cannot be used: .*path separator/);
  refused(handBuilt({ name: "" }), /model name "" cannot be used: a name cannot be empty/);
  refused(
    handBuilt({ action: "a/b" }),
    /Model hand: the action name "a\/b" cannot be used: .*trace file names/,
  );
  refused(handBuilt({ param: ".." }), /the parameter name "\.\." of action go cannot be used/);
  refused(handBuilt({ property: "../../etc/x" }), /the property name "\.\.\/\.\.\/etc\/x" cannot be used/);
  refused(handBuilt({ modelParam: "a..b" }), /the parameter name "a\.\.b" cannot be used/);
  refused(
    handBuilt({ state: () => ({ "x y": bool }) }),
    /the state variable name "x y" cannot be used: a name must be an identifier/,
  );
  refused(
    handBuilt({ state: () => ({ outer: arrayOf(2, { kind: "record", fields: { "": bool } }) }) }),
    /the field name "" in outer\[\] cannot be used/,
  );
  refused(
    handBuilt({
      state: () => Object.defineProperty({ x: bool }, "__proto__", { value: bool, enumerable: true }),
    }),
    /the state variable name "__proto__" cannot be used: __proto__ sets an object's prototype/,
  );
  // `{ __proto__: bool }` in a literal sets the prototype: refused rather than silently dropped.
  refused(
    handBuilt({ state: () => ({ __proto__: bool, x: bool }) }),
    /object literal \{ __proto__: \.\.\. \}/,
  );
});

Deno.test("recordOf() and the builders refuse bad names when the model is defined", () => {
  assert.throws(() => recordOf({ "a.b": bool }), /Expected a valid record field name but found "a\.b"/);
  assert.throws(() => always("../x", () => true), /property name/);
  const ok = recordOf({ constructor: bool, toString: bool, valueOf: bool, then: bool });
  assert.deepEqual(Object.keys(ok.fields), ["constructor", "toString", "valueOf", "then"]);
});
