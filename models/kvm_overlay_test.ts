import assert from "node:assert/strict";
import { checkSync } from "../mod.ts";
import kvmOverlay from "./kvm_overlay.ts";

type Params = Record<string, string | number>;

function run(params: Params) {
  return checkSync(kvmOverlay, { params: { frames: 2, vcpus: 1, ...params } });
}

function status(r: ReturnType<typeof run>, name: string) {
  const p = r.properties.find((p) => p.name === name);
  assert.ok(p, `no property ${name}`);
  return p;
}

function steps(r: ReturnType<typeof run>, name: string): string[] {
  return status(r, name).trace!.actions.map((a) =>
    `${a.name}(${Object.entries(a.params).map(([k, v]) => `${k}=${v}`).join(",")})`
  );
}

Deno.test("kvm_overlay current_kvm: enable, disable, read shows the stub, not the guest's data", () => {
  const r = run({ variant: "current_kvm", kinds: "hypercall", vtls: 1 });
  assert.equal(r.distinctStates, 32);
  assert.deepEqual(steps(r, "msr_write_preserves_ram"), ["enable(vtl=0,kind=hypercall,vcpu=0,frame=0)"]);
  assert.deepEqual(steps(r, "guest_read_sees_tlfs_view"), [
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "disable(vtl=0,kind=hypercall,vcpu=0)",
    "guest_read(vtl=0,frame=0)",
  ]);
  const last = status(r, "guest_read_sees_tlfs_view").trace!.states.at(-1)!;
  assert.deepEqual(last.ram, ["stub", "data_a"]);
  assert.deepEqual(last.tlfsRam, ["data_a", "data_a"]);
  assert.equal(status(r, "uncovered_guest_data_visible").status, "not witnessed");
});

Deno.test("kvm_overlay current_kvm with VSM: one VTL's MSR write changes the other VTL's view", () => {
  const r = run({ variant: "current_kvm", kinds: "hypercall_vp_assist", vtls: 2 });
  assert.equal(r.distinctStates, 66808);
  assert.equal(r.verdict, "violated");
  assert.deepEqual(steps(r, "msr_write_keeps_other_vtl_views"), [
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
  ]);
  assert.deepEqual(steps(r, "guest_read_sees_tlfs_view"), [
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "guest_read(vtl=1,frame=0)",
  ]);
  assert.deepEqual(steps(r, "hypervisor_use_preserves_ram"), [
    "enable(vtl=0,kind=vp_assist,vcpu=0,frame=0)",
    "hypervisor_use(vtl=0,kind=vp_assist,vcpu=0)",
  ]);
  assert.deepEqual(r.unfiredActions, []);
});

Deno.test("kvm_overlay exit_hyperv_overlay as posted: no exit on disable, the page stays mapped", () => {
  const r = run({ variant: "exit_hyperv_overlay", kinds: "hypercall", vtls: 1 });
  assert.equal(r.distinctStates, 196);
  assert.equal(status(r, "msr_write_preserves_ram").status, "holds");
  assert.deepEqual(steps(r, "guest_read_sees_tlfs_view"), [
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "disable(vtl=0,kind=hypercall,vcpu=0)",
    "guest_read(vtl=0,frame=0)",
  ]);
  const last = status(r, "guest_read_sees_tlfs_view").trace!.states.at(-1)! as { ram: string[] };
  assert.deepEqual(last.ram, ["data_a", "data_a"]);
});

Deno.test("kvm_overlay exit_hyperv_overlay_on_disable: the hypercall page holds in one VTL", () => {
  const r = run({ variant: "exit_hyperv_overlay_on_disable", kinds: "hypercall", vtls: 1 });
  assert.equal(r.distinctStates, 32);
  assert.equal(r.verdict, "violated"); // only because the move and two-VTL witnesses cannot happen here
  for (const name of ["msr_write_preserves_ram", "vtl_view_matches_tlfs", "guest_read_sees_tlfs_view"]) {
    assert.equal(status(r, name).status, "holds", name);
  }
});

