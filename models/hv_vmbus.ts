/**
 * Hyper-V VMBus devices across hibernation (Documentation/virt/hyperv/hibernation.rst, 2025).
 *
 * One hibernation cycle of a guest with VMBus devices: the image kernel runs, hibernates (PMSG_FREEZE:
 * vmbus_suspend per device, then vmbus_bus_suspend; create the image; PMSG_THAW: vmbus_bus_resume, then
 * vmbus_resume per device; swsusp_write; PMSG_HIBERNATE: suspend again; S4), the VM is powered on again
 * (on the same VM, or on a newly created one), and the image is restored (PMSG_RESTORE: vmbus_bus_resume,
 * vmbus_resume per device).
 *
 * Channels live in slots: primaries first (synthetic devices, then an optional SR-IOV VF, then an
 * optional device bound to uio_hv_generic), then the sub-channels of each synthetic device, then one
 * optional hv_sock channel. The host gives every offer the lowest free relid of a pool as large as the
 * number of slots; since the order of offers is free, relids change from one connection to the next.
 * The host delivers to a channel by its relid whenever the channel is open on the host side
 * (`host_deliver`): that is the asynchronous use of the registration.
 *
 * Liveness: guest kernel actions are weakly fair; Hyper-V's and user space's own moves (deliveries,
 * hv_sock connections and closes, the hibernate request, the power-on, hot-add, the VF removal) are
 * `background`, never fair. Two host moves answer a request the guest waits for without a timeout and are
 * weakly fair: the RESCIND of a channel the guest closed, and (with `offersInTime`, the timeout
 * assumption) the offers after vmbus_request_offers.
 *
 * Only the noirq phases appear: VMBus devices have no other PM callbacks
 * (SET_NOIRQ_SYSTEM_SLEEP_PM_OPS(vmbus_suspend, vmbus_resume)), and the bus has vmbus_bus_suspend as
 * freeze_noirq/poweroff_noirq and vmbus_bus_resume as thaw_noirq/restore_noirq, after its children on the
 * way down and before them on the way up. The phases are sequenced here rather than with
 * models/lib/pm_phases.ts, which would add three empty phases per sequence for every device; the
 * -EOPNOTSUPP rollback with PMSG_RECOVER and the -EBUSY one with PMSG_RESTORE are modelled here directly.
 *
 * Abstractions: a channel open or close is one step on both ends (vmbus_open waits for the host's
 * answer); the restoring kernel's own boot and PMSG_QUIESCE run (which end with vmbus_bus_suspend
 * unloading its connection) are one step, `swsusp_arch_resume`; devices are suspended and resumed in one
 * fixed dpm order, with the UIO device last so that its refusal has devices to roll back; with
 * `offersInTime` the bounded wait of vmbus_bus_resume fires only once the host has sent every offer it
 * will send, without it the timer may expire first and offers come late; a new device found on resume is
 * probed by the same step that resumes the others; the
 * KVP rescind-and-reoffer anomaly is left out (the doc shows it is harmless). Relids permute freely and
 * devices of one class are interchangeable, but the model declares no symmetry, so every permutation
 * is a distinct state.
 *
 * @module
 */

import { arrayOf, bool, boolParam, defineModel, enumOf, enumParam, int, intParam, range } from "../mod.ts";

/** The PM phase the whole guest is in (kernel/power/hibernate.c, seen from the VMBus drivers). */
const PHASES = [
  "running", // image kernel before hibernation
  "freeze", // PMSG_FREEZE: vmbus_suspend per device, then vmbus_bus_suspend
  "snapshot", // create_image(): the image is the guest's memory now
  "thaw", // PMSG_THAW: vmbus_bus_resume, then vmbus_resume per device
  "poweroff", // PMSG_HIBERNATE after swsusp_write(): suspend again
  "off", // ACPI S4
  "boot", // the VM is powered on; the restoring kernel boots and reads the image
  "restore", // PMSG_RESTORE in the image: vmbus_bus_resume, then vmbus_resume per device
  "resumed", // the image runs normally again
  "recover", // a device refused to suspend: PMSG_RECOVER resumes the devices already suspended
  "aborted", // hibernation refused, the VM keeps running
  "rollback", // the bus refused PMSG_HIBERNATE (-EBUSY): PMSG_RESTORE resumes the devices suspended
  "rolled_back", // power_down() rolled back: the image is unmarked, the VM keeps running
] as const;

