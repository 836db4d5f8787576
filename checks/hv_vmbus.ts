import { type Expectation, gate } from "../src/check/gate.ts";

/** Every safety property and deadlock holding. */
const safe: Record<string, Expectation> = {
  image_holds_no_subchannels: "holds",
  image_holds_no_live_hvsock: "holds",
  image_channels_closed: "holds",
  open_channel_relid_matches_host: "holds",
  host_delivery_lands_on_its_channel: "holds",
  image_memory_matches_vm: "holds",
  no_suspend_hook_refuses_hibernation: "holds",
  resumed_devices_matched: "holds",
  bus_suspend_wait_finishes: "holds",
  bus_resume_wait_finishes: "holds",
  deadlock: "holds",
};

/** The witnesses of a hibernation and resume that go through with every device matched. */
const completes: Record<string, Expectation> = {
  hibernation_completes: "witnessed",
  resume_completes: "witnessed",
  resume_completes_with_broken_device: "not witnessed",
  relid_reassigned_on_resume: "witnessed",
  hibernation_refused_vm_running: "not witnessed",
};

/** The witnesses when the image holds a device no offer matches and the bounded wait gives up. */
const completesBroken: Record<string, Expectation> = {
  ...completes,
  resume_completes_with_broken_device: "witnessed",
};

const noneWitnessed: Record<string, Expectation> = {
  hibernation_completes: "not witnessed",
  resume_completes: "not witnessed",
  resume_completes_with_broken_device: "not witnessed",
  relid_reassigned_on_resume: "not witnessed",
  hibernation_refused_vm_running: "not witnessed",
};

