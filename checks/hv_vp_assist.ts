import { gate } from "../src/check/gate.ts";

/** What every hibernation gate expects unless it says otherwise. */
const hibernateHolds = {
  cpuhp_boot_cpu_stays_up: "holds",
  vp_assist_msr_points_to_own_page: "holds",
  hypercall_msr_points_to_own_page: "holds",
  hv_write_lands_on_own_page: "holds",
  registered_after_thaw: "holds",
  registered_after_resume: "holds",
  resume_completes: "witnessed",
  image_kernel_reuses_restore_frame: "witnessed",
  deadlock: "holds",
} as const;

const kexecHolds = {
  cpuhp_boot_cpu_stays_up: "holds",
  vp_assist_msr_points_to_own_page: "holds",
  hypercall_msr_points_to_own_page: "holds",
  hv_write_lands_on_own_page: "holds",
  registered_after_kexec_boot: "holds",
  kexec_completes: "witnessed",
  next_kernel_reuses_old_frame: "witnessed",
  deadlock: "holds",
} as const;

export default [
  gate({
    name: "hv_vp_assist_pre_421f090c819d_violated",
    model: "hv_vp_assist",
    params: { variant: "pre_421f090c819d", vcpus: 2, frames: 5 },
    expect: {
      ...hibernateHolds,
      vp_assist_msr_points_to_own_page: { violated: 17 },
      hv_write_lands_on_own_page: { violated: 18 },
      registered_after_thaw: { violated: 27 },
      registered_after_resume: { violated: 20 },
    },
    minStates: 1250,
    why: "Without hv_cpu_die(0) in hv_suspend the restoring kernel leaves CPU0's MSR on its own page, " +
      "which the image kernel holds data in, and Hyper-V's write lands there; two vCPUs and one spare frame " +
      "already give the thread's run (R allocates frame 1, swsusp_arch_resume, hv_write(cpu=0)).",
  }),
  gate({
    name: "hv_vp_assist_with_421f090c819d_v3",
    model: "hv_vp_assist",
    params: { variant: "with_421f090c819d", vcpus: 3, frames: 7 },
    expect: hibernateHolds,
    minStates: 24000,
    why: "421f090c819d makes hv_suspend/hv_resume undo and redo CPU0's registration; three vCPUs (two " +
      "interchangeable secondaries) and two spare frames cover every overlap of the two kernels' pages, and " +
      "the witnesses show the resume completes and the image kernel reuses the restoring kernel's frames.",
  }),
  gate({
    name: "hv_vp_assist_regression_e5d9b714fe40_liveness_violated",
    model: "hv_vp_assist",
    params: { variant: "regression_e5d9b714fe40", vcpus: 2, frames: 5 },
    expect: {
      ...hibernateHolds,
      registered_after_thaw: { violated: 7 },
      registered_after_resume: { violated: 20 },
    },
    minStates: 780,
    why:
      "e5d9b714fe40 writes the MSR only for a newly allocated page: no write ever lands on a foreign frame " +
      "(safety holds) but after the thaw and after the resume the image kernel's pages stay unregistered " +
      "(liveness, checked where the bring-up completes); two vCPUs show both CPU0 (hv_resume) and a secondary.",
  }),
  gate({
    name: "hv_vp_assist_with_ee6815416380_v3",
    model: "hv_vp_assist",
    params: { variant: "with_ee6815416380", vcpus: 3, frames: 7 },
    expect: hibernateHolds,
    minStates: 24000,
    why:
      "ee6815416380 writes the MSR again on every hv_cpu_init: safety and the resume liveness both hold at " +
      "the size of the 421f090c819d gate, whose behaviour it restores.",
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
    minStates: 730,
    why:
      "stop_other_cpus() runs no cpuhp teardown: without cpuhp_remove_state() in hv_machine_shutdown the " +
      "kexec target reuses a frame whose MSR is still on (kernel_kexec, hv_cpu_init(0) takes it, hv_write).",
  }),
  gate({
    name: "hv_vp_assist_kexec_v3",
    model: "hv_vp_assist",
    params: { path: "kexec", removeState: true, vcpus: 3, frames: 7 },
    expect: kexecHolds,
    minStates: 20500,
    why: "With cpuhp_remove_state() every vCPU's MSR is off before machine_kexec; three vCPUs and every " +
      "order of the target's allocations, with the witness that it reuses the old kernel's frames.",
  }),
  gate({
    name: "hv_vp_assist_with_ee6815416380_v4_f10",
    model: "hv_vp_assist",
    params: { variant: "with_ee6815416380", vcpus: 4, frames: 10 },
    expect: hibernateHolds,
    minStates: 5_100_000,
    why:
      "The largest configuration (5,120,016 states): four vCPUs and five spare frames, for confidence that " +
      "the fixed hibernation path has no bad overlap that the small sizes miss.",
    tags: ["slow"],
  }),
];
