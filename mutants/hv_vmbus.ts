import { mutants } from "./mutant.ts";

const file = "models/hv_vmbus.ts";

export default mutants("hv_vmbus", [
  {
    name: "relid_fixup_skips_last_primary",
    change: "vmbus_onoffer fixes up the relid of a matched primary except the last one on chn_list",
    file,
    find: `if (p.variant !== "no_relid_fixup") s.relid.set(dev, r);`,
    replace: `if (p.variant !== "no_relid_fixup" && dev !== primaries - 1) s.relid.set(dev, r);`,
  },
  {
    name: "resume_never_recreates_subchannels",
    change: "drv->resume reopens the primary channel but never asks the host for its sub-channels again",
    file,
    find: `for (const sub of layout.subs(dev)) {
            const r = freeRelid(s);`,
    replace: `for (const sub of [] as number[]) {
            const r = freeRelid(s);`,
  },
  {
    name: "bus_suspend_waits_for_hvsock_close",
    change: "vmbus_bus_suspend counts a force-rescinded hv_sock channel until user space closes the socket",
    file,
    find: `(hvsock < 0 || s.guest.get(hvsock) === "none" || s.guest.get(hvsock) === "rescinded"))),`,
    replace: `(hvsock < 0 || s.guest.get(hvsock) === "none"))),`,
  },
  {
    name: "bus_suspend_skips_hvsock_force_rescind",
    change:
      "vmbus_bus_suspend's chn_list walk misses the hv_sock channels (no vmbus_force_channel_rescinded)",
    file,
    find: `if (waits && hvsock >= 0 && s.guest.get(hvsock) === "open") s.guest.set(hvsock, "rescinded");`,
    replace:
      `if (waits && hvsock >= 0 && s.guest.get(hvsock) === "open" && false) s.guest.set(hvsock, "rescinded");`,
  },
  {
    name: "rescind_leaves_channel_on_list",
    change:
      "vmbus_onoffer_rescind frees the relid but never calls hv_process_channel_removal (channel stays on sc_list)",
    file,
    find: `if (s.ignoreOffers && p.variant !== "no_cleanup_wait") return;
          s.guest.set(chan, "none");`,
    replace: `if (s.ignoreOffers && p.variant !== "no_cleanup_wait") return;`,
  },
  {
    name: "device_resume_skips_ready_for_resume_wait",
    change:
      "vmbus_bus_resume returns without waiting for ready_for_resume_event, so devices resume before their offer",
    file,
    find: `s.connected && !s.ignoreOffers && (s.timedOut || !s.fixup.includes(true))`,
    replace: `s.connected && !s.ignoreOffers`,
  },
  {
    name: "bus_suspend_before_children",
    change:
      "vmbus_bus_suspend sets ignore_any_offer_msg before the devices' suspend has closed their sub-channels",
    file,
    find: `suspending(s.phase) && s.cursor === primaries && s.connected && !s.ignoreOffers &&`,
    replace: `suspending(s.phase) && s.connected && !s.ignoreOffers &&`,
  },
  {
    name: "fixup_count_walk_off_by_one",
    change: "vmbus_bus_suspend's walk that counts nr_chan_fixup_on_resume starts at the second primary",
    file,
    find: `for (let d = 0; d < primaries; d++) s.fixup.set(d, s.guest.get(d) !== "none");
          for (let c = 0; c < channels; c++) {`,
    replace: `for (let d = 1; d < primaries; d++) s.fixup.set(d, s.guest.get(d) !== "none");
          for (let c = 0; c < channels; c++) {`,
  },
  {
    name: "unload_walk_misses_last_channel",
    change:
      "vmbus_bus_suspend unmaps and invalidates every channel's relid but the last on the list before the unload",
    file,
    find: `for (let c = 0; c < channels; c++) {
            s.host.set(c, "none");`,
    replace: `for (let c = 0; c < channels - 1; c++) {
            s.host.set(c, "none");`,
  },
  {
    name: "poweroff_skips_device_suspend",
    change: "the driver's dev_pm_ops has no poweroff_noirq: PMSG_HIBERNATE leaves its channels open",
    file,
    find: `if (dev === uio || s.guest.get(dev) !== "open") return;`,
    replace: `if (dev === uio || s.guest.get(dev) !== "open" || s.phase === "poweroff") return;`,
  },
  {
    name: "suspend_leaves_primary_open",
    change: "drv->suspend closes the sub-channels but not the primary channel",
    file,
    find: `s.guest.set(dev, "closed");
          s.host.set(dev, "offered");`,
    replace: `s.host.set(dev, "open");`,
  },
  {
    name: "resume_hangs_on_broken_device",
    change: "vmbus_resume waits on a device whose primary no offer matched instead of failing it",
    file,
    find: `s.cursor === dev && layout.subs(dev).every((c) => s.host.get(c) === "none"),`,
    replace:
      `s.cursor === dev && s.fixup.get(dev) === false && layout.subs(dev).every((c) => s.host.get(c) === "none"),`,
  },
  {
    name: "restore_wait_without_timeout",
    change: "vmbus_bus_resume uses wait_for_completion without a timeout on PMSG_RESTORE (thaw keeps it)",
    file,
    find: `p.variant !== "unbounded_resume_wait" && resuming(s.phase) && s.connected && !s.ignoreOffers &&`,
    replace:
      `p.variant !== "unbounded_resume_wait" && s.phase === "thaw" && s.connected && !s.ignoreOffers &&`,
  },
  {
    name: "recover_skips_subchannels",
    change: "PMSG_RECOVER's drv->resume reopens the primary without re-creating its sub-channels",
    file,
    find: `if (s.ignoreOffers) return;`,
    replace: `if (s.ignoreOffers || s.phase === "recover") return;`,
  },
  {
    name: "offer_matched_by_class_guid_only",
    change: "find_primary_channel_by_offer compares the class GUID but not the instance GUID",
    file,
    find: `} else if (s.fixup.get(dev) && s.guidSame.get(dev)) {`,
    replace: `} else if (s.fixup.get(dev)) {`,
  },
  {
    name: "thaw_skips_last_device",
    change: "the dpm resume walk stops one device short: the last VMBus device's vmbus_resume never runs",
    file,
    find: `if (s.guest.get(dev) !== "closed" || dev === uio) return;`,
    replace: `if (s.guest.get(dev) !== "closed" || dev === uio || dev === primaries - 1) return;`,
  },
  {
    name: "hvsock_offer_accepted_while_suspending",
    change: "vmbus_on_msg_dpc does not check ignore_any_offer_msg for an hv_sock offer",
    file,
    find: `if (s.ignoreOffers) {`,
    replace: `if (false) {`,
  },
  {
    name: "timeout_resets_fixup_count",
    change: "vmbus_bus_resume zeroes nr_chan_fixup_on_resume when its wait times out",
    file,
    find: `s.timedOut = true;`,
    replace: `s.timedOut = true;
          s.fixup.fill(false);`,
  },
  {
    name: "image_written_before_thaw_ends",
    change: "hibernate() calls swsusp_write() before dpm_resume has thawed the last device",
    file,
    find: `guard: (s) => s.phase === "thaw" && s.cursor === primaries,`,
    replace: `guard: (s) => s.phase === "thaw" && s.cursor === primaries - 1,`,
  },
]);
