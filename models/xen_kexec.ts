/**
 * Xen PVHVM guest kexec with grants: what the old kernel (K1) leaves registered with Xen and with the
 * blkback backend in dom0 when it kexecs into the new kernel (K2), which takes every E820 RAM frame
 * as free memory.
 *
 * Source: the thread "[PATCH RFC 0/4] xen/pvhvm: fix shared_info and pirq issues with kexec" (Vitaly Kuznetsov, David Vrabel, August 2014).
 *
 * K1's registrations:
 * - shared_info, mapped at boot by xen_hvm_init_shared_info (XENMEM_add_to_physmap with
 *   XENMAPSPACE_shared_info) at guest frame 0; Xen writes it (event pending bits, wallclock) while
 *   it is mapped. The per-vCPU vcpu_info and runstate areas follow the same pattern (registered at
 *   boot, dropped only by the soft reset) and are folded into this one registration.
 * - PIRQ bindings (xen_bind_pirq_gsi_to_irq, MSI PIRQs): event channels Xen delivers to.
 * - blkfront grants: a request grants a frame to blkback, which maps it (gnttab_map_refs) either
 *   persistently (add_persistent_gnt: the mapping stays after the request completes) or for the one
 *   request (xen_blkbk_unmap on completion). The shared ring is kept abstract (`backend`).
 * - Ballooned-out frames (decrease_reservation: unpopulated in the P2M) and, the other "unsafe
 *   operation" of the thread, gntdev mapping another domain's grant into a ballooned frame.
 *
 * kernel_kexec: device_shutdown sets blkfront Closing; blkback's xen_blkif_disconnect is busy
 * (-EBUSY, retried) while requests are in flight, else unmaps the ring and, with the patch from the
 * thread, frees the persistent grants (xen_blkbk_free_caches); before the patch only xen_blkif_free
 * does, which kexec never reaches. xenbus_dev_shutdown waits for the backend to close (its 5 s
 * timeout is the `shutdown_timeout` parameter). xen_hvm_shutdown -> SHUTDOWN_soft_reset ->
 * domain_soft_reset: event channels reset (every PIRQ unmapped), active grants only warned about
 * (grant_table_warn_active_grants), vcpu_info/runstate unmapped, the shared_info frame replaced with
 * a fresh page. machine_kexec starts K2.
 *
 * The proposed kexec_is_safe flag (never merged) is cleared by every unsafe operation and makes
 * kernel_kexec fail while clear. It is tracked in every variant, and only gates kernel_kexec in the
 * two `kexec_is_safe_*` variants, which also carry the soft reset and the blkback patch.
 *
 * Action order: as listed below, parameters in lexicographic order.
 *
 * @module
 */

import { arrayOf, bool, boolParam, defineModel, enumOf, enumParam, int, intParam, range } from "../mod.ts";

const variants = [
  "no_soft_reset",
  "soft_reset_2014_blkback",
  "soft_reset_patched_blkback",
  "kexec_is_safe_atomic",
  "kexec_is_safe_check_then_act",
] as const;

/** What each variant's code does. */
function features(variant: (typeof variants)[number]) {
  return {
    // xen_hvm_shutdown issues SHUTDOWN_soft_reset (patches 2-4 of the series, Xen's soft reset).
    softReset: variant !== "no_soft_reset",
    // xen_blkif_disconnect calls xen_blkbk_free_caches (the patch in the thread).
    patchedBlkback: variant !== "no_soft_reset" && variant !== "soft_reset_2014_blkback",
    // kernel_kexec refuses to run while kexec_is_safe is clear.
    gated: variant === "kexec_is_safe_atomic" || variant === "kexec_is_safe_check_then_act",
    // The check is atomic with balloon/grant operations: once kexec has passed it, they are refused.
    // Otherwise the balloon worker and gntdev keep running until machine_shutdown stops the CPUs.
    atomicCheck: variant === "kexec_is_safe_atomic",
  };
}