/** Guest view of a channel. `rescinded`: an hv_sock channel force-rescinded but still held by user space. */
const GUEST = ["none", "closed", "open", "rescinded", "broken"] as const;
/** Host view of a channel. `rescinding`: the guest closed a sub-channel or hv_sock, RESCIND is due. */
const HOST = ["none", "offered", "open", "rescinding"] as const;

export default defineModel({
  name: "hv_vmbus",
  description: "VMBus channels, sub-channels, relids and instance GUIDs across a Hyper-V guest hibernation.",
  params: {
    variant: enumParam({
      values: [
        "upstream",
        "no_cleanup_wait",
        "driver_keeps_subchannels",
        "no_relid_fixup",
        "unbounded_resume_wait",
        "uio_suspend_ignored",
      ],
      default: "upstream",
      description:
        "upstream: mainline vmbus_bus_suspend/vmbus_bus_resume; no_cleanup_wait: vmbus_bus_suspend " +
        "neither force-rescinds hv_sock channels nor waits for sub-channel rescinds; driver_keeps_subchannels: " +
        "device 0's suspend leaves its sub-channels open; no_relid_fixup: relids neither invalidated on " +
        "suspend nor updated when an offer matches a primary; unbounded_resume_wait: vmbus_bus_resume waits " +
        "for every primary without a timeout; uio_suspend_ignored: vmbus_suspend returns 0 for a driver " +
        "without a suspend hook",
    }),
    devices: intParam({ min: 1, max: 3, default: 2, description: "synthetic VMBus devices (SCSI, NIC)" }),
    subchannels: intParam({ min: 0, max: 2, default: 1, description: "sub-channels per synthetic device" }),
    hvsock: boolParam({ default: true, description: "the host may open an hv_sock connection" }),
    vf: boolParam({ default: false, description: "an SR-IOV NIC VF (a vPCI device with a VMBus channel)" }),
    uio: boolParam({ default: false, description: "a device bound to uio_hv_generic (no suspend hook)" }),
    hotAdd: boolParam({
      default: false,
      description: "hv_balloon may hot-add memory (hibernation not enabled in the VM's ACPI S4 setting)",
    }),
    offersInTime: boolParam({
      default: true,
      description: "the timeout assumption: Hyper-V sends every offer it has before vmbus_bus_resume's " +
        "wait times out (its offers are then weakly fair); false: the timer may expire first, offers are " +
        "background and may come late",
    }),
    rescindLate: boolParam({
      default: false,
      description: "Hyper-V's RESCIND of a channel closed by drv->suspend may arrive after " +
        "vmbus_bus_suspend set ignore_any_offer_msg; false: it arrives before the bus suspend starts",
    }),
    initiator: enumParam({
      values: ["host", "self"],
      default: "host",
      description: "host: Azure removes the VF, then asks through the Shutdown integration service; " +
        "self: the guest writes disk to /sys/power/state",
    }),
    resumeOn: enumParam({
      values: ["same_vm", "azure_new_vm", "local_new_vm"],
      default: "same_vm",
      description: "where the image is resumed: the same VM (every instance GUID stable), a new Azure VM " +
        "(synthetic GUIDs stable, VF GUID new), a new local Hyper-V VM (every GUID new)",
    }),
  },
  state: (p) => {
    const layout = layoutOf(p);
    const channel = range(layout.channels + 1); // relid pool, and `relids` = INVALID_RELID
    return {
      phase: enumOf(...PHASES),
      /** Next device of the current dpm phase; `devices` once the phase reached the bus. */
      cursor: int(0, layout.primaries),
      connected: bool,
      /** vmbus_connection.ignore_any_offer_msg */
      ignoreOffers: bool,
      guest: arrayOf(layout.channels, enumOf(...GUEST)),
      relid: arrayOf(layout.channels, channel),
      host: arrayOf(layout.channels, enumOf(...HOST)),
      hostRelid: arrayOf(layout.channels, channel),
      /** Primaries waiting for an offer on resume (nr_chan_fixup_on_resume). */
      fixup: arrayOf(layout.primaries, bool),
      /** vmbus_bus_resume's wait for ready_for_resume_event timed out in this resume. */
      timedOut: bool,
      /** Ghost: an offer matched the primary before its vmbus_resume; not yet reopened with its sub-channels. */
      matched: arrayOf(layout.primaries, bool),
      /** Whether the host's instance GUID of each device is the one the running kernel knows. */
      guidSame: arrayOf(layout.primaries, bool),
      vfOnHost: bool,
      /** Memory hot-added by hv_balloon (0: only the memory assigned at VM creation). */
      mem: int(0, 1),
      imageTaken: bool,
      image: arrayOf(layout.channels, enumOf(...GUEST)),
      imageRelid: arrayOf(layout.channels, channel),
      imageMem: int(0, 1),
    };
  },
  init: (s, p) => {
    const layout = layoutOf(p);
    s.phase = "running";
    s.connected = true;
    for (let c = 0; c < layout.channels; c++) {
      const present = c !== layout.hvsock;
      s.guest.set(c, present ? "open" : "none");
      s.host.set(c, present ? "open" : "none");
      s.relid.set(c, present ? c : layout.channels);
      s.hostRelid.set(c, present ? c : layout.channels);
      s.imageRelid.set(c, layout.channels);
    }
    s.guidSame.fill(true);
    s.vfOnHost = p.vf;
  },
  actions: (p, { action }) => {
    const layout = layoutOf(p);
    const { primaries, channels, hvsock, vf, uio } = layout;
    const INVALID = channels;
    const device = range(primaries);
    const channel = range(channels);
    const suspending = (phase: string) => phase === "freeze" || phase === "poweroff";
    const resuming = (phase: string) => phase === "thaw" || phase === "restore";
    const waits = p.variant !== "no_cleanup_wait";

    /** The relid the host gives its next offer: the lowest one no host channel holds. */
    type HostView = {
      readonly host: { get(i: number): string };
      readonly hostRelid: { get(i: number): number };
    };
    const freeRelid = (s: HostView): number => {
      for (let r = 0; r < channels; r++) {
        let used = false;
        for (let c = 0; c < channels && !used; c++) {
          used = s.host.get(c) !== "none" && s.hostRelid.get(c) === r;
        }
        if (!used) return r;
      }
      throw new RangeError("Expected a free relid in the pool but found none");
    };
    const onHost = (s: { readonly vfOnHost: boolean }, d: number) => d !== vf || s.vfOnHost;

    return [
      // The host delivers to a channel by relid (ring-buffer signal, hv_sock data, sub-channel
      // traffic) whenever the channel is open on the host side.
      action("host_deliver", {
        background: true,
        params: { chan: channel },
        guard: (s, { chan }) => s.host.get(chan) === "open",
        effect: () => {},
      }),
      // Closing a sub-channel or an hv_sock channel makes the host send RESCIND_CHANNELOFFER;
      // vmbus_onoffer_rescind -> hv_process_channel_removal frees the guest's channel. vmbus_on_msg_dpc
      // drops it while ignore_any_offer_msg is set (52be93558413); the older bus suspend processed it.
      // Only on a live connection: an unload discards what is still due. The host answers the close the
      // guest waits for, so this is fair.
      action("host_rescind", {
        params: { chan: channel },
        guard: (s, { chan }) => s.connected && s.host.get(chan) === "rescinding",
        effect: (s, { chan }) => {
          s.host.set(chan, "none");
          s.hostRelid.set(chan, INVALID);
          if (s.ignoreOffers && p.variant !== "no_cleanup_wait") return;
          s.guest.set(chan, "none");
          s.relid.set(chan, INVALID);
        },
      }),
      // After vmbus_bus_resume has requested offers (vmbus_request_offers), the host offers each
      // device it has, in any order. vmbus_onoffer: a primary of the image with the same class and
      // instance GUID is matched and its relid fixed, even after the wait timed out; any other offer is
      // a new device.
      action("host_offer", {
        ...(p.offersInTime ? {} : { background: true }),
        params: { dev: device },
        guard: (s, { dev }) => s.connected && !s.ignoreOffers && s.host.get(dev) === "none" && onHost(s, dev),
        effect: (s, { dev }) => {
          const r = freeRelid(s);
          s.host.set(dev, "offered");
          s.hostRelid.set(dev, r);
          if (s.guest.get(dev) === "none") {
            s.guest.set(dev, "closed"); // a new device, probed on the new connection
            s.relid.set(dev, r);
          } else if (s.fixup.get(dev) && s.guidSame.get(dev)) {
            s.fixup.set(dev, false);
            if (p.variant !== "no_relid_fixup") s.relid.set(dev, r);
            if (s.guest.get(dev) === "closed") s.matched.set(dev, true);
          }
          // A changed instance GUID: a new device for the offer, the image's primary stays unmatched.
        },
      }),
      action("hvsock_connect", {
        background: true,
        guard: (s) =>
          hvsock >= 0 && s.connected && s.phase !== "resumed" && s.phase !== "aborted" &&
          s.phase !== "rolled_back" && s.host.get(hvsock) === "none" && s.guest.get(hvsock) === "none",
        effect: (s) => {
          const r = freeRelid(s);
          s.hostRelid.set(hvsock, r);
          if (s.ignoreOffers) {
            s.host.set(hvsock, "offered"); // vmbus_on_msg_dpc drops it during vmbus_bus_suspend
          } else {
            s.host.set(hvsock, "open");
            s.guest.set(hvsock, "open");
            s.relid.set(hvsock, r);
          }
        },
      }),
      // Either end closes the socket: user space in the guest, or the host application.
      action("hvsock_close", {
        background: true,
        guard: (s) => hvsock >= 0 && s.guest.get(hvsock) === "open",
        effect: (s) => {
          s.guest.set(hvsock, "closed");
          s.host.set(hvsock, "rescinding");
        },
      }),
      // User space closes a socket whose channel vmbus_bus_suspend force-rescinded.
      action("hvsock_release", {
        background: true,
        guard: (s) => hvsock >= 0 && s.guest.get(hvsock) === "rescinded",
        effect: (s) => {
          s.guest.set(hvsock, "none");
          s.relid.set(hvsock, INVALID);
        },
      }),
      action("balloon_hot_add", {
        background: true,
        guard: (s) => p.hotAdd && s.phase === "running" && s.mem === 0,
        effect: (s) => {
          s.mem = 1;
        },
      }),
      // Azure removes the VF before it asks the guest to hibernate (hibernation.rst, "Resuming on a
      // Different VM"): the VF's offer is rescinded and the device removed.
      action("azure_remove_vf", {
        background: true,
        guard: (s) => vf >= 0 && p.initiator === "host" && s.phase === "running" && s.vfOnHost,
        effect: (s) => {
          s.vfOnHost = false;
          s.host.set(vf, "none");
          s.hostRelid.set(vf, INVALID);
          s.guest.set(vf, "none");
          s.relid.set(vf, INVALID);
        },
      }),
      // hibernate(): from the Shutdown integration service (shutdown_onchannelcallback ->
      // send_hibernate_uevent -> udev) or self-initiated: user space's choice, never forced.
      action("hibernate", {
        background: true,
        guard: (s) => s.phase === "running" && (p.initiator === "self" || !s.vfOnHost),
        effect: (s) => {
          s.phase = "freeze";
          s.cursor = 0;
        },
      }),
      // freeze_noirq / poweroff_noirq of a device: vmbus_suspend -> drv->suspend. Drivers close their
      // sub-channels (the host rescinds them) and their primary (no rescind: the channel stays).
      action("vmbus_suspend", {
        params: { dev: device },
        guard: (s, { dev }) => suspending(s.phase) && s.connected && s.cursor === dev,
        effect: (s, { dev }) => {
          if (dev === uio && p.variant !== "uio_suspend_ignored") {
            // No drv->suspend: -EOPNOTSUPP aborts the phase; dpm resumes what it suspended.
            s.phase = "recover";
            s.cursor = 0;
            return;
          }
          s.cursor = dev + 1;
          if (dev === uio || s.guest.get(dev) !== "open") return;
          if (dev < p.devices && !(p.variant === "driver_keeps_subchannels" && dev === 0)) {
            for (const sub of layout.subs(dev)) {
              if (s.guest.get(sub) !== "open") continue;
              s.guest.set(sub, "closed");
              s.host.set(sub, "rescinding");
            }
          }
          s.guest.set(dev, "closed");
          s.host.set(dev, "offered");
        },
      }),
      // vmbus_bus_suspend, first half: ignore_any_offer_msg, drain the work queues, and
      // vmbus_force_channel_rescinded on every hv_sock channel (queued straight on the work queue, so
      // never dropped). Without rescindLate every RESCIND the children's suspend caused is in by now.
      // Strongly fair: the host may open and close hv_sock connections forever, which makes a RESCIND
      // due again and again, but the bus suspend starts at one of the moments none is.
      action("vmbus_bus_suspend_begin", {
        fair: "strong",
        guard: (s) =>
          suspending(s.phase) && s.cursor === primaries && s.connected && !s.ignoreOffers &&
          (p.rescindLate || !s.host.includes("rescinding")),
        effect: (s) => {
          s.ignoreOffers = true;
          if (waits && hvsock >= 0 && s.guest.get(hvsock) === "open") s.guest.set(hvsock, "rescinded");
        },
      }),
      // vmbus_bus_suspend, second half: once nr_chan_close_on_suspend has dropped to 0 (every
      // sub-channel rescinded, hv_sock force-rescinded), refuse with -EBUSY if nr_chan_fixup_on_resume
      // is not 0 ("a previous failed resuming"); else unmap every relid, set it to INVALID_RELID, count
      // the primaries in nr_chan_fixup_on_resume and vmbus_initiate_unload. The host forgets every channel.
      action("vmbus_bus_suspend_unload", {
        guard: (s) =>
          suspending(s.phase) && s.cursor === primaries && s.connected && s.ignoreOffers &&
          (!waits || (layout.allSubs.every((c) => s.guest.get(c) === "none") &&
            (hvsock < 0 || s.guest.get(hvsock) === "none" || s.guest.get(hvsock) === "rescinded"))),
        effect: (s) => {
          if (s.fixup.includes(true)) {
            // Only the bus failed its noirq callback: dpm_resume_noirq(PMSG_RESTORE) resumes the
            // children, never the bus, so ignore_any_offer_msg stays set.
            s.phase = "rollback";
            s.cursor = 0;
            return;
          }
          for (let d = 0; d < primaries; d++) s.fixup.set(d, s.guest.get(d) !== "none");
          for (let c = 0; c < channels; c++) {
            s.host.set(c, "none");
            s.hostRelid.set(c, INVALID);
            if (p.variant !== "no_relid_fixup") s.relid.set(c, INVALID);
          }
          s.connected = false;
          s.timedOut = false;
          s.phase = s.phase === "freeze" ? "snapshot" : "off";
        },
      }),
      // create_image(): swsusp_arch_suspend copies memory, so the image holds the guest's channels.
      action("create_image", {
        guard: (s) => s.phase === "snapshot",
        effect: (s) => {
          for (let c = 0; c < channels; c++) {
            s.image.set(c, s.guest.get(c));
            s.imageRelid.set(c, s.relid.get(c));
          }
          s.imageMem = s.mem;
          s.imageTaken = true;
          s.phase = "thaw";
          s.cursor = 0;
        },
      }),
      // vmbus_bus_resume: renegotiate the saved version, clear ignore_any_offer_msg, request offers.
      action("vmbus_bus_resume_connect", {
        guard: (s) => resuming(s.phase) && !s.connected,
        effect: (s) => {
          s.connected = true;
          s.ignoreOffers = false;
        },
      }),
      // vmbus_bus_resume's bounded wait for ready_for_resume_event gives up. nr_chan_fixup_on_resume
      // keeps counting the primaries no offer matched; their relid stays INVALID_RELID.
      action("vmbus_bus_resume_timeout", {
        guard: (s) =>
          p.variant !== "unbounded_resume_wait" && resuming(s.phase) && s.connected && !s.ignoreOffers &&
          !s.timedOut && s.cursor === 0 && s.fixup.includes(true) &&
          (!p.offersInTime || s.fixup.every((_, d) => !onHost(s, d) || s.host.get(d) !== "none")),
        effect: (s) => {
          s.timedOut = true;
        },
      }),
      // thaw_noirq / restore_noirq of a device once vmbus_bus_resume returned, and PMSG_RECOVER or
      // PMSG_RESTORE after a failed suspend: vmbus_resume -> drv->resume reopens the primary
      // (vmbus_open) and asks for sub-channels, whose offers come with new relids unless
      // ignore_any_offer_msg drops them. vmbus_open under INVALID_RELID fails: the device is broken.
      action("vmbus_resume", {
        params: { dev: device },
        guard: (s, { dev }) =>
          (resuming(s.phase)
            ? s.connected && !s.ignoreOffers && (s.timedOut || !s.fixup.includes(true))
            : (s.phase === "recover" || s.phase === "rollback")) &&
          s.cursor === dev && layout.subs(dev).every((c) => s.host.get(c) === "none"),
        effect: (s, { dev }) => {
          s.cursor = dev + 1;
          if (s.guest.get(dev) !== "closed" || dev === uio) return; // broken, absent, or no resume hook
          if (s.fixup.get(dev)) {
            s.guest.set(dev, "broken");
            return;
          }
          s.guest.set(dev, "open");
          s.host.set(dev, "open");
          if (s.ignoreOffers) return;
          for (const sub of layout.subs(dev)) {
            const r = freeRelid(s);
            s.host.set(sub, "open");
            s.hostRelid.set(sub, r);
            s.guest.set(sub, "open"); // a leftover sub-channel of the image is simply overwritten
            s.relid.set(sub, r);
          }
          if (layout.subs(dev).every((c) => s.guest.get(c) === "open")) s.matched.set(dev, false);
        },
      }),
      // After PMSG_THAW: swsusp_write(), then power_down() starts PMSG_HIBERNATE.
      action("swsusp_write", {
        guard: (s) => s.phase === "thaw" && s.cursor === primaries,
        effect: (s) => {
          s.phase = "poweroff";
          s.cursor = 0;
        },
      }),
      // The VM is started again: Hyper-V gives it the memory assigned at creation; a new VM has its
      // own instance GUIDs (Azure keeps synthetic ones, never vPCI ones) and a VF again.
      action("boot_on_resume", {
        background: true,
        guard: (s) => s.phase === "off",
        effect: (s) => {
          s.phase = "boot";
          s.mem = 0;
          s.vfOnHost = vf >= 0;
          for (let d = 0; d < primaries; d++) {
            const same = p.resumeOn === "same_vm" || (p.resumeOn === "azure_new_vm" && d !== vf);
            s.guidSame.set(d, same);
          }
        },
      }),
      // software_resume: the restoring kernel boots, reads the image, runs PMSG_QUIESCE (its own
      // vmbus_bus_suspend unloads its connection) and jumps into the image. Guest memory becomes the
      // image: its channels, relids, nr_chan_fixup_on_resume and ignore_any_offer_msg.
      action("swsusp_arch_resume", {
        guard: (s) => s.phase === "boot",
        effect: (s) => {
          for (let c = 0; c < channels; c++) {
            s.guest.set(c, s.image.get(c));
            s.relid.set(c, s.imageRelid.get(c));
          }
          for (let d = 0; d < primaries; d++) s.fixup.set(d, s.image.get(d) !== "none");
          s.matched.fill(false);
          s.timedOut = false;
          s.connected = false;
          s.ignoreOffers = true;
          s.phase = "restore";
          s.cursor = 0;
        },
      }),
      action("resume_complete", {
        guard: (s) => s.phase === "restore" && s.cursor === primaries,
        effect: (s) => {
          s.phase = "resumed";
        },
      }),
      action("hibernation_aborted", {
        guard: (s) => s.phase === "recover" && s.cursor === primaries,
        effect: (s) => {
          s.phase = "aborted";
        },
      }),
      // power_down(): hibernation_platform_enter() returned -EBUSY, so swsusp_unmark() and return.
      action("hibernation_rolled_back", {
        guard: (s) => s.phase === "rollback" && s.cursor === primaries,
        effect: (s) => {
          s.phase = "rolled_back";
        },
      }),
    ];
  },
  properties: (p, { always, sometimes, transition, leadsTo }) => {
    const layout = layoutOf(p);
    const { primaries, channels, hvsock, uio } = layout;
    const all = Array.from({ length: channels }, (_, c) => c);
    const devs = Array.from({ length: primaries }, (_, d) => d);
    type View = { readonly guest: { get(i: number): string } };
    /** The device's primary and every sub-channel it has are open. */
    const reopened = (s: View, d: number) =>
      s.guest.get(d) === "open" && layout.subs(d).every((c) => s.guest.get(c) === "open");
    const suspending = (phase: string) => phase === "freeze" || phase === "poweroff";
    return [
      always("image_holds_no_subchannels", (s) => layout.allSubs.every((c) => s.image.get(c) === "none"), {
        description: "sub-channels are closed and rescinded before the snapshot (hibernation.rst)",
      }),
      always(
        "image_holds_no_live_hvsock",
        (s) => hvsock < 0 || s.image.get(hvsock) === "none" || s.image.get(hvsock) === "rescinded",
        {
          description: "the image holds no hv_sock channel but one force-rescinded and held by user space",
        },
      ),
      always("image_channels_closed", (s) => all.every((c) => s.image.get(c) !== "open"), {
        description: "no channel of the image is open: the image's connection is unloaded",
      }),
      always(
        "open_channel_relid_matches_host",
        (s) =>
          all.every((c) =>
            s.guest.get(c) !== "open" || (s.host.get(c) === "open" && s.relid.get(c) === s.hostRelid.get(c))
          ),
        {
          description: "every channel the guest has open is open on the host under the host's current relid",
        },
      ),
      always(
        "host_open_channel_is_open_in_guest",
        (s) =>
          all.every((c) =>
            s.host.get(c) !== "open" || s.guest.get(c) === "open" ||
            (c === hvsock && s.ignoreOffers && s.guest.get(c) !== "open")
          ),
        {
          description: "a channel the host has open (and writes the ring buffer of) is open in the running " +
            "kernel, but the hv_sock channel vmbus_bus_suspend force-rescinded, which lives until the unload",
        },
      ),
      always(
        "open_device_has_its_subchannels",
        (s) => devs.every((d) => s.guest.get(d) !== "open" || reopened(s, d)),
        {
          description:
            "a device whose primary is open has every sub-channel open (drv->resume re-creates them)",
        },
      ),
      transition("host_delivery_lands_on_its_channel", (before, action) => {
        if (action.name !== "host_deliver") return true;
        const chan = action.params["chan"] as number;
        const r = before.hostRelid.get(chan);
        return all.every((c) => c === chan || before.guest.get(c) === "none" || before.relid.get(c) !== r);
      }, { description: "the guest channel the host's relid names is the channel the host means" }),
      always(
        "image_memory_matches_vm",
        (s) =>
          !s.imageTaken || !(s.phase === "boot" || s.phase === "restore" || s.phase === "resumed") ||
          s.imageMem === s.mem,
        { description: "the memory size at hibernation equals the memory the VM has at resume" },
      ),
      always("no_suspend_hook_refuses_hibernation", (s) => uio < 0 || !s.imageTaken, {
        description: "a device without a suspend hook (uio_hv_generic) aborts hibernation",
      }),
      always(
        "primary_matched_only_by_its_own_offer",
        (s) => devs.every((d) => !s.matched.get(d) || s.guidSame.get(d)),
        { description: "an offer is matched to a primary of the image only with the same instance GUID" },
      ),
      always("resumed_devices_matched", (s) => devs.every((d) => s.guest.get(d) !== "broken"), {
        description: "every primary of the image is matched by an offer on resume",
      }),
      always(
        "s4_with_connection_unloaded",
        (s) =>
          s.phase !== "off" ||
          (!s.connected && all.every((c) => s.host.get(c) === "none" && s.guest.get(c) !== "open")),
        {
          description:
            "the poweroff side: ACPI S4 is entered with every channel closed and the connection unloaded",
        },
      ),
      leadsTo(
        "hibernation_always_ends",
        (s) => s.phase === "freeze",
        (s) => s.phase === "off" || s.phase === "aborted" || s.phase === "rolled_back",
        {
          description:
            "once PMSG_FREEZE starts the VM reaches S4, or the refusal or rollback leaves it running",
        },
      ),
      leadsTo(
        "bus_suspend_never_waits_on_user_space",
        (s) => suspending(s.phase) && s.ignoreOffers && s.connected,
        (s) => !s.connected || s.phase === "rollback",
        { description: "vmbus_bus_suspend finishes whatever user space does with its hv_sock" },
      ),
      leadsTo(
        "poweroff_always_ends",
        (s) => s.phase === "poweroff",
        (s) => s.phase === "off" || s.phase === "rolled_back",
        {
          description: "PMSG_HIBERNATE ends in S4 or, refused, in a rolled-back running VM",
        },
      ),
      leadsTo("resume_always_completes", (s) => s.phase === "boot", (s) => s.phase === "resumed", {
        description:
          "once the VM is powered on with an image, the image runs again, even with offers missing",
      }),
      leadsTo(
        "matched_devices_reopen",
        (s) => s.matched.includes(true),
        (s) => !s.matched.includes(true),
        { description: "a device an offer matched at resume is open again with all its sub-channels" },
      ),
      sometimes("hibernation_completes", (s) => s.phase === "off"),
      sometimes("resume_completes", (s) => s.phase === "resumed"),
      sometimes(
        "resumed_with_every_device_reopened",
        (s) =>
          s.phase === "resumed" &&
          devs.every((d) => d === uio || (d === layout.vf && !s.vfOnHost) || reopened(s, d)),
      ),
      sometimes(
        "device_matched_before_its_resume",
        (s) => s.matched.includes(true),
      ),
      sometimes(
        "bus_suspend_unloads_with_hvsock_held",
        (s) => hvsock >= 0 && !s.connected && s.guest.get(hvsock) === "rescinded",
      ),
      sometimes(
        "resume_completes_with_broken_device",
        (s) => s.phase === "resumed" && devs.some((d) => s.guest.get(d) === "broken"),
      ),
      sometimes(
        "relid_reassigned_on_resume",
        (s) => s.phase === "resumed" && devs.some((d) => s.guest.get(d) === "open" && s.relid.get(d) !== d),
      ),
      sometimes(
        "hibernation_refused_vm_running",
        (s) => s.phase === "aborted" && devs.every((d) => s.guest.get(d) === "open"),
      ),
      sometimes("poweroff_rolled_back", (s) => s.phase === "rolled_back"),
    ];
  },
  // The protocol may rest where the guest has nothing to do: running before a hibernation, off in S4,
  // and after the resume, the refusal or the rollback. Anywhere else a state where only Hyper-V or user
  // space could move is a hang (deadlock).
  terminal: (s) =>
    s.phase === "running" || s.phase === "off" || s.phase === "resumed" || s.phase === "aborted" ||
    s.phase === "rolled_back",
  fairness: "weak",
});

/** Slot layout: primaries (synthetic, VF, UIO), then sub-channels, then hv_sock. -1 for absent slots. */
function layoutOf(p: { devices: number; subchannels: number; hvsock: boolean; vf: boolean; uio: boolean }) {
  const vf = p.vf ? p.devices : -1;
  const uio = p.uio ? p.devices + (p.vf ? 1 : 0) : -1;
  const primaries = p.devices + (p.vf ? 1 : 0) + (p.uio ? 1 : 0);
  const subBase = primaries;
  const subCount = p.devices * p.subchannels;
  const hvsock = p.hvsock ? subBase + subCount : -1;
  const channels = subBase + subCount + (p.hvsock ? 1 : 0);
  const subsOf = Array.from(
    { length: primaries },
    (_, d) =>
      d < p.devices ? Array.from({ length: p.subchannels }, (_, k) => subBase + d * p.subchannels + k) : [],
  );
  const allSubs = subsOf.flat();
  return {
    primaries,
    channels,
    vf,
    uio,
    hvsock,
    allSubs,
    subs: (d: number): readonly number[] => subsOf[d] ?? [],
  };
}
