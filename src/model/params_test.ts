import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { boolParam, intParam, parseAssignments, resolveParams } from "./params.ts";

const params = {
  pages: intParam({ min: 1, max: 16, default: 3, description: "pages" }),
  fixed: boolParam({ default: true, description: "fixed" }),
};

Deno.test("--set of one parameter twice is refused, naming it; several parameters are fine", () => {
  assert.deepEqual({ ...parseAssignments("m", params, ["pages=4", "fixed=false"]) }, {
    pages: 4,
    fixed: false,
  });
  assert.throws(
    () => parseAssignments("m", params, ["pages=3", "fixed=true", "pages=4"]),
    (e: unknown) =>
      e instanceof InputError &&
      /Parameter pages of model m is set twice \(--set pages=3 and --set pages=4\)/.test(e.message),
  );
  // The same value twice is as likely a mistake in a script: still refused.
  assert.throws(() => parseAssignments("m", params, ["pages=3", "pages=3"]), /set twice/);
});

Deno.test("names that Object.prototype has are unknown parameters, not internal errors", () => {
  for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
    assert.throws(
      () => parseAssignments("m", params, [`${name}=1`]),
      (e: unknown) => e instanceof InputError && e.message.includes(`no parameter "${name}"`),
      name,
    );
    // A trace's #meta.params reach resolveParams as they are.
    assert.throws(
      () => resolveParams("m", params, JSON.parse(`{"${name}": 1}`)),
      (e: unknown) => e instanceof InputError && e.message.includes(`no parameter "${name}"`),
      name,
    );
  }
});
