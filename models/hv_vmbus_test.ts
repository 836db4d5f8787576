import assert from "node:assert/strict";
import { checkSync } from "../mod.ts";
import { formatAction } from "../src/model/properties.ts";
import model from "./hv_vmbus.ts";

type Result = ReturnType<typeof checkSync>;

function status(r: Result, name: string): string {
  const p = r.properties.find((p) => p.name === name);
  assert.ok(p, `no property ${name}`);
  return p.status;
}

function trace(r: Result, name: string): string[] {
  const p = r.properties.find((p) => p.name === name);
  assert.ok(p?.trace, `no trace for ${name}`);
  return p.trace.actions.map(formatAction);
}

/** Every safety and liveness property, and deadlock. */
const PROVED = [
  "image_holds_no_subchannels",
  "image_holds_no_live_hvsock",
  "image_channels_closed",
  "open_channel_relid_matches_host",
  "host_open_channel_is_open_in_guest",
  "open_device_has_its_subchannels",
  "host_delivery_lands_on_its_channel",
  "image_memory_matches_vm",
  "no_suspend_hook_refuses_hibernation",
  "primary_matched_only_by_its_own_offer",
  "resumed_devices_matched",
  "s4_with_connection_unloaded",
  "hibernation_always_ends",
  "bus_suspend_never_waits_on_user_space",
  "poweroff_always_ends",
  "resume_always_completes",
  "matched_devices_reopen",
  "deadlock",
];

function assertHoldsExcept(r: Result, violated: readonly string[]): void {
  for (const name of PROVED) {
    assert.equal(status(r, name), violated.includes(name) ? "violated" : "holds", name);
  }
}

/** One suspend of two devices with one sub-channel each, the host rescinding each sub-channel. */
const suspendBoth = [
  "vmbus_suspend(dev=0)",
  "host_rescind(chan=2)",
  "vmbus_suspend(dev=1)",
  "host_rescind(chan=3)",
  "vmbus_bus_suspend_begin",
  "vmbus_bus_suspend_unload",
];
const thawBoth = [
  "vmbus_bus_resume_connect",
  "host_offer(dev=0)",
  "host_offer(dev=1)",
  "vmbus_resume(dev=0)",
  "vmbus_resume(dev=1)",
];
/** Hibernation up to S4, on the default sizes. */
const toS4 = ["hibernate", ...suspendBoth, "create_image", ...thawBoth, "swsusp_write", ...suspendBoth];

Deno.test("hv_vmbus upstream on the same VM: every property holds, the relids change, resume completes", () => {
  const r = checkSync(model);
  assert.equal(r.distinctStates, 1894);
  assert.equal(r.verdict, "violated"); // only because three witnesses belong to other configurations
  assertHoldsExcept(r, []);
  for (
    const name of [
      "hibernation_completes",
      "resume_completes",
      "resumed_with_every_device_reopened",
      "device_matched_before_its_resume",
      "bus_suspend_unloads_with_hvsock_held",
      "relid_reassigned_on_resume",
    ]
  ) assert.equal(status(r, name), "witnessed", name);
  assert.equal(status(r, "resume_completes_with_broken_device"), "not witnessed");
  assert.equal(status(r, "hibernation_refused_vm_running"), "not witnessed");
  assert.equal(status(r, "poweroff_rolled_back"), "not witnessed");
  assert.deepEqual(r.unfiredActions, [
    "balloon_hot_add",
    "azure_remove_vf",
    "vmbus_bus_resume_timeout",
    "hibernation_aborted",
    "hibernation_rolled_back",
  ]);
});

Deno.test("hv_vmbus upstream on a new Azure VM with a VF removed by Azure first: every property holds", () => {
  const r = checkSync(model, { params: { vf: true, resumeOn: "azure_new_vm" } });
  assert.equal(r.distinctStates, 6558);
  assertHoldsExcept(r, []);
  assert.equal(status(r, "resumed_with_every_device_reopened"), "witnessed");
});

Deno.test("hv_vmbus self-initiated hibernation on Azure leaves the VF in the image: a broken device", () => {
  const r = checkSync(model, { params: { vf: true, initiator: "self", resumeOn: "azure_new_vm" } });
  assert.equal(r.distinctStates, 10898);
  assertHoldsExcept(r, ["resumed_devices_matched"]);
  const suspendAll = [
    "vmbus_suspend(dev=0)",
    "host_rescind(chan=3)",
    "vmbus_suspend(dev=1)",
    "host_rescind(chan=4)",
    "vmbus_suspend(dev=2)",
    "vmbus_bus_suspend_begin",
    "vmbus_bus_suspend_unload",
  ];
  const reconnect = [
    "vmbus_bus_resume_connect",
    "host_offer(dev=0)",
    "host_offer(dev=1)",
    "host_offer(dev=2)",
  ];
  const resumeAll = ["vmbus_resume(dev=0)", "vmbus_resume(dev=1)", "vmbus_resume(dev=2)"];
  assert.deepEqual(trace(r, "resumed_devices_matched"), [
    "hibernate",
    ...suspendAll,
    "create_image",
    ...reconnect,
    ...resumeAll,
    "swsusp_write",
    ...suspendAll,
    "boot_on_resume",
    "swsusp_arch_resume",
    ...reconnect,
    "vmbus_bus_resume_timeout",
    ...resumeAll,
  ]);
  assert.equal(status(r, "resume_completes_with_broken_device"), "witnessed");
});

