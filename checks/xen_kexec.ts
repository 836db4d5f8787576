import { gate } from "../src/check/gate.ts";

export default [
  gate({
    name: "xen_kexec_no_soft_reset_violated",
    model: "xen_kexec",
    params: { variant: "no_soft_reset", balloon: false },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: "holds",
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: { violated: 5 },
      no_write_into_k2_ram: { violated: 6 },
      pirq_delivered_to_k2_binding: { violated: 6 },
      soft_reset_completes: "not witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 480,
    why: "Without SHUTDOWN_soft_reset, shared_info stays mapped over frame 0, which K2 takes as RAM, and a " +
      "PIRQ K1 bound keeps receiving events: both need only the one shared_info frame and one PIRQ.",
  }),
  gate({
    name: "xen_kexec_soft_reset_2014_blkback_violated",
    model: "xen_kexec",
    params: { variant: "soft_reset_2014_blkback", balloon: false },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: "holds",
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: { violated: 8 },
      no_write_into_k2_ram: { violated: 10 },
      pirq_delivered_to_k2_binding: "holds",
      soft_reset_completes: "witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 360,
    why:
      "The soft reset only warns on active grants, and 2014 xen_blkif_disconnect keeps persistent grants " +
      "mapped, so one persistently granted frame reaches K2 while blkback still maps it and later writes it.",
  }),
  gate({
    name: "xen_kexec_soft_reset_patched_blkback_no_balloon_holds",
    model: "xen_kexec",
    params: { variant: "soft_reset_patched_blkback", balloon: false, frames: 4, pirqs: 2 },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: "holds",
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: "holds",
      no_write_into_k2_ram: "holds",
      pirq_delivered_to_k2_binding: "holds",
      soft_reset_completes: "witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 2600,
    why: "Soft reset plus the blkback patch is safe for shared_info, PIRQs and grants when nothing is " +
      "ballooned; frames only meet through the disconnect's in-flight wait, and four frames hold persistent, " +
      "single-request and idle grants at once, two PIRQs a K1 and a K2 binding.",
  }),
  gate({
    name: "xen_kexec_soft_reset_patched_blkback_balloon_violated",
    model: "xen_kexec",
    params: { variant: "soft_reset_patched_blkback", balloon: true },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: { violated: 6 },
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: { violated: 7 },
      no_write_into_k2_ram: "holds",
      pirq_delivered_to_k2_binding: "holds",
      soft_reset_completes: "witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 980,
    why: "The same fixes with ballooning on: domain_soft_reset leaves the P2M hole, so K2 takes one " +
      "ballooned-out frame as RAM; the fixes are not enough once the balloon driver has run.",
  }),
  gate({
    name: "xen_kexec_is_safe_atomic_holds",
    model: "xen_kexec",
    params: { variant: "kexec_is_safe_atomic", balloon: true, frames: 4, pirqs: 2 },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: "holds",
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: "holds",
      no_write_into_k2_ram: "holds",
      pirq_delivered_to_k2_binding: "holds",
      soft_reset_completes: "witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 7800,
    why: "With the kexec_is_safe check atomic with balloon and gntdev operations every kexec that proceeds " +
      "is safe; four frames let a ballooned, a foreign-mapped, a persistently and a singly granted frame " +
      "coexist, which is every role a frame can have.",
  }),
  gate({
    name: "xen_kexec_is_safe_check_then_act_violated",
    model: "xen_kexec",
    params: { variant: "kexec_is_safe_check_then_act", balloon: true },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: { violated: 6 },
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: { violated: 7 },
      no_write_into_k2_ram: "holds",
      pirq_delivered_to_k2_binding: "holds",
      soft_reset_completes: "witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 960,
    why:
      "A check that is not atomic with ballooning lets balloon_out slip in right after kernel_kexec passed " +
      "it; one frame and one balloon operation are enough to show the race.",
  }),
  gate({
    name: "xen_kexec_patched_blkback_shutdown_timeout_violated",
    model: "xen_kexec",
    params: { variant: "soft_reset_patched_blkback", balloon: false, shutdown_timeout: true },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: "holds",
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: { violated: 6 },
      no_write_into_k2_ram: { violated: 7 },
      pirq_delivered_to_k2_binding: "holds",
      soft_reset_completes: "witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 520,
    why: "The patched variant relies on xenbus_dev_shutdown waiting for blkback to close: if it times out " +
      "(the stuck backend the thread calls rare) one in-flight request completes into a frame K2 reuses.",
  }),
  gate({
    name: "xen_kexec_is_safe_atomic_f7_p3",
    model: "xen_kexec",
    params: { variant: "kexec_is_safe_atomic", balloon: true, frames: 7, pirqs: 3 },
    expect: {
      kexec_is_safe_gates_unsafe_kexec: "holds",
      kexec_is_safe_only_clears: "holds",
      k2_free_ram_is_private: "holds",
      no_write_into_k2_ram: "holds",
      pirq_delivered_to_k2_binding: "holds",
      soft_reset_completes: "witnessed",
      k2_reuses_frame: "witnessed",
      backend_disconnects_after_drain: "witnessed",
      deadlock: "holds",
    },
    minStates: 2_500_000,
    why:
      "The atomic gate at scale (2,510,882 states): seven frames and three PIRQs, well past every mix of " +
      "frame roles, still find no unsafe kexec.",
    tags: ["slow"],
  }),
];
