import { type Expectation, gate } from "../src/check/gate.ts";

/** Every safety and liveness property and deadlock holding. */
const safe: Record<string, Expectation> = {
  image_holds_no_subchannels: "holds",
  image_holds_no_live_hvsock: "holds",
  image_channels_closed: "holds",
  open_channel_relid_matches_host: "holds",
  host_open_channel_is_open_in_guest: "holds",
  open_device_has_its_subchannels: "holds",
  host_delivery_lands_on_its_channel: "holds",
  image_memory_matches_vm: "holds",
  no_suspend_hook_refuses_hibernation: "holds",
  primary_matched_only_by_its_own_offer: "holds",
  resumed_devices_matched: "holds",
  s4_with_connection_unloaded: "holds",
  hibernation_always_ends: "holds",
  bus_suspend_never_waits_on_user_space: "holds",
  poweroff_always_ends: "holds",
  resume_always_completes: "holds",
  matched_devices_reopen: "holds",
  deadlock: "holds",
};

/**
 * The witnesses of a hibernation and resume that go through with every device matched: the paths the
 * liveness properties are about (an offer matching a primary before its resume, a bus suspend that
 * unloads while user space still holds a force-rescinded hv_sock, a resume that reopens every device
 * under new relids) are all taken.
 */
const completes: Record<string, Expectation> = {
  hibernation_completes: "witnessed",
  resume_completes: "witnessed",
  resumed_with_every_device_reopened: "witnessed",
  device_matched_before_its_resume: "witnessed",
  bus_suspend_unloads_with_hvsock_held: "witnessed",
  resume_completes_with_broken_device: "not witnessed",
  relid_reassigned_on_resume: "witnessed",
  hibernation_refused_vm_running: "not witnessed",
  poweroff_rolled_back: "not witnessed",
};

/** The witnesses when the image holds a device no offer matches and the bounded wait gives up. */
const completesBroken: Record<string, Expectation> = {
  ...completes,
  resumed_with_every_device_reopened: "not witnessed",
  resume_completes_with_broken_device: "witnessed",
};

const noneWitnessed: Record<string, Expectation> = Object.fromEntries(
  Object.keys(completes).map((name) => [name, "not witnessed"]),
);