Deno.test("hv_vmbus resume on a new local Hyper-V VM: new instance GUIDs, the bounded wait ends broken", () => {
  const r = checkSync(model, { params: { resumeOn: "local_new_vm" } });
  assert.equal(r.distinctStates, 1680);
  assertHoldsExcept(r, ["resumed_devices_matched"]);
  assert.deepEqual(trace(r, "resumed_devices_matched"), [
    ...toS4,
    "boot_on_resume",
    "swsusp_arch_resume",
    "vmbus_bus_resume_connect",
    "host_offer(dev=0)",
    "host_offer(dev=1)",
    "vmbus_bus_resume_timeout",
    "vmbus_resume(dev=0)",
  ]);
  assert.equal(status(r, "resume_completes_with_broken_device"), "witnessed");
});

Deno.test("hv_vmbus unbounded_resume_wait hangs when offers are missing and is fine when they all come", () => {
  const missing = checkSync(model, {
    params: { variant: "unbounded_resume_wait", resumeOn: "local_new_vm" },
  });
  assert.equal(missing.distinctStates, 1528);
  assertHoldsExcept(missing, ["resume_always_completes", "deadlock"]);
  assert.equal(status(missing, "resume_completes"), "not witnessed");
  const hang = [
    ...toS4,
    "boot_on_resume",
    "swsusp_arch_resume",
    "vmbus_bus_resume_connect",
    "host_offer(dev=0)",
    "host_offer(dev=1)",
  ];
  assert.deepEqual(trace(missing, "deadlock"), hang);
  // The lasso: the same run, then the host opening and closing hv_sock connections forever.
  assert.deepEqual(trace(missing, "resume_always_completes"), [
    ...hang,
    "hvsock_connect",
    "hvsock_close",
    "host_rescind(chan=4)",
  ]);
  const same = checkSync(model, { params: { variant: "unbounded_resume_wait" } });
  assert.equal(same.distinctStates, 1894);
  assertHoldsExcept(same, []);
});

Deno.test("hv_vmbus without the timeout assumption: a broken device, and the -EBUSY rollback loses sub-channels", () => {
  const r = checkSync(model, { params: { offersInTime: false } });
  assert.equal(r.distinctStates, 7087);
  assertHoldsExcept(r, ["resumed_devices_matched", "open_device_has_its_subchannels"]);
  const freeze = ["hibernate", ...suspendBoth, "create_image", "vmbus_bus_resume_connect"];
  assert.deepEqual(trace(r, "resumed_devices_matched"), [
    ...freeze,
    "vmbus_bus_resume_timeout",
    "vmbus_resume(dev=0)",
  ]);
  assert.deepEqual(trace(r, "open_device_has_its_subchannels"), [
    ...freeze,
    "host_offer(dev=0)",
    "vmbus_bus_resume_timeout",
    "vmbus_resume(dev=0)",
    "vmbus_resume(dev=1)",
    "swsusp_write",
    "vmbus_suspend(dev=0)",
    "host_rescind(chan=2)",
    "vmbus_suspend(dev=1)",
    "vmbus_bus_suspend_begin",
    "vmbus_bus_suspend_unload",
    "vmbus_resume(dev=0)",
  ]);
  assert.equal(status(r, "poweroff_rolled_back"), "witnessed");
});

Deno.test("hv_vmbus a RESCIND after ignore_any_offer_msg is dropped and vmbus_bus_suspend hangs", () => {
  const r = checkSync(model, { params: { rescindLate: true } });
  assert.equal(r.distinctStates, 4553);
  assertHoldsExcept(r, [
    "hibernation_always_ends",
    "bus_suspend_never_waits_on_user_space",
    "poweroff_always_ends",
    "deadlock",
  ]);
  assert.deepEqual(trace(r, "deadlock"), [
    "hibernate",
    "vmbus_suspend(dev=0)",
    "host_rescind(chan=2)",
    "vmbus_suspend(dev=1)",
    "vmbus_bus_suspend_begin",
    "host_rescind(chan=3)",
  ]);
});

