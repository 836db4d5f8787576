/**
 * Xen PVHVM guest kexec with grants: what the old kernel (K1) leaves registered with Xen and with the
 * blkback backend in dom0 when it kexecs into the new kernel (K2), which takes every E820 RAM frame
 * as free memory.
 *
 * Source: the thread "[PATCH RFC 0/4] xen/pvhvm: fix shared_info and pirq issues with kexec" (Vitaly
 * Kuznetsov, David Vrabel, August 2014); models/xen_kexec.md cites the functions.
 *
 * Frames: 0 is the shared_info GFN; 1..frames are K1 RAM that blkfront may grant and the balloon driver
 * or gntdev may take; frames+1..frames+vcpus are K1's per-cpu pages holding each vCPU's vcpu_info.
 *
 * K1's registrations:
 * - shared_info, mapped at boot by xen_hvm_init_shared_info (XENMAPSPACE_shared_info) at frame 0, and
 *   each vCPU's vcpu_info (xen_vcpu_setup: VCPUOP_register_vcpu_info into its per-cpu page; runstate
 *   has the same lifetime and is folded in). Xen writes them while they are registered.
 * - PIRQ bindings (xen_bind_pirq_gsi_to_irq, MSI PIRQs): event channels Xen delivers to.
 * - blkfront grants: a request grants a frame to blkback, which maps it (gnttab_map_refs) either
 *   persistently (add_persistent_gnt: the mapping stays after the request completes) or for the one
 *   request (xen_blkbk_unmap on completion). The shared ring is kept abstract (`backend`).
 * - Ballooned-out frames: decrease_reservation takes a free RAM page, unpopulates it in the P2M and puts
 *   it on the balloon list; gntdev gets its pages from that list (gnttab_alloc_pages ->
 *   xen_alloc_ballooned_pages) and maps another domain's grant there, so a foreign map only ever sits
 *   in a frame gntdev holds, never in one the kernel or the balloon list still has.
 *
 * kernel_kexec: device_shutdown -> xenbus_dev_shutdown sets blkfront Closing and, as the thread assumes,
 * waits for the backend to close (`upstream_handshake` has upstream's order, which does not wait);
 * blkback's xen_blkif_disconnect is busy (-EBUSY) while requests are in flight, else unmaps the ring
 * and, with the patch from the thread, frees the persistent grants (xen_blkbk_free_caches); before the
 * patch only xen_blkif_free does, which kexec never reaches. xen_hvm_shutdown -> SHUTDOWN_soft_reset ->
 * domain_soft_reset: event channels reset (every PIRQ unmapped), active grants only warned about
 * (grant_table_warn_active_grants), every vCPU's vcpu_info unmapped, the shared_info frame replaced by a
 * fresh page. machine_kexec starts K2.
 *
 * The proposed kexec_is_safe flag (never merged) is cleared by every unsafe operation and makes
 * kernel_kexec fail while clear. It is tracked in every variant, and only gates kernel_kexec in the
 * two `kexec_is_safe_*` variants, which also carry the soft reset and the blkback patch.
 *
 * Fairness: the guest kernel's kexec path and the backend domain's blkback (I/O completion, disconnect)
 * are weakly fair; the user's workload (requests, ballooning, gntdev, kexec itself, K2's own work) is
 * not; Xen's writes and deliveries and blkback serving K2 through a stale mapping are background.
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
  description: "Xen PVHVM kexec: shared_info, vcpu_info, PIRQs, blkback persistent grants, ballooned and " +
    "gntdev frames left behind for the new kernel; soft reset, the blkback patch and the kexec_is_safe gate.",
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
      description: "K1 RAM frames blkfront may grant or the balloon driver and gntdev may take " +
        "(the shared_info frame and the per-cpu vcpu_info frames come on top)",
    }),
    pirqs: intParam({ min: 1, max: 4, default: 1, description: "PIRQ bindings" }),
    vcpus: intParam({ min: 1, max: 4, default: 1, description: "vCPUs, each with its vcpu_info" }),
    balloon: boolParam({
      default: true,
      description: "the balloon driver may balloon frames out (and gntdev map foreign grants into them)",
    }),
    shutdown_timeout: boolParam({
      default: false,
      description: "xenbus_dev_shutdown may give up waiting for a busy backend (its 5 s timeout)",
    }),
    upstream_handshake: boolParam({
      default: false,
      description: "xenbus as upstream has it: blkfront is Closed as soon as blkback switches to Closing, " +
        "and blkback runs xen_blkif_disconnect only then, ignoring its -EBUSY",
    }),
  },
  state: (p) => ({
    // k1: running; closing: kernel_kexec passed the check, blkfront is Closing; closed:
    // device_shutdown returned; reset: domain_soft_reset done; k2: the new kernel runs.
    phase: enumOf("k1", "closing", "closed", "reset", "k2"),
    // The guest frame Xen's shared_info page is mapped at, or -1.
    sharedInfo: int(-1, 0),
    // Whether Xen still has vCPU v's vcpu_info registered in K1's per-cpu frame.
    vcpuInfo: arrayOf(p.vcpus, bool),
    pirq: arrayOf(p.pirqs, enumOf("unbound", "k1", "k2")),
    // K1 bound the PIRQ (for the witness that K2 binds it again after the soft reset).
    k1Bound: arrayOf(p.pirqs, bool),
    // The P2M: a frame is RAM, ballooned out (unpopulated), or backed by another domain's page.
    p2m: arrayOf(1 + p.frames + p.vcpus, enumOf("ram", "ballooned", "foreign")),
    // Which of K1's owners holds the page: the kernel (its allocator and users), the balloon list, gntdev.
    holder: arrayOf(1 + p.frames + p.vcpus, enumOf("kernel", "balloon", "gntdev")),
    // blkback's grant mapping of the frame: none, for one request, or persistent.
    blkback: arrayOf(1 + p.frames + p.vcpus, enumOf("none", "mapped", "persistent")),
    // A request whose I/O completes into the frame is in flight.
    inflight: arrayOf(1 + p.frames + p.vcpus, bool),
    // xen_blkif_disconnect freed a persistent grant of the frame (for the witness that K2 reuses it).
    freedAtDisconnect: arrayOf(1 + p.frames + p.vcpus, bool),
    // blkback's connection: K1's ring, closed by xen_blkif_disconnect, or K2's blkfront reconnected.
    backend: enumOf("connected", "closed", "k2_connected"),
    kexecSafe: bool,
    // Requests were in flight when blkfront started closing (for the disconnect witness).
    busyAtClose: bool,
    softResetDone: bool,
    // Frames K2 has allocated as its own RAM.
    k2Used: arrayOf(1 + p.frames + p.vcpus, bool),
  }),
  init: (s) => {
    s.sharedInfo = 0; // xen_hvm_init_shared_info at boot
    s.vcpuInfo.fill(true); // xen_vcpu_setup on every vCPU at boot
    s.kexecSafe = true;
  },
  actions: (p, { action }) => {
    const f = features(p.variant);
    const frame = range(1 + p.frames + p.vcpus);
    const ramFrame = int(1, p.frames);
    const vcpu = range(p.vcpus);
    const pirq = range(p.pirqs);
    const k1Phases = ["k1", "closing", "closed"];
    // Where balloon/gntdev operations can still run in K1.
    const unsafeWindow = (phase: string) => phase === "k1" || (!f.atomicCheck && k1Phases.includes(phase));
    return [
      action("bind_pirq", {
        params: { pirq },
        // K2 cannot bind a PIRQ K1 left bound (the GSI/MSI PIRQ issue of the series).
        guard: (s, { pirq }) => (s.phase === "k1" || s.phase === "k2") && s.pirq.get(pirq) === "unbound",
        effect: (s, { pirq }) => {
          s.pirq.set(pirq, s.phase === "k1" ? "k1" : "k2");
          if (s.phase === "k1") s.k1Bound.set(pirq, true);
        },
      }),
      action("blk_request", {
        params: { frame: ramFrame, persistent: bool },
        // blkfront grants one of its kernel pages and blkback maps it; a persistent grant is reused.
        guard: (s, { frame, persistent }) =>
          s.phase === "k1" && s.backend === "connected" && s.holder.get(frame) === "kernel" &&
          !s.inflight.get(frame) &&
          (s.blkback.get(frame) === "none" || (persistent && s.blkback.get(frame) === "persistent")),
        effect: (s, { frame, persistent }) => {
          s.inflight.set(frame, true);
          s.blkback.set(frame, persistent ? "persistent" : "mapped");
        },
      }),
      // The backend's I/O completes into the granted frame; a non-persistent mapping is unmapped
      // (xen_blkbk_unmap) and the grant ended.
      action("blkback_complete", {
        fair: "weak",
        params: { frame },
        guard: (s, { frame }) => s.inflight.get(frame),
        effect: (s, { frame }) => {
          s.inflight.set(frame, false);
          if (s.blkback.get(frame) === "mapped") s.blkback.set(frame, "none");
        },
      }),
      // decrease_reservation: a free kernel page (not granted, nothing in flight) goes to the balloon list.
      action("balloon_out", {
        params: { frame: ramFrame },
        guard: (s, { frame }) =>
          p.balloon && unsafeWindow(s.phase) && s.holder.get(frame) === "kernel" &&
          s.blkback.get(frame) === "none" && !s.inflight.get(frame),
        effect: (s, { frame }) => {
          s.p2m.set(frame, "ballooned");
          s.holder.set(frame, "balloon");
          s.kexecSafe = false;
        },
      }),
      // increase_reservation repopulates a page from the balloon list; the flag only clears, so kexec
      // stays refused until reboot.
      action("balloon_in", {
        params: { frame: ramFrame },
        guard: (s, { frame }) => p.balloon && unsafeWindow(s.phase) && s.holder.get(frame) === "balloon",
        effect: (s, { frame }) => {
          s.p2m.set(frame, "ram");
          s.holder.set(frame, "kernel");
        },
      }),
      // gntdev maps another domain's grant (GNTTABOP_map_grant_ref) into a page gnttab_alloc_pages took
      // off the balloon list, or, when the list is empty, one add_ballooned_pages ballooned out for it.
      action("gntdev_map", {
        params: { frame: ramFrame },
        guard: (s, { frame }) =>
          p.balloon && unsafeWindow(s.phase) &&
          (s.holder.get(frame) === "balloon" ||
            (!s.holder.includes("balloon") && s.holder.get(frame) === "kernel" &&
              s.blkback.get(frame) === "none" && !s.inflight.get(frame))),
        effect: (s, { frame }) => {
          s.p2m.set(frame, "foreign");
          s.holder.set(frame, "gntdev");
          s.kexecSafe = false;
        },
      }),
      // GNTTABOP_unmap_grant_ref, then gnttab_free_pages puts the page back on the balloon list.
      action("gntdev_unmap", {
        params: { frame: ramFrame },
        guard: (s, { frame }) => p.balloon && unsafeWindow(s.phase) && s.holder.get(frame) === "gntdev",
        effect: (s, { frame }) => {
          s.p2m.set(frame, "ballooned");
          s.holder.set(frame, "balloon");
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
      // xen_blkif_disconnect: -EBUSY while requests are in flight. The thread assumes blkback retries
      // until it succeeds, before blkfront is Closed; upstream's frontend_changed runs it once, on
      // blkfront's Closed, and switches to Closed even when it was busy, with the ring and grants kept.
      action("backend_disconnect", {
        fair: "weak",
        guard: (s) =>
          s.phase !== "k1" && s.backend === "connected" &&
          (p.upstream_handshake ? s.phase !== "closing" : !s.inflight.includes(true)),
        effect: (s) => {
          s.backend = "closed";
          if (f.patchedBlkback && !s.inflight.includes(true)) {
            // xen_blkbk_free_caches -> free_persistent_gnts walks the whole persistent tree.
            for (let i = 1; i <= p.frames; i++) {
              if (s.blkback.get(i) === "persistent") {
                s.blkback.set(i, "none");
                s.freedAtDisconnect.set(i, true);
              }
            }
          }
        },
      }),
      // xenbus_dev_shutdown returns once blkfront is Closed (dev->down). As the thread assumes, that is
      // after blkback closed (or after the 5 s timeout); upstream, xenbus_otherend_changed drives
      // blkfront to Closed (xenbus_frontend_closed) as soon as blkback reaches Closing, which blkback's
      // frontend_changed switches to at once.
      action("blkfront_closed", {
        fair: "weak",
        guard: (s) =>
          s.phase === "closing" && (s.backend === "closed" || p.shutdown_timeout || p.upstream_handshake),
        effect: (s) => {
          s.phase = "closed";
        },
      }),
      // xen_hvm_shutdown -> SHUTDOWN_soft_reset -> domain_soft_reset, as one step of the guest's
      // hypercall (the toolstack is assumed to carry out the reset it is asked for). Grants are only
      // warned about; foreign maps and P2M holes stay.
      action("soft_reset", {
        fair: "weak",
        guard: (s) => f.softReset && s.phase === "closed",
        effect: (s) => {
          s.phase = "reset";
          s.softResetDone = true;
          // evtchn_reset, then every PIRQ unmapped (unmap_domain_pirq for each pirq < d->nr_pirqs).
          for (let i = 0; i < s.pirq.length; i++) s.pirq.set(i, "unbound");
          // for_each_vcpu: unmap_vcpu_info (and the runstate area).
          for (let v = 0; v < s.vcpuInfo.length; v++) s.vcpuInfo.set(v, false);
          s.sharedInfo = -1; // a fresh page now backs the frame
        },
      }),
      action("machine_kexec", {
        fair: "weak",
        guard: (s) => s.phase === (f.softReset ? "reset" : "closed"),
        effect: (s) => {
          s.phase = "k2";
        },
      }),
      // K2 takes any E820 RAM frame as free memory (it knows nothing of K1's P2M, lists or grants).
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
      // Xen updates shared_info wherever it is mapped.
      action("xen_write_shared_info", {
        background: true,
        guard: (s) => s.sharedInfo >= 0,
        effect: () => {},
      }),
      // Xen updates a vCPU's vcpu_info (and runstate) in K1's per-cpu frame while it is registered.
      action("xen_write_vcpu_info", {
        background: true,
        params: { vcpu },
        guard: (s, { vcpu }) => s.vcpuInfo.get(vcpu),
        effect: () => {},
      }),
      // Xen delivers an event to a bound PIRQ.
      action("xen_deliver_pirq", {
        background: true,
        params: { pirq },
        guard: (s, { pirq }) => s.pirq.get(pirq) !== "unbound",
        effect: () => {},
      }),
      // A K2 request whose grant reference matches one left in blkback's persistent tree
      // (get_persistent_gnt) is served through K1's mapping, so its data lands in K1's frame.
      action("blkback_persistent_write", {
        background: true,
        params: { frame },
        guard: (s, { frame }) => s.backend === "k2_connected" && s.blkback.get(frame) === "persistent",
        effect: () => {},
      }),
    ];
  },
  // K2 may run forever doing nothing the model tracks.
  terminal: (s) => s.phase === "k2",
  properties: (p, { always, sometimes, transition, leadsTo }) => {
    const vcpuFrame = (v: number) => 1 + p.frames + v;
    return [
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
            (s.sharedInfo !== i && s.blkback.get(i) === "none" && !s.inflight.get(i) &&
              s.p2m.get(i) === "ram" && s.vcpuInfo.every((on, v) => !on || vcpuFrame(v) !== i))
          ),
        {
          description: "no frame K2 uses as RAM is mapped by blkback, has I/O in flight, holds shared_info " +
            "or a registered vcpu_info, or is unpopulated/foreign in the P2M",
        },
      ),
      transition(
        "no_write_into_k2_ram",
        (before, a) => {
          if (a.name === "xen_write_shared_info") return !before.k2Used.get(before.sharedInfo);
          if (a.name === "xen_write_vcpu_info") return !before.k2Used.get(vcpuFrame(a.params.vcpu as number));
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
      always(
        "p2m_agrees_with_k1_owner",
        (s) =>
          s.holder.every((h, i) =>
            s.p2m.get(i) === (h === "kernel" ? "ram" : h === "balloon" ? "ballooned" : "foreign")
          ),
        {
          description: "a kernel page is populated RAM, a page on the balloon list a P2M hole, and a " +
            "foreign map sits only in a page gntdev holds",
        },
      ),
      always(
        "granted_frames_are_kernel_ram",
        (s) =>
          s.blkback.every((m, i) => (m === "none" && !s.inflight.get(i)) || s.holder.get(i) === "kernel"),
        { description: "a frame blkback maps or has I/O in flight to is never ballooned out or gntdev's" },
      ),
      transition(
        "foreign_map_ends_only_by_gntdev_unmap",
        (before, a, after) =>
          before.p2m.every((m, i) =>
            m !== "foreign" || after.p2m.get(i) === "foreign" ||
            (a.name === "gntdev_unmap" && a.params.frame === i)
          ),
        { description: "nothing but gntdev's own unmap takes a frame away from a live foreign map" },
      ),
      leadsTo("kexec_reaches_soft_reset", (s) => s.phase === "closing", (s) => s.softResetDone, {
        description: "once kernel_kexec has begun, the soft reset is eventually done (the kexec path " +
          "and blkback are weakly fair, Xen and the workload are not)",
      }),
      leadsTo(
        "backend_disconnect_completes",
        (s) => s.phase === "closing",
        (s) => s.backend !== "connected",
        {
          description:
            "once blkfront is Closing, blkback eventually disconnects, after draining in-flight I/O",
        },
      ),
      sometimes("backend_disconnects_after_drain", (s) => s.busyAtClose && s.backend !== "connected"),
      sometimes("k2_reuses_shared_info_frame", (s) => s.k2Used.get(0)),
      sometimes("k2_reuses_vcpu_info_frame", (s) => s.k2Used.get(vcpuFrame(p.vcpus - 1))),
      sometimes(
        "k2_rebinds_pirq_k1_bound",
        (s) => s.pirq.get(p.pirqs - 1) === "k2" && s.k1Bound.get(p.pirqs - 1),
      ),
      sometimes(
        "k2_reuses_frame_freed_at_disconnect",
        (s) => s.k2Used.some((u, i) => u && s.freedAtDisconnect.get(i)),
      ),
      sometimes(
        "gntdev_map_clears_kexec_is_safe",
        (s) => s.phase === "k1" && s.p2m.includes("foreign") && !s.kexecSafe,
      ),
    ];
  },
});
