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
/** The restoring kernel with one vCPU, from its boot to the jump into the image. */
const restore = (cpu0: number, hypercall: number) => [
  "restore_kernel_boot",
  `cpuhp_startup(cpu=0, frame=${cpu0})`,
  `hyperv_init_hypercall(frame=${hypercall})`,
  "hibernation_restore",
  "syscore_suspend",
  "swsusp_arch_resume",
];
const safety = [
  "vp_assist_msr_points_to_own_page",
  "hypercall_msr_points_to_own_page",
  "hv_pages_owned_and_distinct",
  "hv_pages_taken_from_free_frames",
  "hv_write_lands_on_own_page",
  "cpuhp_boot_cpu_stays_up",
];
const hibernateLiveness = [
  "hibernation_powers_off",
  "thaw_reregisters",
  "restoring_kernel_registers",
  "resume_completes",
  "resume_reregisters",
];

Deno.test("hv_vp_assist pre_421f090c819d: Hyper-V writes into the image kernel's data", () => {
  const r = run({ variant: "pre_421f090c819d", vcpus: 1, frames: 3 });
  assert.equal(r.distinctStates, 77);
  // The thread's run: R's hv_cpu_init(0) registers frame 1, hv_suspend leaves it on, memory becomes the
  // image (frame 1 holds the image kernel's data), hv_resume does not re-register, Hyper-V writes.
  assert.deepEqual(actionsOf(r, "hv_write_lands_on_own_page"), [
    ...imageWritten,
    ...restore(1, 0),
    "hv_write(cpu=0)",
  ]);
  assert.equal(status(r, "vp_assist_msr_points_to_own_page").traceLength, 12);
  assert.equal(status(r, "hypercall_msr_points_to_own_page").status, "holds");
  assert.equal(status(r, "cpuhp_boot_cpu_stays_up").status, "holds");
  // The image kernel's CPU0 then runs with its MSR on the restoring kernel's page, never its own.
  assert.equal(status(r, "resume_reregisters").status, "violated");
  assert.equal(status(r, "resume_completes").status, "holds");
});

Deno.test("hv_vp_assist pre_421f090c819d with a secondary vCPU: cpuhp undoes it, CPU0 stays wrong", () => {
  const r = run({ variant: "pre_421f090c819d", vcpus: 2, frames: 5 });
  assert.equal(r.distinctStates, 2002);
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
  assert.equal(status(r, "resume_reregisters").traceLength, 29);
});

Deno.test("hv_vp_assist with_421f090c819d and with_ee6815416380 hold, liveness included", () => {
  for (const variant of ["with_421f090c819d", "with_ee6815416380"]) {
    const r = run({ variant, vcpus: 2, frames: 5 });
    assert.equal(r.verdict, "holds", variant);
    assert.equal(r.distinctStates, 2002);
    for (const name of [...safety, ...hibernateLiveness]) assert.equal(status(r, name).status, "holds", name);
    // The witnesses: the resume reaches the image kernel, and the restoring kernel's VP assist pages
    // (CPU0's, through syscore; a secondary's, through cpuhp) land on frames holding the image's data.
    assert.deepEqual(actionsOf(r, "image_holds_data_on_restore_cpu0_page").slice(9, 13), [
      "restore_kernel_boot",
      "cpuhp_startup(cpu=0, frame=1)",
      "cpuhp_startup(cpu=1, frame=0)",
      "hyperv_init_hypercall(frame=2)",
    ]);
    assert.equal(status(r, "image_holds_data_on_restore_secondary_page").status, "witnessed");
    assert.equal(status(r, "image_runs_after_restore").traceLength, 20);
  }
  assert.equal(run({ variant: "with_ee6815416380", vcpus: 3, frames: 7 }).distinctStates, 55256);
});

Deno.test("hv_vp_assist regression_e5d9b714fe40: safe, but every thaw and resume leaves the MSR off", () => {
  const r = run({ variant: "regression_e5d9b714fe40", vcpus: 1, frames: 3 });
  for (
    const name of [...safety, "hibernation_powers_off", "restoring_kernel_registers", "resume_completes"]
  ) {
    assert.equal(status(r, name).status, "holds", name);
  }
  // hv_suspend's hv_cpu_die(0) turns CPU0's MSR off; hv_resume's hv_cpu_init(0) finds the page allocated
  // and, with e5d9b714fe40, does not write the MSR. The lasso: the first thaw runs unregistered, the VM
  // powers off, and from there every restore, resume and hibernation repeats it.
  const lasso = [
    ...imageWritten,
    ...restore(0, 1),
    "syscore_resume",
    "resume_complete",
    ...imageWritten,
  ];
  for (const name of ["thaw_reregisters", "resume_reregisters"]) {
    const trace = status(r, name).trace!;
    assert.deepEqual(actionsOf(r, name), lasso, name);
    assert.equal(trace.loop, 6, name);
    // At resume_complete CPU0 runs with its page allocated (frame 0) and its MSR off (3 is off).
    const resumed = trace.states[14]!;
    assert.equal(resumed["phase"], "running");
    assert.deepEqual(resumed["msr"], [3]);
    assert.deepEqual((resumed["mem"] as unknown as { vpa: number[] }[])[0]!.vpa, [0]);
  }
  assert.equal(run({ variant: "regression_e5d9b714fe40", vcpus: 2, frames: 5 }).distinctStates, 2002);
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
  assert.equal(status(bad, "kexec_target_registers").status, "holds");
  const good = run({ path: "kexec", removeState: true, vcpus: 2, frames: 5 });
  assert.equal(good.verdict, "holds");
  assert.equal(good.distinctStates, 748);
  assert.equal(status(good, "kexec_target_registers").status, "holds");
  assert.deepEqual(actionsOf(good, "kexec_target_holds_data_on_old_vp_assist_page"), [
    "kernel_kexec",
    "alloc_data(frame=0)",
  ]);
  assert.equal(run({ path: "kexec", vcpus: 3, frames: 7 }).distinctStates, 20816);
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