Deno.test("hv_vmbus no_cleanup_wait unloads before the sub-channel rescinds: a sub-channel in the image", () => {
  const r = checkSync(model, { params: { variant: "no_cleanup_wait", rescindLate: true } });
  assert.equal(r.distinctStates, 15886);
  assertHoldsExcept(r, [
    "image_holds_no_subchannels",
    "image_holds_no_live_hvsock",
    "image_channels_closed",
    "open_channel_relid_matches_host",
    "s4_with_connection_unloaded",
  ]);
  const unload = [
    "hibernate",
    "vmbus_suspend(dev=0)",
    "vmbus_suspend(dev=1)",
    "vmbus_bus_suspend_begin",
    "vmbus_bus_suspend_unload",
    "create_image",
  ];
  assert.deepEqual(trace(r, "image_holds_no_subchannels"), unload);
  assert.deepEqual(trace(r, "image_holds_no_live_hvsock"), ["hvsock_connect", ...unload]);
});

Deno.test("hv_vmbus driver_keeps_subchannels: vmbus_bus_suspend waits forever", () => {
  const r = checkSync(model, { params: { variant: "driver_keeps_subchannels" } });
  assert.equal(r.distinctStates, 23);
  assertHoldsExcept(r, ["hibernation_always_ends", "bus_suspend_never_waits_on_user_space", "deadlock"]);
  const stuck = ["hibernate", "vmbus_suspend(dev=0)", "vmbus_suspend(dev=1)", "host_rescind(chan=3)"];
  assert.deepEqual(trace(r, "deadlock"), [...stuck, "vmbus_bus_suspend_begin"]);
  assert.deepEqual(trace(r, "hibernation_always_ends"), [
    ...stuck,
    "vmbus_bus_suspend_begin",
    "host_deliver(chan=2)",
  ]);
  assert.equal(status(r, "hibernation_completes"), "not witnessed");
});

Deno.test("hv_vmbus no_relid_fixup: a primary reopens under its old relid, the host means another channel", () => {
  const r = checkSync(model, { params: { variant: "no_relid_fixup" } });
  assert.equal(r.distinctStates, 3816);
  assertHoldsExcept(r, ["open_channel_relid_matches_host", "host_delivery_lands_on_its_channel"]);
  const head = ["hibernate", ...suspendBoth, "create_image", "vmbus_bus_resume_connect"];
  assert.deepEqual(trace(r, "open_channel_relid_matches_host"), [
    ...head,
    "host_offer(dev=1)",
    "host_offer(dev=0)",
    "vmbus_resume(dev=0)",
  ]);
  // The host gives the hv_sock offer relid 0, which primary 0 of the image still holds.
  assert.deepEqual(trace(r, "host_delivery_lands_on_its_channel"), [
    ...head,
    "hvsock_connect",
    "host_deliver(chan=4)",
  ]);
});

Deno.test("hv_vmbus hot-added memory: the VM resumes with less memory than the image", () => {
  const r = checkSync(model, { params: { hotAdd: true } });
  assert.equal(r.distinctStates, 3788);
  assertHoldsExcept(r, ["image_memory_matches_vm"]);
  assert.deepEqual(trace(r, "image_memory_matches_vm"), ["balloon_hot_add", ...toS4, "boot_on_resume"]);
});

Deno.test("hv_vmbus a UIO device refuses hibernation and the VM keeps running", () => {
  const r = checkSync(model, { params: { uio: true } });
  assert.equal(r.distinctStates, 125);
  assertHoldsExcept(r, []);
  assert.equal(status(r, "hibernation_refused_vm_running"), "witnessed");
  assert.equal(status(r, "hibernation_completes"), "not witnessed");
});

Deno.test("hv_vmbus uio_suspend_ignored: hibernation goes on with the UIO channel open", () => {
  const r = checkSync(model, { params: { uio: true, variant: "uio_suspend_ignored" } });
  assert.equal(r.distinctStates, 10748);
  assertHoldsExcept(r, [
    "image_channels_closed",
    "open_channel_relid_matches_host",
    "no_suspend_hook_refuses_hibernation",
    "s4_with_connection_unloaded",
  ]);
  assert.deepEqual(trace(r, "open_channel_relid_matches_host"), [
    "hibernate",
    "vmbus_suspend(dev=0)",
    "host_rescind(chan=3)",
    "vmbus_suspend(dev=1)",
    "host_rescind(chan=4)",
    "vmbus_suspend(dev=2)",
    "vmbus_bus_suspend_begin",
    "vmbus_bus_suspend_unload",
  ]);
});

Deno.test("hv_vmbus fires every action in some configuration", () => {
  const configs = [{}, { vf: true, resumeOn: "azure_new_vm" }, { hotAdd: true }, { uio: true }, {
    offersInTime: false,
  }];
  const unfired = configs.map((params) => new Set(checkSync(model, { params }).unfiredActions));
  const never = [...unfired[0]!].filter((name) => unfired.every((set) => set.has(name)));
  assert.deepEqual(never, []);
});