export default defineModel({
  name: "xen_kexec",
  description: "Xen PVHVM kexec: shared_info, PIRQs, blkback persistent grants and ballooned frames " +
    "left behind for the new kernel; soft reset, the blkback patch and the kexec_is_safe gate.",
  params: {
    variant: enumParam({
      values: variants,
      default: "soft_reset_patched_blkback",
      description: "which kexec path: no soft reset, soft reset with 2014 or patched blkback, or the " +
        "kexec_is_safe gate checked atomically or check-then-act",
    }),
    frames: intParam({
      min: 1,
      max: 8,
      default: 2,
      description: "guest frames K1 may grant or balloon out (the shared_info frame is one more)",
    }),
    pirqs: intParam({ min: 1, max: 4, default: 1, description: "PIRQ bindings" }),
    balloon: boolParam({
      default: true,
      description: "the balloon driver may balloon frames out (and gntdev map foreign grants into them)",
    }),
    shutdown_timeout: boolParam({
      default: false,
      description: "xenbus_dev_shutdown may give up waiting for a busy backend (its 5 s timeout)",
    }),
  },
  state: (p) => ({
    // k1: running; closing: kernel_kexec passed the check, blkfront is Closing; closed:
    // device_shutdown returned; reset: domain_soft_reset done; k2: the new kernel runs.
    phase: enumOf("k1", "closing", "closed", "reset", "k2"),
    // The guest frame Xen's shared_info page is mapped at, or -1.
    sharedInfo: int(-1, p.frames),
    pirq: arrayOf(p.pirqs, enumOf("unbound", "k1", "k2")),
    // The P2M: a frame is RAM, ballooned out (unpopulated), or backed by another domain's page.
    p2m: arrayOf(p.frames + 1, enumOf("ram", "ballooned", "foreign")),
    // blkback's grant mapping of the frame: none, for one request, or persistent.
    blkback: arrayOf(p.frames + 1, enumOf("none", "mapped", "persistent")),
    // A request whose I/O completes into the frame is in flight.
    inflight: arrayOf(p.frames + 1, bool),
    // blkback's connection: K1's ring, closed by xen_blkif_disconnect, or K2's blkfront reconnected.
    backend: enumOf("connected", "closed", "k2_connected"),
    kexecSafe: bool,
    // Requests were in flight when blkfront started closing (for the disconnect witness).
    busyAtClose: bool,
    // Frames K2 has allocated as its own RAM.
    k2Used: arrayOf(p.frames + 1, bool),
  }),
  init: (s) => {
    s.sharedInfo = 0; // xen_hvm_init_shared_info at boot
    s.kexecSafe = true;
  },
  actions: (p, { action }) => {
    const f = features(p.variant);
    const frame = range(p.frames + 1);
    const pirq = range(p.pirqs);
    const k1Phases = ["k1", "closing", "closed"];
    // Where balloon/gntdev operations can still run in K1.
    const unsafeWindow = (phase: string) => phase === "k1" || (!f.atomicCheck && k1Phases.includes(phase));
    return [
      action("bind_pirq", {
        params: { pirq },
        // K2 cannot bind a PIRQ K1 left bound (the GSI/MSI PIRQ issue of the series).
        guard: (s, { pirq }) => (s.phase === "k1" || s.phase === "k2") && s.pirq.get(pirq) === "unbound",
        effect: (s, { pirq }) => s.pirq.set(pirq, s.phase === "k1" ? "k1" : "k2"),
      }),
      action("blk_request", {
        params: { frame, persistent: bool },
        // blkfront grants the frame and blkback maps it; a persistent grant is reused as is.
        guard: (s, { frame, persistent }) =>
          s.phase === "k1" && s.backend === "connected" && frame !== s.sharedInfo &&
          s.p2m.get(frame) === "ram" && !s.inflight.get(frame) &&
          (s.blkback.get(frame) === "none" || (persistent && s.blkback.get(frame) === "persistent")),
        effect: (s, { frame, persistent }) => {
          s.inflight.set(frame, true);
          s.blkback.set(frame, persistent ? "persistent" : "mapped");
        },
      }),
      // Asynchronous: the backend's I/O completes into the granted frame; a non-persistent mapping is
      // unmapped (xen_blkbk_unmap) and the grant ended.
      action("blkback_complete", {
        params: { frame },
        guard: (s, { frame }) => s.inflight.get(frame),
        effect: (s, { frame }) => {
          s.inflight.set(frame, false);
          if (s.blkback.get(frame) === "mapped") s.blkback.set(frame, "none");
        },
      }),
      action("balloon_out", {
        params: { frame },
        guard: (s, { frame }) =>
          p.balloon && unsafeWindow(s.phase) && frame !== s.sharedInfo && s.p2m.get(frame) === "ram" &&
          s.blkback.get(frame) === "none" && !s.inflight.get(frame),
        effect: (s, { frame }) => {
          s.p2m.set(frame, "ballooned");
          s.kexecSafe = false;
        },
      }),
      // Repopulating is harmless, but the flag only clears: kexec stays refused until reboot.
      action("balloon_in", {
        params: { frame },
        guard: (s, { frame }) => p.balloon && unsafeWindow(s.phase) && s.p2m.get(frame) === "ballooned",
        effect: (s, { frame }) => s.p2m.set(frame, "ram"),
      }),
      // gntdev maps another domain's grant into a ballooned frame (GNTTABOP_map_grant_ref).
      action("gntdev_map", {
        params: { frame },
        guard: (s, { frame }) => p.balloon && unsafeWindow(s.phase) && s.p2m.get(frame) === "ballooned",
        effect: (s, { frame }) => {
          s.p2m.set(frame, "foreign");
          s.kexecSafe = false;
        },
      }),
      // The kexec_is_safe check, reboot notifiers, then device_shutdown sets blkfront Closing.
      action("kernel_kexec", {
        guard: (s) => s.phase === "k1" && (!f.gated || s.kexecSafe),
        effect: (s) => {
          s.phase = "closing";
          s.busyAtClose = s.inflight.includes(true);
        },
      }),
      // xen_blkif_disconnect: -EBUSY while requests are in flight.
      action("backend_disconnect", {
        guard: (s) => s.phase !== "k1" && s.backend === "connected" && !s.inflight.includes(true),
        effect: (s) => {
          s.backend = "closed";
          if (f.patchedBlkback) {
            for (let i = 0; i < s.blkback.length; i++) {
              if (s.blkback.get(i) === "persistent") s.blkback.set(i, "none");
            }
          }
        },
      }),
      // xenbus_dev_shutdown returns once the backend is Closed (or, optionally, after its timeout).
      action("blkfront_closed", {
        guard: (s) => s.phase === "closing" && (s.backend === "closed" || p.shutdown_timeout),
        effect: (s) => {
          s.phase = "closed";
        },
      }),
      // xen_hvm_shutdown -> SHUTDOWN_soft_reset -> domain_soft_reset. Grants are only warned about.
      action("soft_reset", {
        guard: (s) => f.softReset && s.phase === "closed",
        effect: (s) => {
          s.phase = "reset";
          s.pirq.fill("unbound");
          s.sharedInfo = -1; // a fresh page now backs the frame
        },
      }),
      action("machine_kexec", {
        guard: (s) => s.phase === (f.softReset ? "reset" : "closed"),
        effect: (s) => {
          s.phase = "k2";
        },
      }),
      // K2 takes any E820 RAM frame as free memory (it knows nothing of K1's P2M or grants).
      action("k2_use", {
        params: { frame },
        guard: (s, { frame }) => s.phase === "k2" && !s.k2Used.get(frame),
        effect: (s, { frame }) => s.k2Used.set(frame, true),
      }),
      // K2's blkfront connects to the same backend.
      action("k2_blkfront_connect", {
        guard: (s) => s.phase === "k2" && s.backend === "closed",
        effect: (s) => {
          s.backend = "k2_connected";
        },
      }),
      // Asynchronous: Xen updates shared_info (and vcpu_info) wherever it is mapped.
      action("xen_write_shared_info", {
        guard: (s) => s.sharedInfo >= 0,
        effect: () => {},
      }),
      // Asynchronous: Xen delivers an event to a bound PIRQ.
      action("xen_deliver_pirq", {
        params: { pirq },
        guard: (s, { pirq }) => s.pirq.get(pirq) !== "unbound",
        effect: () => {},
      }),
      // Asynchronous: a K2 request whose grant reference matches one left in blkback's persistent
      // tree (get_persistent_gnt) is served through K1's mapping, so its data lands in K1's frame.
      action("blkback_persistent_write", {
        params: { frame },
        guard: (s, { frame }) => s.backend === "k2_connected" && s.blkback.get(frame) === "persistent",
        effect: () => {},
      }),
    ];
  },
  properties: (_p, { always, sometimes, transition }) => [
    always("kexec_is_safe_gates_unsafe_kexec", (s) => s.phase !== "k2" || s.kexecSafe, {
      description: "K2 runs only if K1 did no unsafe operation (ballooning, foreign grant map) since boot",
    }),
    transition("kexec_is_safe_only_clears", (before, _a, after) => before.kexecSafe || !after.kexecSafe, {
      description: "once cleared, kexec_is_safe stays clear",
    }),
    always(
      "k2_free_ram_is_private",
      (s) =>
        s.k2Used.every((used, i) =>
          !used ||
          (s.sharedInfo !== i && s.blkback.get(i) === "none" && !s.inflight.get(i) && s.p2m.get(i) === "ram")
        ),
      {
        description: "no frame K2 uses as RAM is mapped by blkback, has I/O in flight, holds shared_info, " +
          "or is unpopulated/foreign in the P2M",
      },
    ),
    transition(
      "no_write_into_k2_ram",
      (before, a) => {
        if (a.name === "xen_write_shared_info") return !before.k2Used.get(before.sharedInfo);
        if (a.name === "blkback_complete" || a.name === "blkback_persistent_write") {
          return !before.k2Used.get(a.params.frame as number);
        }
        return true;
      },
      { description: "neither Xen nor blkback writes a frame K2 uses as RAM" },
    ),
    transition(
      "pirq_delivered_to_k2_binding",
      (before, a) =>
        a.name !== "xen_deliver_pirq" || before.phase !== "k2" ||
        before.pirq.get(a.params.pirq as number) === "k2",
      { description: "once K2 runs, every PIRQ Xen delivers to was bound by K2" },
    ),
    sometimes("soft_reset_completes", (s) => s.phase === "reset"),
    sometimes("k2_reuses_frame", (s) => s.k2Used.includes(true)),
    sometimes("backend_disconnects_after_drain", (s) => s.busyAtClose && s.backend !== "connected"),
  ],
});