Deno.test("kvm_overlay exit_hyperv_overlay_on_disable leaves VTL views, SynIC and VP assist open", () => {
  const vsm = run({ variant: "exit_hyperv_overlay_on_disable", kinds: "hypercall", vtls: 2 });
  assert.equal(vsm.distinctStates, 1900);
  assert.equal(status(vsm, "msr_write_preserves_ram").status, "holds");
  assert.deepEqual(steps(vsm, "guest_read_sees_tlfs_view"), [
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "guest_read(vtl=1,frame=0)",
  ]);
  const synic = run({ variant: "exit_hyperv_overlay_on_disable", kinds: "synic", vtls: 1 });
  assert.equal(synic.distinctStates, 2600);
  assert.deepEqual(steps(synic, "msr_write_preserves_ram"), ["enable(vtl=0,kind=simp,vcpu=0,frame=0)"]);
  assert.deepEqual(steps(synic, "hypervisor_use_preserves_ram"), [
    "enable(vtl=0,kind=simp,vcpu=0,frame=0)",
    "hypervisor_use(vtl=0,kind=simp,vcpu=0)",
  ]);
  const assist = run({ variant: "exit_hyperv_overlay_on_disable", kinds: "vp_assist", vtls: 1 });
  assert.equal(assist.distinctStates, 200);
  assert.deepEqual(steps(assist, "msr_write_preserves_ram"), ["enable(vtl=0,kind=vp_assist,vcpu=0,frame=0)"]);
});

Deno.test("kvm_overlay tlfs_spec holds, with every witness reached", () => {
  const r = run({ variant: "tlfs_spec", kinds: "hypercall_vp_assist", vtls: 2 });
  assert.equal(r.distinctStates, 8568);
  assert.equal(r.verdict, "holds");
  assert.deepEqual(r.unfiredActions, []);
  assert.deepEqual(steps(r, "both_vtls_overlay_one_frame"), [
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "enable(vtl=1,kind=hypercall,vcpu=0,frame=0)",
  ]);
  assert.deepEqual(steps(r, "uncovered_guest_data_visible"), [
    "guest_write(vtl=0,frame=0,data=data_b)",
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "disable(vtl=0,kind=hypercall,vcpu=0)",
  ]);
  assert.deepEqual(steps(r, "used_overlay_moved"), [
    "enable(vtl=0,kind=vp_assist,vcpu=0,frame=0)",
    "hypervisor_use(vtl=0,kind=vp_assist,vcpu=0)",
    "move(vtl=0,kind=vp_assist,vcpu=0,frame=1)",
  ]);
  const all = run({ variant: "tlfs_spec", kinds: "all", vtls: 1 });
  assert.equal(all.distinctStates, 18360);
  for (const p of all.properties) if (p.kind !== "sometimes") assert.equal(p.status, "holds", p.name);
});

Deno.test("kvm_overlay vmm_overlay refines the TLFS across VTL switches, and every exit is handled", () => {
  const r = run({ variant: "vmm_overlay", kinds: "hypercall_vp_assist", vtls: 2 });
  assert.equal(r.distinctStates, 65952);
  assert.equal(r.verdict, "holds");
  assert.deepEqual(r.unfiredActions, []);
  // VTL0's data B under VTL0's own hypercall page is what VTL1 sees after the switch.
  assert.deepEqual(steps(r, "vtl_switch_uncovers_guest_data"), [
    "guest_write(vtl=0,frame=0,data=data_b)",
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "vmm_handle_exit()",
    "vtl_switch(to=1)",
    "vmm_handle_exit()",
  ]);
  const two = run({ variant: "vmm_overlay", kinds: "vp_assist", vcpus: 2, vtls: 2 });
  assert.equal(two.distinctStates, 289056);
  assert.equal(two.verdict, "holds");
});

Deno.test("kvm_overlay vmm_overlay_no_vtl_remap: the VTL entered sees the VTL left's hypercall page", () => {
  const r = run({ variant: "vmm_overlay_no_vtl_remap", kinds: "hypercall", vtls: 2 });
  assert.equal(r.distinctStates, 12620);
  assert.deepEqual(steps(r, "vtl_view_matches_tlfs"), [
    "enable(vtl=0,kind=hypercall,vcpu=0,frame=0)",
    "vmm_handle_exit()",
    "vtl_switch(to=1)",
  ]);
  assert.equal(status(r, "msr_write_preserves_ram").status, "holds");
  assert.equal(status(r, "overlay_exit_is_handled").status, "holds");
});

Deno.test("kvm_overlay defaults are the vmm_overlay gate", () => {
  const r = checkSync(kvmOverlay);
  assert.equal(r.distinctStates, 65952);
  assert.equal(r.verdict, "holds");
});
