import { mutants } from "./mutant.ts";

const file = "models/xen_kexec.ts";

export default mutants("xen_kexec", [
  {
    name: "soft_reset_keeps_shared_info",
    change: "domain_soft_reset leaves the shared_info page mapped at its GFN instead of a fresh page",
    file,
    find: "          s.sharedInfo = -1; // a fresh page now backs the frame\n",
    replace: "",
  },
  {
    name: "soft_reset_misses_last_vcpu_info",
    change: "the for_each_vcpu walk that unmaps vcpu_info stops one vCPU short",
    file,
    find: "for (let v = 0; v < s.vcpuInfo.length; v++)",
    replace: "for (let v = 0; v < s.vcpuInfo.length - 1; v++)",
  },
  {
    name: "soft_reset_skips_vcpu_info",
    change: "domain_soft_reset resets event channels and PIRQs but never unmaps vcpu_info/runstate",
    file,
    find: "          for (let v = 0; v < s.vcpuInfo.length; v++) s.vcpuInfo.set(v, false);\n",
    replace: "",
  },
  {
    name: "soft_reset_misses_last_pirq",
    change: "the unmap_domain_pirq walk in the soft reset stops at nr_pirqs - 1",
    file,
    find: 'for (let i = 0; i < s.pirq.length; i++) s.pirq.set(i, "unbound");',
    replace: 'for (let i = 0; i < s.pirq.length - 1; i++) s.pirq.set(i, "unbound");',
  },
  {
    name: "soft_reset_skips_pirq_unbind",
    change: "the soft reset resets event channels but leaves the PIRQ mappings (the GSI/MSI patches dropped)",
    file,
    find: '          for (let i = 0; i < s.pirq.length; i++) s.pirq.set(i, "unbound");\n',
    replace: "",
  },
  {
    name: "machine_kexec_before_soft_reset",
    change:
      "xen_hvm_shutdown issues SHUTDOWN_soft_reset after machine_kexec has already jumped (swapped order)",
    file,
    find: 'guard: (s) => s.phase === (f.softReset ? "reset" : "closed"),',
    replace: 'guard: (s) => s.phase === "closed",',
  },
  {
    name: "disconnect_keeps_persistent_grants",
    change: "xen_blkbk_free_caches moves back from xen_blkif_disconnect to xen_blkif_free",
    file,
    find: 'patchedBlkback: variant !== "no_soft_reset" && variant !== "soft_reset_2014_blkback",',
    replace: "patchedBlkback: false,",
  },
  {
    name: "free_persistent_walk_misses_last_frame",
    change: "free_persistent_gnts stops one grant before the end of the persistent tree",
    file,
    find: "for (let i = 1; i <= p.frames; i++) {",
    replace: "for (let i = 1; i < p.frames; i++) {",
  },
  {
    name: "disconnect_ignores_inflight",
    change: "blkback disconnects without waiting for ring->inflight to drain",
    file,
    find: '(p.upstream_handshake ? s.phase !== "closing" : !s.inflight.includes(true))',
    replace: '(p.upstream_handshake ? s.phase !== "closing" : true)',
  },
  {
    name: "complete_leaks_inflight",
    change:
      "an error path of the I/O completion skips the ring->inflight decrement, so disconnect stays -EBUSY",
    file,
    find: '          s.inflight.set(frame, false);\n          if (s.blkback.get(frame) === "mapped")',
    replace: '          if (s.blkback.get(frame) === "mapped")',
  },
  {
    name: "shutdown_skips_closing",
    change: "xenbus_dev_shutdown skips the device (state != Connected) and never sets blkfront Closing",
    file,
    find: '          s.phase = "closing";\n',
    replace: '          s.phase = "closed";\n',
  },
  {
    name: "shutdown_does_not_wait_for_backend",
    change: "xenbus_dev_shutdown returns without waiting for the backend to reach Closed",
    file,
    find: '(s.backend === "closed" || p.shutdown_timeout || p.upstream_handshake)',
    replace: "(true || p.shutdown_timeout || p.upstream_handshake)",
  },
  {
    name: "balloon_out_takes_granted_frame",
    change: "decrease_reservation takes a page blkfront has granted to blkback",
    file,
    find:
      's.holder.get(frame) === "kernel" &&\n          s.blkback.get(frame) === "none" && !s.inflight.get(frame),',
    replace: 's.holder.get(frame) === "kernel",',
  },
  {
    name: "balloon_out_takes_gntdev_page",
    change: "decrease_reservation takes any page not already on the balloon list, a gntdev page included",
    file,
    find: 'unsafeWindow(s.phase) && s.holder.get(frame) === "kernel" &&\n          s.blkback',
    replace: 'unsafeWindow(s.phase) && s.holder.get(frame) !== "balloon" &&\n          s.blkback',
  },
  {
    name: "balloon_in_leaves_page_on_list",
    change:
      "increase_reservation repopulates a page without balloon_retrieve taking it off the ballooned list",
    file,
    find: '          s.p2m.set(frame, "ram");\n          s.holder.set(frame, "kernel");\n',
    replace: '          s.p2m.set(frame, "ram");\n',
  },
  {
    name: "gntdev_alloc_takes_granted_page",
    change: "add_ballooned_pages balloons out a page blkfront still has granted, for gntdev",
    file,
    find: '(!s.holder.includes("balloon") && s.holder.get(frame) === "kernel" &&\n' +
      '              s.blkback.get(frame) === "none" && !s.inflight.get(frame))',
    replace: '(!s.holder.includes("balloon") && s.holder.get(frame) === "kernel")',
  },
  {
    name: "gntdev_unmap_skips_unmap_op",
    change: "gntdev frees its pages back to the balloon list without GNTTABOP_unmap_grant_ref",
    file,
    find:
      '          s.p2m.set(frame, "ballooned");\n          s.holder.set(frame, "balloon");\n        },\n' +
      "      }),\n      // The kexec_is_safe check",
    replace:
      '          s.holder.set(frame, "balloon");\n        },\n      }),\n      // The kexec_is_safe check',
  },
  {
    name: "gntdev_map_keeps_kexec_safe",
    change: "the gntdev map ioctl forgets to clear kexec_is_safe",
    file,
    find: '          s.holder.set(frame, "gntdev");\n          s.kexecSafe = false;\n',
    replace: '          s.holder.set(frame, "gntdev");\n',
  },
  {
    name: "balloon_out_keeps_kexec_safe",
    change: "decrease_reservation forgets to clear kexec_is_safe",
    file,
    find: '          s.holder.set(frame, "balloon");\n          s.kexecSafe = false;\n',
    replace: '          s.holder.set(frame, "balloon");\n',
  },
  {
    name: "kexec_is_safe_check_not_atomic",
    change: "kernel_kexec tests kexec_is_safe without holding balloon_mutex, so ballooning runs on after it",
    file,
    find: 'atomicCheck: variant === "kexec_is_safe_atomic",',
    replace: "atomicCheck: false,",
  },
]);