export default [
  gate({
    name: "hv_vmbus_upstream_same_vm",
    model: "hv_vmbus",
    params: {},
    expect: { ...safe, ...completes },
    minStates: 2750,
    why: "Mainline on the same VM: two devices with a sub-channel each and an hv_sock connection that may " +
      "open at any point give every order of offers, rescinds and hv_sock events, and relids really move.",
  }),
  gate({
    name: "hv_vmbus_upstream_azure_new_vm_vf",
    model: "hv_vmbus",
    params: { vf: true, resumeOn: "azure_new_vm" },
    expect: { ...safe, ...completes },
    minStates: 7400,
    why:
      "Azure's host-initiated hibernation removes the VF first and keeps synthetic instance GUIDs on the " +
      "new VM, so the image matches every offer and the new VF is probed as a new device.",
  }),
  gate({
    name: "hv_vmbus_self_hibernate_vf_azure_violated",
    model: "hv_vmbus",
    params: { vf: true, initiator: "self", resumeOn: "azure_new_vm" },
    expect: { ...safe, resumed_devices_matched: { violated: 31 }, ...completesBroken },
    minStates: 14250,
    why: "Self-initiated hibernation on Azure leaves the VF in the image and the new VM's VF has a new " +
      "instance GUID: the doc's failure, in the shortest run (one full cycle, no hv_sock needed).",
  }),
  gate({
    name: "hv_vmbus_local_new_vm_violated",
    model: "hv_vmbus",
    params: { resumeOn: "local_new_vm" },
    expect: {
      ...safe,
      resumed_devices_matched: { violated: 26 },
      ...completesBroken,
      relid_reassigned_on_resume: "not witnessed",
    },
    minStates: 2550,
    why:
      "A new local Hyper-V VM gives every device a new instance GUID: no primary of the image is matched, " +
      "and the bounded wait still ends the resume (resume_completes_with_broken_device).",
  }),
  gate({
    name: "hv_vmbus_unbounded_wait_local_new_vm_violated",
    model: "hv_vmbus",
    params: { variant: "unbounded_resume_wait", resumeOn: "local_new_vm" },
    expect: {
      ...safe,
      bus_resume_wait_finishes: { violated: 25 },
      ...noneWitnessed,
      hibernation_completes: "witnessed",
    },
    minStates: 2350,
    why: "Without the timeout vmbus_bus_resume waits forever for offers that never match: the liveness " +
      "property 'resume terminates even when offers are missing' needs the bounded wait.",
  }),
  gate({
    name: "hv_vmbus_unbounded_wait_local_new_vm_no_hvsock_deadlock",
    model: "hv_vmbus",
    params: { variant: "unbounded_resume_wait", resumeOn: "local_new_vm", hvsock: false },
    expect: {
      ...safe,
      bus_resume_wait_finishes: { violated: 25 },
      deadlock: { violated: 25 },
      ...noneWitnessed,
      hibernation_completes: "witnessed",
    },
    minStates: 50,
    why:
      "Without hv_sock the host has nothing left to do in the hung wait, so deadlock detection finds the " +
      "same run: the invariant above is not weaker than a deadlock.",
  }),
  gate({
    name: "hv_vmbus_unbounded_wait_same_vm",
    model: "hv_vmbus",
    params: { variant: "unbounded_resume_wait" },
    expect: { ...safe, ...completes },
    minStates: 2750,
    why: "When every offer comes the wait ends by itself, so the hang above is caused by the missing " +
      "offers and not by the model.",
  }),
  gate({
    name: "hv_vmbus_no_cleanup_wait_violated",
    model: "hv_vmbus",
    params: { variant: "no_cleanup_wait" },
    expect: {
      ...safe,
      image_holds_no_subchannels: { violated: 6 },
      image_holds_no_live_hvsock: { violated: 7 },
      image_channels_closed: { violated: 7 },
      open_channel_relid_matches_host: { violated: 6 },
      ...completes,
    },
    minStates: 15800,
    why:
      "A vmbus_bus_suspend that unloads without waiting for RESCIND and without force-rescinding hv_sock " +
      "puts a sub-channel and a live hv_sock channel in the image; one device and one socket suffice.",
  }),
  gate({
    name: "hv_vmbus_driver_keeps_subchannels_violated",
    model: "hv_vmbus",
    params: { variant: "driver_keeps_subchannels" },
    expect: { ...safe, bus_suspend_wait_finishes: { violated: 4 }, ...noneWitnessed },
    minStates: 30,
    why: "A driver whose suspend leaves its sub-channels open makes vmbus_bus_suspend wait for a RESCIND " +
      "that never comes (the host keeps using the sub-channel, so this is no deadlock but a stuck wait).",
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
    minStates: 5500,
    why: "Matching by GUID without fixing the relid: two devices offered in the other order, or an hv_sock " +
      "offer taking a stale relid, are enough for the host to mean a different channel.",
  }),
  gate({
    name: "hv_vmbus_hot_add_violated",
    model: "hv_vmbus",
    params: { hotAdd: true },
    expect: { ...safe, image_memory_matches_vm: { violated: 22 }, ...completes },
    minStates: 5500,
    why:
      "Memory hot-added by hv_balloon is in the image but not in the VM at resume; hv_balloon turns hot-add " +
      "off when hibernation is enabled (hotAdd=false in the other gates).",
  }),
  gate({
    name: "hv_vmbus_uio_refused",
    model: "hv_vmbus",
    params: { uio: true },
    expect: { ...safe, ...noneWitnessed, hibernation_refused_vm_running: "witnessed" },
    minStates: 120,
    why:
      "vmbus_suspend returns -EOPNOTSUPP for uio_hv_generic: hibernation is refused, the devices already " +
      "suspended are resumed, and the VM runs on with every channel open.",
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
      ...completes,
    },
    minStates: 14100,
    why: "Skipping a device without a suspend hook unloads the connection under an open UIO channel and " +
      "writes it into the image: the half-done hibernation the refusal prevents.",
  }),
  gate({
    name: "hv_vmbus_upstream_d3_s2_vf",
    model: "hv_vmbus",
    params: { devices: 3, subchannels: 2, vf: true, initiator: "self" },
    expect: { ...safe, ...completes },
    minStates: 2870000,
    why: "Three devices with two sub-channels each, a VF and an hv_sock channel on the same VM: 12 relids " +
      "and every order of offers and rescinds, 2.9 million states.",
    tags: ["slow"],
  }),
];
