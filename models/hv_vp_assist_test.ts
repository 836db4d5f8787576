import assert from "node:assert/strict";
import { checkSync } from "../mod.ts";
import { formatAction } from "../src/model/properties.ts";
import model from "./hv_vp_assist.ts";

const run = (params: Record<string, unknown>) => checkSync(model, { params });
const status = (r: ReturnType<typeof run>, name: string) => r.properties.find((p) => p.name === name)!;
const actionsOf = (r: ReturnType<typeof run>, name: string) =>
  status(r, name).trace!.actions.map(formatAction);

/** The hibernation path up to the restoring kernel's boot, with one vCPU. */
const imageWritten = [
  "hibernate",
  "syscore_suspend",
  "swsusp_arch_suspend",
  "syscore_resume",
  "swsusp_write",
  "power_off",
];

Deno.test("hv_vp_assist pre_421f090c819d: Hyper-V writes into the image kernel's data", () => {
  const r = run({ variant: "pre_421f090c819d", vcpus: 1, frames: 3 });
  assert.equal(r.distinctStates, 77);
  // The thread's run: R's hv_cpu_init(0) registers frame 1, hv_suspend leaves it on, memory becomes the
  // image (frame 1 holds the image kernel's data), hv_resume does not re-register, Hyper-V writes.
  assert.deepEqual(actionsOf(r, "hv_write_lands_on_own_page"), [
    ...imageWritten,
    "restore_kernel_boot",
    "cpuhp_startup(cpu=0, frame=1)",
    "hyperv_init_hypercall(frame=0)",
    "hibernation_restore",
    "syscore_suspend",
    "swsusp_arch_resume",
    "hv_write(cpu=0)",
  ]);
  assert.equal(status(r, "vp_assist_msr_points_to_own_page").traceLength, 12);
  assert.equal(status(r, "hypercall_msr_points_to_own_page").status, "holds");
  assert.equal(status(r, "cpuhp_boot_cpu_stays_up").status, "holds");
});

Deno.test("hv_vp_assist pre_421f090c819d with a secondary vCPU: cpuhp undoes it, CPU0 stays wrong", () => {
  const r = run({ variant: "pre_421f090c819d", vcpus: 2, frames: 5 });
  assert.equal(r.distinctStates, 1282);
  // The secondary's registration goes through cpuhp (hv_cpu_die on the way down); CPU0's does not.
  assert.deepEqual(actionsOf(r, "hv_write_lands_on_own_page"), [
    "hibernate",
    "cpuhp_teardown(cpu=1)",
    "syscore_suspend",
    "swsusp_arch_suspend",
    "syscore_resume",
    "cpuhp_startup(cpu=1, frame=0)",
    "swsusp_write",
    "cpuhp_teardown(cpu=1)",
    "power_off",
    "restore_kernel_boot",
    "cpuhp_startup(cpu=0, frame=1)",
    "cpuhp_startup(cpu=1, frame=0)",
    "hyperv_init_hypercall(frame=2)",
    "hibernation_restore",
    "cpuhp_teardown(cpu=1)",
    "syscore_suspend",
    "swsusp_arch_resume",
    "hv_write(cpu=0)",
  ]);
  assert.equal(status(r, "registered_after_resume").traceLength, 20);
});

Deno.test("hv_vp_assist with_421f090c819d and with_ee6815416380 hold, with the same state space", () => {
  for (const variant of ["with_421f090c819d", "with_ee6815416380"]) {
    const r = run({ variant, vcpus: 2, frames: 5 });
    assert.equal(r.verdict, "holds", variant);
    assert.equal(r.distinctStates, 802);
    assert.equal(status(r, "resume_completes").status, "witnessed");
    assert.equal(status(r, "image_kernel_reuses_restore_frame").status, "witnessed");
  }
  assert.equal(run({ variant: "with_ee6815416380", vcpus: 3, frames: 7 }).distinctStates, 24456);
});

Deno.test("hv_vp_assist regression_e5d9b714fe40: safe, but the resume leaves the MSRs off", () => {
  const r = run({ variant: "regression_e5d9b714fe40", vcpus: 1, frames: 3 });
  for (
    const name of [
      "vp_assist_msr_points_to_own_page",
      "hypercall_msr_points_to_own_page",
      "hv_write_lands_on_own_page",
    ]
  ) {
    assert.equal(status(r, name).status, "holds", name);
  }
  // hv_suspend's hv_cpu_die(0) turns CPU0's MSR off; hv_resume's hv_cpu_init(0) finds the page allocated
  // and, with e5d9b714fe40, does not write the MSR.
  assert.deepEqual(actionsOf(r, "registered_after_thaw"), [...imageWritten.slice(0, 4), "swsusp_write"]);
  assert.deepEqual(actionsOf(r, "registered_after_resume"), [
    ...imageWritten,
    "restore_kernel_boot",
    "cpuhp_startup(cpu=0, frame=0)",
    "hyperv_init_hypercall(frame=1)",
    "hibernation_restore",
    "syscore_suspend",
    "swsusp_arch_resume",
    "syscore_resume",
    "resume_complete",
  ]);
  const r2 = run({ variant: "regression_e5d9b714fe40", vcpus: 2, frames: 5 });
  assert.equal(r2.distinctStates, 802);
  assert.equal(status(r2, "registered_after_thaw").traceLength, 7);
});

Deno.test("hv_vp_assist kexec: without cpuhp_remove_state the next kernel reuses a registered frame", () => {
  const bad = run({ path: "kexec", removeState: false, vcpus: 2, frames: 5 });
  assert.equal(bad.distinctStates, 748);
  assert.deepEqual(actionsOf(bad, "vp_assist_msr_points_to_own_page"), ["kernel_kexec"]);
  assert.deepEqual(actionsOf(bad, "hv_write_lands_on_own_page"), [
    "kernel_kexec",
    "cpuhp_startup(cpu=0, frame=2)",
    "hv_write(cpu=1)",
  ]);
  const good = run({ path: "kexec", removeState: true, vcpus: 2, frames: 5 });
  assert.equal(good.verdict, "holds");
  assert.equal(good.distinctStates, 748);
  assert.equal(status(good, "kexec_completes").status, "witnessed");
  assert.equal(status(good, "next_kernel_reuses_old_frame").status, "witnessed");
});

Deno.test("hv_vp_assist fires every action across the hibernation and kexec paths", () => {
  const fired = new Set<string>();
  for (const path of ["hibernate", "kexec"]) {
    for (const a of run({ path, vcpus: 2, frames: 5 }).actions) if (a.fired > 0) fired.add(a.name);
  }
  const all = run({}).actions.map((a) => a.name);
  assert.deepEqual(all.filter((a) => !fired.has(a)), []);
});

Deno.test("hv_vp_assist rejects too few frames", () => {
  assert.throws(() => run({ vcpus: 3, frames: 4 }), /frames >= vcpus \+ 2/);
});
