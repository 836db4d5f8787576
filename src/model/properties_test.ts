import assert from "node:assert/strict";
import { checkSync } from "../check/check.ts";
import { instantiate, type Model } from "./model.ts";
import { findingHeadline, isSafety, PROPERTY_KINDS, type PropertyKind, statusOf } from "./properties.ts";
import { counter, throwingGuard } from "../testdata/test_models.ts";

const kinds = Object.keys(PROPERTY_KINDS) as PropertyKind[];

Deno.test("the kinds table: every kind says what it is checked on and what a finding means", () => {
  assert.deepEqual(kinds.sort(), [
    "always",
    "assertion",
    "deadlock",
    "eventually",
    "leadsTo",
    "sometimes",
    "transition",
  ]);
  assert.equal(PROPERTY_KINDS.eventually.checkedOn, "cycle");
  assert.equal(PROPERTY_KINDS.leadsTo.finding, "violation");
  assert.deepEqual(kinds.filter((k) => !isSafety(k)), ["sometimes"]);
  assert.equal(PROPERTY_KINDS.transition.checkedOn, "transition");
  assert.equal(PROPERTY_KINDS.deadlock.checkedOn, "deadlock");
  for (const kind of kinds) {
    assert.match(findingHeadline(kind, "p"), kind === "deadlock" ? /Deadlock/ : /\bp\b/);
  }
});

Deno.test("statusOf(): a finding violates a safety property and witnesses a witness; none decides only a whole space", () => {
  assert.equal(statusOf("always", true, false), "violated");
  assert.equal(statusOf("always", false, true), "holds");
  assert.equal(statusOf("always", false, false), "incomplete");
  assert.equal(statusOf("sometimes", true, false), "witnessed");
  assert.equal(statusOf("sometimes", false, true), "not witnessed");
  assert.equal(statusOf("sometimes", false, false), "incomplete");
  assert.equal(statusOf("deadlock", true, true), "violated");
});

Deno.test("deadlock is an ordinary property of the instance, last, unless the model turns it off", () => {
  const on = instantiate(counter as unknown as Model, { limit: 2 });
  assert.equal(on.properties.at(-1)!.kind, "deadlock");
  assert.equal(on.properties.filter((p) => p.kind === "deadlock").length, 1);
  const off = instantiate(throwingGuard as unknown as Model, {});
  assert.ok(!off.properties.some((p) => p.kind === "deadlock"));
  // Results list it like any other property, in the same order.
  const result = checkSync(counter, { params: { limit: 2 } });
  assert.deepEqual(result.properties.map((p) => p.name), on.properties.map((p) => p.name));
});
