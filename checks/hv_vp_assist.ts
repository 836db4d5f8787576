import { gate } from "../src/check/gate.ts";

/** What every hibernation gate expects unless it says otherwise. */
const hibernateHolds = {
  cpuhp_boot_cpu_stays_up: "holds",
  vp_assist_msr_points_to_own_page: "holds",
  hypercall_msr_points_to_own_page: "holds",
  hv_pages_owned_and_distinct: "holds",
  hv_pages_taken_from_free_frames: "holds",
  hv_write_lands_on_own_page: "holds",
  hibernation_powers_off: "holds",
  thaw_reregisters: "holds",
  restoring_kernel_registers: "holds",
  resume_completes: "holds",
  resume_reregisters: "holds",
  image_runs_after_restore: "witnessed",
  image_holds_data_on_restore_cpu0_page: "witnessed",
  image_holds_data_on_restore_secondary_page: "witnessed",
  deadlock: "holds",
} as const;

const kexecHolds = {
  cpuhp_boot_cpu_stays_up: "holds",
  vp_assist_msr_points_to_own_page: "holds",
  hypercall_msr_points_to_own_page: "holds",
  hv_pages_owned_and_distinct: "holds",
  hv_pages_taken_from_free_frames: "holds",
  hv_write_lands_on_own_page: "holds",
  kexec_target_registers: "holds",
  kexec_completes: "witnessed",
  kexec_target_holds_data_on_old_vp_assist_page: "witnessed",
  deadlock: "holds",
} as const;

/** Why three vCPUs and seven frames are enough for the fixed hibernation variants. */
const hibernateBounds = "three vCPUs (CPU0 on the syscore route, two interchangeable secondaries on the " +
  "cpuhp route) and two frames beyond the image's five let the restoring kernel put each of its pages on " +
  "every kind of image frame (CPU0's page, a secondary's, the hypercall page, data, free), which the " +
  "witnesses show happens for CPU0's page and a secondary's";

export default [
  gate({
    name: "hv_vp_assist_pre_421f090c819d_violated",
    model: "hv_vp_assist",
    params: { variant: "pre_421f090c819d", vcpus: 2, frames: 5 },
    expect: {
      ...hibernateHolds,
      vp_assist_msr_points_to_own_page: { violated: 17 },
      hv_write_lands_on_own_page: { violated: 18 },
      thaw_reregisters: { violated: 29 },
      resume_reregisters: { violated: 29 },
    },
    minStates: 2000,
    why: "Without hv_cpu_die(0) in hv_suspend the restoring kernel leaves CPU0's MSR on its own page, " +
      "which the image kernel holds data in, and Hyper-V's write lands there (the thread's run); the image " +
      "kernel then never has CPU0 registered on its own page again; two vCPUs show that the secondary's " +
      "registration is undone by cpuhp and CPU0's is not.",
  }),
  gate({
    name: "hv_vp_assist_with_421f090c819d_v3_holds",
    model: "hv_vp_assist",
    params: { variant: "with_421f090c819d", vcpus: 3, frames: 7 },
    expect: hibernateHolds,
    minStates: 55000,
    why:
      "421f090c819d makes hv_suspend/hv_resume undo and redo CPU0's registration: no Hyper-V write lands " +
      "on a foreign frame, and with the guest's steps weakly fair (Hyper-V and the host never) every boot, " +
      `thaw and resume ends with every vCPU registered on its own page; ${hibernateBounds}.`,
  }),
  gate({
    name: "hv_vp_assist_regression_e5d9b714fe40_violated",
    model: "hv_vp_assist",
    params: { variant: "regression_e5d9b714fe40", vcpus: 2, frames: 5 },
    expect: {
      ...hibernateHolds,
      thaw_reregisters: { violated: 29 },
      resume_reregisters: { violated: 29 },
    },
    minStates: 2000,
    why:
      "e5d9b714fe40 writes the MSR only for a newly allocated page: every safety property holds (the MSR " +
      "is turned off too often, never left on) but the liveness fails: the lasso hibernates, resumes with " +
      "CPU0's MSR off after hv_resume, and does so on every later hibernation; the restoring kernel's own " +
      "fresh boot still registers, so only the thaw and the resume fail.",
  }),
  gate({
    name: "hv_vp_assist_with_ee6815416380_v3_holds",
    model: "hv_vp_assist",
    params: { variant: "with_ee6815416380", vcpus: 3, frames: 7 },
    expect: hibernateHolds,
    minStates: 55000,
    why: "ee6815416380 writes the MSR again on every hv_cpu_init: safety and every liveness property hold " +
      `again; ${hibernateBounds}.`,
  }),
  gate({
    name: "hv_vp_assist_kexec_without_remove_state_violated",
    model: "hv_vp_assist",
    params: { path: "kexec", removeState: false, vcpus: 2, frames: 5 },
    expect: {
      ...kexecHolds,
      vp_assist_msr_points_to_own_page: { violated: 1 },
      hv_write_lands_on_own_page: { violated: 3 },
    },
    minStates: 740,
    why:
      "stop_other_cpus() runs no cpuhp teardown: without cpuhp_remove_state() in hv_machine_shutdown the " +
      "kexec target reuses a frame whose MSR is still on (kernel_kexec, hv_cpu_init(0) takes it, hv_write).",
  }),
  gate({
    name: "hv_vp_assist_kexec_v3_holds",
    model: "hv_vp_assist",
    params: { path: "kexec", removeState: true, vcpus: 3, frames: 7 },
    expect: kexecHolds,
    minStates: 20800,
    why: "With cpuhp_remove_state() every vCPU's MSR is off before machine_kexec and the target registers " +
      "every vCPU; three vCPUs (so a missed secondary is not CPU0's special case) and every order of the " +
      "target's allocations over seven frames, with the witness that it puts data on an old VP assist page.",
  }),
  gate({
    name: "hv_vp_assist_with_ee6815416380_v4_f9_holds",
    model: "hv_vp_assist",
    params: { variant: "with_ee6815416380", vcpus: 4, frames: 9 },
    expect: hibernateHolds,
    minStates: 1_979_000,
    why:
      "The largest configuration that fits in about 75 s with its liveness pass (1,979,656 states): four vCPUs " +
      "(three interchangeable secondaries) and four spare frames, for confidence that the fixed hibernation " +
      "path has no bad overlap and no unregistered resume that the small sizes miss.",
    tags: ["slow"],
  }),
];
