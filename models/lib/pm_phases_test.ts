import assert from "node:assert/strict";
import { checkSync } from "../../mod.ts";
import { formatAction } from "../../src/model/properties.ts";
import model, { PM_PHASES, PM_SEQUENCES, pmPhases } from "./pm_phases.ts";

const run = (params: Record<string, unknown>) => checkSync(model, { params });

Deno.test("pm_phases_demo pins its state counts and keeps every phase in order", () => {
  for (const [devices, n] of [[1, 94], [2, 174], [3, 334], [4, 654]] as const) {
    const r = run({ devices });
    assert.equal(r.distinctStates, n, `devices=${devices}`);
    // Every proved property holds; the refusal witness belongs to the refusing_driver variant.
    assert.deepEqual(r.properties.filter((p) => p.status === "violated").map((p) => p.name), []);
    assert.deepEqual(r.unfiredActions, ["hibernation_refused"]);
  }
});

Deno.test("pm_phases_demo: a full cycle runs every phase of five sequences on every device", () => {
  const r = run({ devices: 2 });
  const names = r.properties.find((p) => p.name === "resume_completes")!.trace!.actions.map((a) => a.name);
  assert.equal(names.filter((n) => n === "dpm_callback").length, 5 * 4 * 2);
  assert.equal(names.filter((n) => n === "dpm_phase_end").length, 5 * 4);
  assert.deepEqual(names.filter((n) => !n.startsWith("dpm_")), [
    "hibernate",
    "create_image",
    "power_down",
    "enter_s4",
    "hibernation_restore",
    "swsusp_arch_resume",
    "resume_done",
  ]);
});

Deno.test("pm_phases_demo no_suspend_hook: the image holds an open channel", () => {
  const r = run({ devices: 2, variant: "no_suspend_hook" });
  const p = r.properties.find((p) => p.name === "image_holds_no_open_channel")!;
  assert.equal(p.status, "violated");
  const actions = p.trace!.actions.map(formatAction);
  assert.equal(actions.length, 14);
  assert.deepEqual([actions[0], actions.at(-1)], ["hibernate", "create_image"]);
  assert.equal(r.properties.find((p) => p.name === "phases_in_order")!.status, "holds");
});

Deno.test("pm_phases_demo refusing_driver: PMSG_RECOVER thaws only what the failed phase suspended", () => {
  const r = run({ devices: 2, variant: "refusing_driver" });
  assert.equal(r.distinctStates, 66);
  assert.equal(r.properties.find((p) => p.name === "phases_in_order")!.status, "holds");
  assert.equal(r.properties.find((p) => p.name === "refusal_reopens_every_channel")!.status, "holds");
  const p = r.properties.find((p) => p.name === "hibernation_refused_and_rolled_back")!;
  assert.equal(p.status, "witnessed");
  // Three freeze phases, then device 0 fails first: device 1 is skipped by thaw_noirq (it never ran
  // freeze_noirq) and both run thaw_early, thaw and complete.
  assert.deepEqual(p.trace!.actions.map(formatAction), [
    "hibernate",
    ...Array.from({ length: 3 }, () => ["dpm_callback(dev=0)", "dpm_callback(dev=1)", "dpm_phase_end"])
      .flat(),
    "dpm_callback(dev=0)",
    "dpm_phase_end",
    ...Array.from({ length: 3 }, () => ["dpm_callback(dev=0)", "dpm_callback(dev=1)", "dpm_phase_end"])
      .flat(),
    "hibernation_refused",
  ]);
});

Deno.test("pmPhases() names every phase once and refuses sequences out of order", () => {
  assert.equal(PM_PHASES.length, 14);
  assert.deepEqual(PM_SEQUENCES.quiesce, PM_SEQUENCES.freeze);
  const pm = pmPhases({ devices: 1 });
  const done = { fill: () => {} };
  const s = { pm: { sequence: "none", step: 0, done, last: "none" } };
  assert.throws(() => pm.start(s, "thaw"), /Expected thaw to follow freeze but found none/);
  pm.start(s, "freeze");
  assert.equal(pm.phase(s), "prepare");
  assert.throws(() => pm.start(s, "freeze"), /no PM sequence running/);
  assert.throws(() => pmPhases({ devices: 0 }), RangeError);
});
