/**
 * SPIN's verdicts on Promela twins (spin_liveness.ts) against the naive liveness checker's and the
 * engine's (which must agree with each other first), on the
 * page-sharing model with and without fairness on the guest's revoke, and on random models with weak
 * or no fairness. Skipped when spin or gcc is not on PATH.
 */
import assert from "node:assert/strict";
import { instantiate, type Model } from "../model/model.ts";
import { checkLivenessNaively } from "./naive_liveness.ts";
import { pageSharing } from "./page_sharing.ts";
import { type FairnessMode, randomLivenessCase } from "./random_model.ts";
import { pageSharingTwin, randomTwin, spinAvailable, spinVerdicts, type Twin } from "./spin_liveness.ts";
import { bool, defineModel } from "../../mod.ts";
import { checkSync } from "../check/check.ts";
import { isLiveness } from "../model/properties.ts";

const { available, missing } = spinAvailable();
const skipped = available ? "" : ` (SKIPPED: ${missing.join(" and ")} not on PATH)`;
if (!available) console.log(`spin_liveness_test: SKIPPED, ${missing.join(" and ")} not on PATH`);

/** The engine's status of each liveness property. */
function engineStatuses(model: unknown, params: Record<string, unknown>): Record<string, string> {
  const result = checkSync(model as Model, { params });
  return Object.fromEntries(
    result.properties.filter((p) => isLiveness(p.kind)).map((p) => [p.name, p.status]),
  );
}

/** The naive checker's status of each liveness property, once the engine is seen to agree. */
function naiveStatuses(model: unknown, params: Record<string, unknown>): Record<string, string> {
  const result = checkLivenessNaively(instantiate(model as Model, params));
  const statuses = Object.fromEntries(Object.entries(result.properties).map(([name, v]) => [name, v.status]));
  assert.deepEqual(engineStatuses(model, params), statuses, `the engine on ${(model as Model).name}`);
  return statuses;
}

Deno.test({
  name: `spin: page sharing, revoke weakly fair (pan -f) or not, agrees with the naive checker${skipped}`,
  ignore: !available,
  fn: async () => {
    for (const pages of [1, 2, 3]) {
      // One pan for both: the twin's revoke is weak, and without -f nothing is fair.
      const [fair, unfair] = await spinVerdicts(pageSharingTwin(pages), [true, false]);
      const weak = naiveStatuses(pageSharing, { pages, revoke: "weak" });
      const none = naiveStatuses(pageSharing, { pages, revoke: "none" });
      assert.deepEqual(fair!.properties, weak, `pages=${pages}, weak`);
      assert.deepEqual(unfair!.properties, none, `pages=${pages}, none`);
      assert.equal(weak.page0_revoked, "holds");
      assert.equal(none.page0_revoked, "violated");
      assert.equal(weak.host_writes, "violated");
    }
  },
});

/** A guest that idles (weakly fair) while the host may write (background): the host is never obliged. */
const idler = defineModel({
  name: "idler",
  params: {},
  state: () => ({ written: bool }),
  init: () => {},
  actions: (_p, { action }) => [
    action("idle", { effect: () => {}, fair: "weak" }),
    action("host_write", {
      guard: (s) => !s.written,
      effect: (s) => void (s.written = true),
      background: true,
    }),
  ],
  properties: (_p, { eventually }) => [eventually("written", (s) => s.written)],
});

const idlerTwin: Twin = {
  name: "idler",
  variables: ["written"],
  inits: [[]],
  instances: [
    { name: "idle", guard: "1", effect: [], fairness: "weak" },
    { name: "host_write", guard: "!written", effect: ["written = 1"], fairness: "none" },
  ],
  properties: [{ name: "written", kind: "eventually", p: "written" }],
};

Deno.test({
  name: `spin: the unfair instances' no-ops keep pan -f from making them fair (a control)${skipped}`,
  ignore: !available,
  fn: async () => {
    assert.deepEqual(naiveStatuses(idler, {}), { written: "violated" });
    const [withNoops] = await spinVerdicts(idlerTwin, [true]);
    assert.deepEqual(withNoops!.properties, { written: "violated" });
    // Without them every process is weakly fair under -f, the host too, and SPIN finds it must write.
    const [without] = await spinVerdicts(idlerTwin, [true], { noops: false });
    assert.deepEqual(without!.properties, { written: "holds" });
  },
});

const wanted = Number(Deno.env.get("HVCHECK_SPIN_LIVENESS_MODELS") ?? "100");
/** Bigger random models are left to the naive checker alone (SPIN's fairness copies the graph). */
const MAX_STATES = 1500;

Deno.test({
  name: `spin: random models with weak or no fairness agree with the naive checker${skipped}`,
  ignore: !available,
  fn: async () => {
    assert.ok(Number.isSafeInteger(wanted) && wanted >= 0, "HVCHECK_SPIN_LIVENESS_MODELS is a count");
    let properties = 0, violated = 0, withFairness = 0, tooBig = 0;
    const cases: {
      seed: number;
      twin: Twin;
      fair: boolean;
      statuses: Record<string, string>;
      states: number;
    }[] = [];
    for (let seed = 1; cases.length < wanted; seed++) {
      const names = seed % 4 === 3 ? 0 : 1;
      const mode: FairnessMode = seed % 3 === 0 ? "none" : "weak";
      const { model, params } = randomLivenessCase(seed, names, mode);
      const naive = checkLivenessNaively(instantiate(model, params));
      if (naive.graph.keys.length > MAX_STATES) {
        tooBig++;
        continue;
      }
      const twin = randomTwin(seed, names, mode);
      // The twin works out each instance's fairness from the structure; model.ts must agree.
      assert.deepEqual(
        twin.instances.map((a) => a.fairness),
        naive.graph.fairness,
        `fairness of seed ${seed}`,
      );
      const statuses = Object.fromEntries(Object.entries(naive.properties).map(([n, v]) => [n, v.status]));
      assert.deepEqual(engineStatuses(model, params), statuses, `the engine on seed ${seed}`);
      const fair = twin.instances.some((a) => a.fairness === "weak");
      cases.push({ seed, twin, fair, statuses, states: naive.graph.keys.length });
      properties += Object.keys(statuses).length;
      violated += Object.values(statuses).filter((s) => s === "violated").length;
      if (fair) withFairness++;
    }
    // Two at a time: most of the time goes to gcc.
    let next = 0;
    const compareNext = async (): Promise<void> => {
      for (let i = next++; i < cases.length; i = next++) {
        const { twin, fair, statuses, states } = cases[i]!;
        const [spin] = await spinVerdicts(twin, [fair]);
        assert.deepEqual(spin!.properties, statuses, `${twin.name} (${states} states)`);
      }
    };
    await Promise.all([compareNext(), compareNext()]);
    const compared = cases.length;
    console.log(
      `spin liveness: ${compared} random models agree (${withFairness} under pan -f), ${properties} ` +
        `properties (${violated} violated); ${tooBig} over ${MAX_STATES} states left out`,
    );
  },
});
