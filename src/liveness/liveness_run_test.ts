import assert from "node:assert/strict";
import {
  action,
  type ArrayDomain,
  arrayOf,
  bool,
  checkSync,
  defineModel,
  indexSet,
  type Model,
  type ModelKit,
  range,
} from "../../mod.ts";
import { InputError } from "../errors.ts";
import { hostWrites } from "../testdata/liveness_models.ts";

type Light = { on: typeof bool };
type Lights = { on: ArrayDomain<typeof bool> };

/** A light that flips, weakly fairly, and must come on; `extra` adds or replaces parts of the spec. */
function live(extra: Record<string, unknown>): Model {
  const spec = {
    name: "live",
    params: {},
    state: () => ({ on: bool }),
    init: () => {},
    actions: (_p: unknown, kit: ModelKit<Light>) => [
      kit.action("flip", { effect: (s) => void (s.on = !s.on), fair: "weak" }),
    ],
    properties: (_p: unknown, kit: ModelKit<Light>) => [kit.eventually("on", (s) => s.on)],
  };
  return defineModel({ ...spec, ...extra } as never) as unknown as Model;
}

Deno.test("liveness is refused under symmetry reduction, with withinBoundary and with checkpoints", () => {
  const symmetric = live({
    state: () => ({ on: arrayOf(indexSet("page", 2), bool) }),
    actions: (_p: unknown, kit: ModelKit<Lights>) => [
      kit.action("light", {
        params: { page: range(2) },
        effect: (s, { page }) => s.on.set(page, true),
        fair: "weak",
      }),
    ],
    properties: (
      _p: unknown,
      kit: ModelKit<Lights>,
    ) => [kit.eventually("all_on", (s) => s.on.every((v) => v))],
    symmetry: ["page"],
  });
  assert.throws(
    () => checkSync(symmetric),
    (e: unknown) => e instanceof InputError && /symmetry/.test(e.message),
  );
  assert.throws(
    () => checkSync(live({ withinBoundary: () => true })),
    (e: unknown) =>
      e instanceof InputError && /withinBoundary, and liveness property on would be vacuous/.test(e.message),
  );
  assert.throws(
    () => checkSync(live({}), { checkpointDir: "/nonexistent" }),
    (e: unknown) => e instanceof InputError && /cannot write or resume one/.test(e.message),
  );
});

Deno.test("a depth limit or a time limit leaves liveness incomplete, never holds", () => {
  for (const limit of [{ maxDepth: 1 }, { timeLimitSeconds: 0.000001 }]) {
    const r = checkSync(hostWrites, { params: { fairness: "weak" }, ...limit });
    assert.equal(r.verdict, "incomplete");
    assert.equal(r.liveness, "incomplete");
    assert.ok(r.properties.every((p) => p.status === "incomplete"), JSON.stringify(limit));
  }
  const exact = checkSync(hostWrites, { params: { fairness: "weak" }, exact: true });
  assert.equal(exact.liveness, "holds");
});

Deno.test("fairness is declared weak, strong or none, and never on a background action", () => {
  assert.throws(
    () => action("a", { effect: () => {}, fair: "always" as never }),
    /"weak", "strong" or "none"/,
  );
  assert.throws(() => action("a", { effect: () => {}, fair: "weak", background: true }), /cannot be fair/);
  assert.doesNotThrow(() => action("a", { effect: () => {}, fair: "none", background: true }));
  assert.throws(() => live({ fairness: "sometimes" }), /fairness must be "weak" or "strong"/);
  assert.equal(checkSync(live({ fairness: "weak" })).liveness, "holds");
  const unfair = live({
    actions: (
      _p: unknown,
      kit: ModelKit<Light>,
    ) => [kit.action("flip", { effect: (s) => void (s.on = !s.on) })],
  });
  assert.equal(checkSync(unfair).liveness, "holds", "flip is the only action: every behaviour takes it");
});
