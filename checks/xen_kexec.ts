import { gate } from "../src/check/gate.ts";

/** What every fixed configuration proves: all safety and both liveness properties hold. */
const safeAndLive = {
  kexec_is_safe_gates_unsafe_kexec: "holds",
  kexec_is_safe_only_clears: "holds",
  k2_free_ram_is_private: "holds",
  no_write_into_k2_ram: "holds",
  pirq_delivered_to_k2_binding: "holds",
  p2m_agrees_with_k1_owner: "holds",
  granted_frames_are_kernel_ram: "holds",
  foreign_map_ends_only_by_gntdev_unmap: "holds",
  kexec_reaches_soft_reset: "holds",
  backend_disconnect_completes: "holds",
  deadlock: "holds",
} as const;

/** The paths a kexec with the soft reset and the blkback patch takes, each shown to happen. */
const fixedPaths = {
  backend_disconnects_after_drain: "witnessed",
  k2_reuses_shared_info_frame: "witnessed",
  k2_reuses_vcpu_info_frame: "witnessed",
  k2_rebinds_pirq_k1_bound: "witnessed",
  k2_reuses_frame_freed_at_disconnect: "witnessed",
} as const;

export default [
  gate({
    name: "xen_kexec_no_soft_reset_violated",
    model: "xen_kexec",
    params: { variant: "no_soft_reset", balloon: false },
    expect: {
      ...safeAndLive,
      k2_free_ram_is_private: { violated: 5 },
      no_write_into_k2_ram: { violated: 6 },
      pirq_delivered_to_k2_binding: { violated: 6 },
      kexec_reaches_soft_reset: { violated: 4 },
      ...fixedPaths,
      k2_rebinds_pirq_k1_bound: "not witnessed",
      k2_reuses_frame_freed_at_disconnect: "not witnessed",
      gntdev_map_clears_kexec_is_safe: "not witnessed",
    },
    minStates: 870,
    why: "Without SHUTDOWN_soft_reset, shared_info stays mapped over frame 0, which K2 takes as RAM, and a " +
      "PIRQ K1 bound keeps receiving events (K2 can never bind it): both need only the one shared_info " +
      "frame and one PIRQ; the soft reset never happens, which the liveness property reports as a lasso.",
  }),
  gate({
    name: "xen_kexec_soft_reset_2014_blkback_violated",
    model: "xen_kexec",
    params: { variant: "soft_reset_2014_blkback", balloon: false },
    expect: {
      ...safeAndLive,
      k2_free_ram_is_private: { violated: 8 },
      no_write_into_k2_ram: { violated: 10 },
      ...fixedPaths,
      k2_reuses_frame_freed_at_disconnect: "not witnessed",
      gntdev_map_clears_kexec_is_safe: "not witnessed",
    },
    minStates: 1140,
    why:
      "The soft reset only warns on active grants, and 2014 xen_blkif_disconnect keeps persistent grants " +
      "mapped, so one persistently granted frame reaches K2 while blkback still maps it and later writes it.",
  }),
  gate({
    name: "xen_kexec_soft_reset_patched_blkback_no_balloon_holds",
    model: "xen_kexec",
    params: { variant: "soft_reset_patched_blkback", balloon: false, frames: 4, pirqs: 2, vcpus: 2 },
    expect: { ...safeAndLive, ...fixedPaths, gntdev_map_clears_kexec_is_safe: "not witnessed" },
    minStates: 133_000,
    why: "Soft reset plus the blkback patch is safe and completes for shared_info, vcpu_info, PIRQs and " +
      "grants when nothing is ballooned; frames only meet through the disconnect's in-flight wait and the " +
      "free walk, and four frames hold persistent, in-flight, single-request and idle grants at once, two " +
      "PIRQs and two vCPUs a first and a last element for every teardown loop.",
  }),
  gate({
    name: "xen_kexec_soft_reset_patched_blkback_balloon_violated",
    model: "xen_kexec",
    params: { variant: "soft_reset_patched_blkback", balloon: true },
    expect: {
      ...safeAndLive,
      kexec_is_safe_gates_unsafe_kexec: { violated: 6 },
      k2_free_ram_is_private: { violated: 7 },
      ...fixedPaths,
      gntdev_map_clears_kexec_is_safe: "witnessed",
    },
    minStates: 10_900,
    why: "The same fixes with ballooning on: domain_soft_reset leaves the P2M hole, so K2 takes one " +
      "ballooned-out frame as RAM; the fixes are not enough once the balloon driver has run.",
  }),
  gate({
    name: "xen_kexec_is_safe_atomic_holds",
    model: "xen_kexec",
    params: { variant: "kexec_is_safe_atomic", balloon: true, frames: 4, pirqs: 2, vcpus: 2 },
    expect: { ...safeAndLive, ...fixedPaths, gntdev_map_clears_kexec_is_safe: "witnessed" },
    minStates: 138_000,
    why: "With the kexec_is_safe check atomic with balloon and gntdev operations every kexec that proceeds " +
      "is safe and completes; four frames let a ballooned, a gntdev-mapped, a persistently and a singly " +
      "granted frame coexist, which is every role a frame can have, and two PIRQs and vCPUs give every " +
      "teardown loop a first and a last element.",
  }),
  gate({
    name: "xen_kexec_is_safe_check_then_act_violated",
    model: "xen_kexec",
    params: { variant: "kexec_is_safe_check_then_act", balloon: true },
    expect: {
      ...safeAndLive,
      kexec_is_safe_gates_unsafe_kexec: { violated: 6 },
      k2_free_ram_is_private: { violated: 7 },
      ...fixedPaths,
      gntdev_map_clears_kexec_is_safe: "witnessed",
    },
    minStates: 10_900,
    why:
      "A check that is not atomic with ballooning lets balloon_out slip in right after kernel_kexec passed " +
      "it; one frame and one balloon operation are enough to show the race.",
  }),
  gate({
    name: "xen_kexec_patched_blkback_shutdown_timeout_violated",
    model: "xen_kexec",
    params: { variant: "soft_reset_patched_blkback", balloon: false, shutdown_timeout: true },
    expect: {
      ...safeAndLive,
      k2_free_ram_is_private: { violated: 6 },
      no_write_into_k2_ram: { violated: 7 },
      backend_disconnect_completes: { violated: 4 },
      ...fixedPaths,
      gntdev_map_clears_kexec_is_safe: "not witnessed",
    },
    minStates: 2500,
    why: "The patched variant relies on xenbus_dev_shutdown waiting for blkback to close: if it times out " +
      "(the stuck backend the thread calls rare) one in-flight request completes into a frame K2 reuses, " +
      "and the kexec may end before blkback ever disconnects.",
  }),
  gate({
    name: "xen_kexec_patched_blkback_upstream_handshake_violated",
    model: "xen_kexec",
    params: { variant: "soft_reset_patched_blkback", balloon: false, upstream_handshake: true },
    expect: {
      ...safeAndLive,
      k2_free_ram_is_private: { violated: 6 },
      no_write_into_k2_ram: { violated: 7 },
      backend_disconnect_completes: { violated: 4 },
      ...fixedPaths,
      gntdev_map_clears_kexec_is_safe: "not witnessed",
    },
    minStates: 4400,
    why: "Upstream, blkfront is Closed as soon as blkback switches to Closing and blkback disconnects only " +
      "afterwards, so the timeout's race happens on every kexec: one request in flight at kernel_kexec " +
      "completes into a frame K2 already uses; the thread's patch alone does not close it.",
  }),
  gate({
    name: "xen_kexec_is_safe_atomic_f6_p3_v2_holds",
    model: "xen_kexec",
    params: { variant: "kexec_is_safe_atomic", balloon: true, frames: 6, pirqs: 3, vcpus: 2 },
    expect: { ...safeAndLive, ...fixedPaths, gntdev_map_clears_kexec_is_safe: "witnessed" },
    minStates: 8_800_000,
    why: "The atomic gate at scale (8,830,976 states): six frames, three PIRQs and two vCPUs, well past " +
      "every mix of frame roles, still find no unsafe or stuck kexec.",
    tags: ["slow"],
  }),
];
