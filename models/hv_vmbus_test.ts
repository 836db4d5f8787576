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

const SAFETY = [
  "image_holds_no_subchannels",
  "image_holds_no_live_hvsock",
  "image_channels_closed",
  "open_channel_relid_matches_host",
  "host_delivery_lands_on_its_channel",
  "image_memory_matches_vm",
  "no_suspend_hook_refuses_hibernation",
  "resumed_devices_matched",
  "bus_suspend_wait_finishes",
  "bus_resume_wait_finishes",
  "deadlock",
];

function assertHoldsExcept(r: Result, violated: readonly string[]): void {
  for (const name of SAFETY) {
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

Deno.test("hv_vmbus upstream on the same VM: every property holds, the relids change, resume completes", () => {
  const r = checkSync(model);
  assert.equal(r.distinctStates, 2768);
  assert.equal(r.verdict, "violated"); // only because two witnesses belong to other configurations
  assertHoldsExcept(r, []);
  assert.equal(status(r, "hibernation_completes"), "witnessed");
  assert.equal(status(r, "resume_completes"), "witnessed");
  assert.equal(status(r, "relid_reassigned_on_resume"), "witnessed");
  assert.equal(status(r, "resume_completes_with_broken_device"), "not witnessed");
  assert.equal(status(r, "hibernation_refused_vm_running"), "not witnessed");
  assert.deepEqual(r.unfiredActions, [
    "balloon_hot_add",
    "azure_remove_vf",
    "vmbus_bus_resume_timeout",
    "hibernation_aborted",
  ]);
});

Deno.test("hv_vmbus upstream on a new Azure VM with a VF removed by Azure first: every property holds", () => {
  const r = checkSync(model, { params: { vf: true, resumeOn: "azure_new_vm" } });
  assert.equal(r.distinctStates, 7430);
  assertHoldsExcept(r, []);
  assert.equal(status(r, "resume_completes"), "witnessed");
});

Deno.test("hv_vmbus self-initiated hibernation on Azure leaves the VF in the image: a broken device", () => {
  const r = checkSync(model, { params: { vf: true, initiator: "self", resumeOn: "azure_new_vm" } });
  assert.equal(r.distinctStates, 14304);
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
  assert.deepEqual(trace(r, "resumed_devices_matched"), [
    "hibernate",
    ...suspendAll,
    "create_image",
    ...reconnect,
    "vmbus_resume(dev=0)",
    "vmbus_resume(dev=1)",
    "vmbus_resume(dev=2)",
    "swsusp_write",
    ...suspendAll,
    "boot_on_resume",
    "swsusp_arch_resume",
    ...reconnect,
    "vmbus_bus_resume_timeout",
  ]);
  assert.equal(status(r, "resume_completes_with_broken_device"), "witnessed");
});

Deno.test("hv_vmbus resume on a new local Hyper-V VM: new instance GUIDs, the bounded wait ends broken", () => {
  const r = checkSync(model, { params: { resumeOn: "local_new_vm" } });
  assert.equal(r.distinctStates, 2554);
  assertHoldsExcept(r, ["resumed_devices_matched"]);
  assert.equal(trace(r, "resumed_devices_matched").at(-1), "vmbus_bus_resume_timeout");
  assert.equal(trace(r, "resumed_devices_matched").length, 26);
  assert.equal(status(r, "resume_completes_with_broken_device"), "witnessed");
});

Deno.test("hv_vmbus unbounded_resume_wait hangs when offers are missing and is fine when they all come", () => {
  const missing = checkSync(model, {
    params: { variant: "unbounded_resume_wait", resumeOn: "local_new_vm" },
  });
  assert.equal(missing.distinctStates, 2402);
  // The host can still open hv_sock connections, so the hang is no deadlock: the invariant sees it.
  assertHoldsExcept(missing, ["bus_resume_wait_finishes"]);
  assert.equal(status(missing, "resume_completes"), "not witnessed");
  const hang = trace(missing, "bus_resume_wait_finishes");
  assert.equal(hang.length, 25);
  assert.deepEqual(hang.slice(-4), [
    "swsusp_arch_resume",
    "vmbus_bus_resume_connect",
    "host_offer(dev=0)",
    "host_offer(dev=1)",
  ]);
  const quiet = checkSync(model, {
    params: { variant: "unbounded_resume_wait", resumeOn: "local_new_vm", hvsock: false },
  });
  assert.equal(quiet.distinctStates, 53);
  assertHoldsExcept(quiet, ["bus_resume_wait_finishes", "deadlock"]);
  assert.deepEqual(trace(quiet, "deadlock"), hang);
  const same = checkSync(model, { params: { variant: "unbounded_resume_wait" } });
  assert.equal(same.distinctStates, 2768);
  assertHoldsExcept(same, []);
});

Deno.test("hv_vmbus no_cleanup_wait unloads before the sub-channel rescinds: a sub-channel in the image", () => {
  const r = checkSync(model, { params: { variant: "no_cleanup_wait" } });
  assert.equal(r.distinctStates, 15886);
  assertHoldsExcept(r, [
    "image_holds_no_subchannels",
    "image_holds_no_live_hvsock",
    "image_channels_closed",
    "open_channel_relid_matches_host",
  ]);
  assert.deepEqual(trace(r, "image_holds_no_subchannels"), [
    "hibernate",
    "vmbus_suspend(dev=0)",
    "vmbus_suspend(dev=1)",
    "vmbus_bus_suspend_begin",
    "vmbus_bus_suspend_unload",
    "create_image",
  ]);
  assert.deepEqual(trace(r, "image_holds_no_live_hvsock"), [
    "hvsock_connect",
    "hibernate",
    "vmbus_suspend(dev=0)",
    "vmbus_suspend(dev=1)",
    "vmbus_bus_suspend_begin",
    "vmbus_bus_suspend_unload",
    "create_image",
  ]);
});

Deno.test("hv_vmbus driver_keeps_subchannels: vmbus_bus_suspend waits forever", () => {
  const r = checkSync(model, { params: { variant: "driver_keeps_subchannels" } });
  assert.equal(r.distinctStates, 31);
  assertHoldsExcept(r, ["bus_suspend_wait_finishes"]);
  assert.deepEqual(trace(r, "bus_suspend_wait_finishes"), [
    "hibernate",
    "vmbus_suspend(dev=0)",
    "vmbus_suspend(dev=1)",
    "vmbus_bus_suspend_begin",
  ]);
  assert.equal(status(r, "hibernation_completes"), "not witnessed");
});

Deno.test("hv_vmbus no_relid_fixup: a primary reopens under its old relid, the host means another channel", () => {
  const r = checkSync(model, { params: { variant: "no_relid_fixup" } });
  assert.equal(r.distinctStates, 5542);
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
  assert.equal(r.distinctStates, 5536);
  assertHoldsExcept(r, ["image_memory_matches_vm"]);
  assert.deepEqual(trace(r, "image_memory_matches_vm"), [
    "balloon_hot_add",
    "hibernate",
    ...suspendBoth,
    "create_image",
    "vmbus_bus_resume_connect",
    "host_offer(dev=0)",
    "host_offer(dev=1)",
    "vmbus_resume(dev=0)",
    "vmbus_resume(dev=1)",
    "swsusp_write",
    ...suspendBoth,
    "boot_on_resume",
  ]);
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
  assert.equal(r.distinctStates, 14154);
  assertHoldsExcept(r, [
    "image_channels_closed",
    "open_channel_relid_matches_host",
    "no_suspend_hook_refuses_hibernation",
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
    resumeOn: "local_new_vm",
  }];
  const unfired = configs.map((params) => new Set(checkSync(model, { params }).unfiredActions));
  const never = [...unfired[0]!].filter((name) => unfired.every((set) => set.has(name)));
  assert.deepEqual(never, []);
});