export default [
  gate({
    name: "hv_vmbus_upstream_same_vm_holds",
    model: "hv_vmbus",
    params: {},
    expect: { ...safe, ...completes },
    minStates: 1890,
    why: "Mainline on the same VM: two devices with a sub-channel each and an hv_sock connection that may " +
      "open or close at any point give every order of offers, rescinds and hv_sock events, and relids " +
      "really move; hibernation ends, resume completes and every matched device reopens with its " +
      "sub-channels on every fair run, with Hyper-V and user space never fair.",
  }),
  gate({
    name: "hv_vmbus_upstream_azure_new_vm_vf_holds",
    model: "hv_vmbus",
    params: { vf: true, resumeOn: "azure_new_vm" },
    expect: { ...safe, ...completes },
    minStates: 6550,
    why:
      "Azure's host-initiated hibernation removes the VF first and keeps synthetic instance GUIDs on the " +
      "new VM, so the image matches every offer and the new VF is probed as a new device.",
  }),
  gate({
    name: "hv_vmbus_self_hibernate_vf_azure_violated",
    model: "hv_vmbus",
    params: { vf: true, initiator: "self", resumeOn: "azure_new_vm" },
    expect: { ...safe, resumed_devices_matched: { violated: 34 }, ...completesBroken },
    minStates: 10850,
    why: "Self-initiated hibernation on Azure leaves the VF in the image and the new VM's VF has a new " +
      "instance GUID: the doc's failure, in the shortest run (one full cycle, no hv_sock needed); the " +
      "resume still completes.",
  }),
  gate({
    name: "hv_vmbus_local_new_vm_violated",
    model: "hv_vmbus",
    params: { resumeOn: "local_new_vm" },
    expect: {
      ...safe,
      resumed_devices_matched: { violated: 27 },
      ...completesBroken,
      relid_reassigned_on_resume: "not witnessed",
    },
    minStates: 1675,
    why:
      "A new local Hyper-V VM gives every device a new instance GUID: no primary of the image is matched, " +
      "and the bounded wait still ends the resume (resume_always_completes holds, a broken resume is " +
      "witnessed).",
  }),
  gate({
    name: "hv_vmbus_unbounded_wait_local_new_vm_violated",
    model: "hv_vmbus",
    params: { variant: "unbounded_resume_wait", resumeOn: "local_new_vm" },
    expect: {
      ...safe,
      resume_always_completes: { violated: 28 },
      deadlock: { violated: 25 },
      ...noneWitnessed,
      hibernation_completes: "witnessed",
      device_matched_before_its_resume: "witnessed",
      bus_suspend_unloads_with_hvsock_held: "witnessed",
    },
    minStates: 1525,
    why: "Without the timeout vmbus_bus_resume waits forever for offers that never match: 'resume " +
      "terminates even when offers are missing' needs the bounded wait, and the hang is a deadlock since " +
      "only Hyper-V and user space could still move.",
  }),
  gate({
    name: "hv_vmbus_unbounded_wait_same_vm_holds",
    model: "hv_vmbus",
    params: { variant: "unbounded_resume_wait" },
    expect: { ...safe, ...completes },
    minStates: 1890,
    why: "When every offer comes the wait ends by itself, so the hang above is caused by the missing " +
      "offers and not by the model.",
  }),
  gate({
    name: "hv_vmbus_late_offers_violated",
    model: "hv_vmbus",
    params: { offersInTime: false },
    expect: {
      ...safe,
      resumed_devices_matched: { violated: 11 },
      open_device_has_its_subchannels: { violated: 20 },
      ...completes,
      resume_completes_with_broken_device: "witnessed",
      poweroff_rolled_back: "witnessed",
    },
    minStates: 7050,
    why: "The other side of the timeout assumption: when Hyper-V's offers may come after the timer, resume " +
      "and hibernation still end (the liveness holds on the timer alone), but a device is left broken, " +
      "and PMSG_HIBERNATE's vmbus_bus_suspend then refuses with -EBUSY; the PMSG_RESTORE rollback runs " +
      "without vmbus_bus_resume, so ignore_any_offer_msg drops the re-created sub-channels.",
  }),
  gate({
    name: "hv_vmbus_late_rescind_deadlock",
    model: "hv_vmbus",
    params: { rescindLate: true },
    expect: {
      ...safe,
      hibernation_always_ends: { violated: 8 },
      bus_suspend_never_waits_on_user_space: { violated: 8 },
      poweroff_always_ends: { violated: 21 },
      deadlock: { violated: 6 },
      ...completes,
    },
    minStates: 4550,
    why: "The other side of the rescind assumption: a sub-channel RESCIND that arrives after " +
      "vmbus_bus_suspend set ignore_any_offer_msg is dropped by vmbus_on_msg_dpc, and " +
      "nr_chan_close_on_suspend never reaches 0; one device's sub-channel is enough.",
  }),
  gate({
    name: "hv_vmbus_no_cleanup_wait_violated",
    model: "hv_vmbus",
    params: { variant: "no_cleanup_wait", rescindLate: true },
    expect: {
      ...safe,
      image_holds_no_subchannels: { violated: 6 },
      image_holds_no_live_hvsock: { violated: 7 },
      image_channels_closed: { violated: 7 },
      open_channel_relid_matches_host: { violated: 6 },
      s4_with_connection_unloaded: { violated: 17 },
      ...completes,
      bus_suspend_unloads_with_hvsock_held: "not witnessed",
    },
    minStates: 15850,
    why:
      "A vmbus_bus_suspend that unloads without waiting for RESCIND and without force-rescinding hv_sock " +
      "puts a sub-channel and a live hv_sock channel in the image; one device and one socket suffice.",
  }),
  gate({
    name: "hv_vmbus_driver_keeps_subchannels_deadlock",
    model: "hv_vmbus",
    params: { variant: "driver_keeps_subchannels" },
    expect: {
      ...safe,
      hibernation_always_ends: { violated: 6 },
      bus_suspend_never_waits_on_user_space: { violated: 6 },
      deadlock: { violated: 5 },
      ...noneWitnessed,
    },
    minStates: 23,
    why: "A driver whose suspend leaves its sub-channels open makes vmbus_bus_suspend wait for a RESCIND " +
      "that never comes; the host keeps using the sub-channel, which is no progress of the guest.",
  }),
  gate({
    name: "hv_vmbus_no_relid_fixup_violated",
    model: "hv_vmbus",
    params: { variant: "no_relid_fixup" },
    expect: {
      ...safe,
      open_channel_relid_matches_host: { violated: 12 },
      host_delivery_lands_on_its_channel: { violated: 11 },
      ...completes,
      relid_reassigned_on_resume: "not witnessed",
    },
    minStates: 3800,
    why: "Matching by GUID without fixing the relid: two devices offered in the other order, or an hv_sock " +
      "offer taking a stale relid, are enough for the host to mean a different channel.",
  }),
  gate({
    name: "hv_vmbus_hot_add_violated",
    model: "hv_vmbus",
    params: { hotAdd: true },
    expect: { ...safe, image_memory_matches_vm: { violated: 22 }, ...completes },
    minStates: 3780,
    why:
      "Memory hot-added by hv_balloon is in the image but not in the VM at resume; hv_balloon turns hot-add " +
      "off when hibernation is enabled (hotAdd=false in the other gates).",
  }),
  gate({
    name: "hv_vmbus_uio_refused_holds",
    model: "hv_vmbus",
    params: { uio: true },
    expect: { ...safe, ...noneWitnessed, hibernation_refused_vm_running: "witnessed" },
    minStates: 120,
    why:
      "vmbus_suspend returns -EOPNOTSUPP for uio_hv_generic: hibernation is refused, PMSG_RECOVER resumes " +
      "the devices already suspended with their sub-channels, and the VM runs on with every channel open.",
  }),
  gate({
    name: "hv_vmbus_uio_suspend_ignored_violated",
    model: "hv_vmbus",
    params: { uio: true, variant: "uio_suspend_ignored" },
    expect: {
      ...safe,
      image_channels_closed: { violated: 9 },
      open_channel_relid_matches_host: { violated: 8 },
      no_suspend_hook_refuses_hibernation: { violated: 9 },
      s4_with_connection_unloaded: { violated: 24 },
      ...completes,
    },
    minStates: 10700,
    why: "Skipping a device without a suspend hook unloads the connection under an open UIO channel and " +
      "writes it into the image: the half-done hibernation the refusal prevents.",
  }),
  gate({
    name: "hv_vmbus_upstream_d3_s2_vf_holds",
    model: "hv_vmbus",
    params: { devices: 3, subchannels: 2, vf: true, initiator: "self" },
    expect: { ...safe, ...completes },
    minStates: 1617000,
    why: "Three devices with two sub-channels each, a VF and an hv_sock channel on the same VM: 12 relids, " +
      "every order of offers and rescinds and the liveness of every fair run over 1.6 million states; " +
      "more devices of one kind add orders, no new interaction.",
    tags: ["slow"],
  }),
];
