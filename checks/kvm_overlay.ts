/**
 * Proof gates for kvm_overlay (KVM_EXIT_HYPERV_OVERLAY): current KVM writes guest memory
 * for every overlay kind; the posted patch fixes the hypercall page only on enable and move, and
 * leaves disable, the SynIC pages, the VP assist page and VTL views open; real per-VTL overlays hold.
 *
 * @module
 */

import { gate } from "../src/check/gate.ts";

const model = "kvm_overlay";

export default [
  gate({
    name: "kvm_overlay_current_kvm_hypercall_violated",
    model,
    params: { variant: "current_kvm", kinds: "hypercall", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: { violated: 1 },
      hypervisor_use_preserves_ram: "holds",
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "not witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 30,
    why: "The thread's bug with nothing else in the way: kvm_hv_set_msr_pw patches the stub over R[g], and " +
      "enable, disable, read of g shows the stub, not the guest's data; one VTL and the hypercall page suffice, " +
      "and with 2 frames no disable ever shows guest data B again (uncovered_guest_data_visible not witnessed).",
  }),
  gate({
    name: "kvm_overlay_current_kvm_vsm_violated",
    model,
    params: { variant: "current_kvm", kinds: "hypercall_vp_assist", frames: 2, vcpus: 1, vtls: 2 },
    expect: {
      msr_write_preserves_ram: { violated: 1 },
      hypervisor_use_preserves_ram: { violated: 2 },
      vtl_view_matches_tlfs: { violated: 1 },
      guest_read_sees_tlfs_view: { violated: 2 },
      msr_write_keeps_other_vtl_views: { violated: 1 },
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      deadlock: "holds",
    },
    minStates: 60_000,
    why: "With VSM one VTL's hypercall MSR write changes what the other VTL reads at g after one step, and " +
      "the VP assist page's apic_assist writes land in guest RAM; two VTLs and two kinds already show every " +
      "property fail or be witnessed (the search stops once all are decided).",
  }),
  gate({
    name: "kvm_overlay_exit_hyperv_overlay_disable_violated",
    model,
    params: { variant: "exit_hyperv_overlay", kinds: "hypercall", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 190,
    why:
      "The patch as posted keeps R[g] intact, but its exit sits after the disable branch's early break, so " +
      "userspace never removes the page and enable, disable, read of g still shows the stub; one VTL and the " +
      "hypercall page isolate this.",
  }),
  gate({
    name: "kvm_overlay_exit_on_disable_hypercall_holds",
    model,
    params: { variant: "exit_hyperv_overlay_on_disable", kinds: "hypercall", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 30,
    why: "With an exit on disable too, userspace handles the hypercall page as an overlay: every " +
      "enable/move/disable between two frames, with both data values written under it, keeps R[g] and the view.",
  }),
  gate({
    name: "kvm_overlay_exit_on_disable_vtl_violated",
    model,
    params: { variant: "exit_hyperv_overlay_on_disable", kinds: "hypercall", frames: 2, vcpus: 1, vtls: 2 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      vtl_view_matches_tlfs: { violated: 1 },
      guest_read_sees_tlfs_view: { violated: 2 },
      msr_write_keeps_other_vtl_views: { violated: 1 },
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      deadlock: "holds",
    },
    minStates: 1_800,
    why: "The exit carries no VTL and KVM has one guest-physical map, so the page userspace places for one " +
      "VTL is read by the other; the hypercall page alone with two VTLs shows it in one step.",
  }),
  gate({
    name: "kvm_overlay_exit_on_disable_synic_violated",
    model,
    params: { variant: "exit_hyperv_overlay_on_disable", kinds: "synic", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: { violated: 1 },
      hypervisor_use_preserves_ram: { violated: 2 },
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "not witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 2_500,
    why: "The patch leaves synic_set_msr's kvm_clear_guest and synic_deliver_msg's guest writes alone, so " +
      "enabling SIMP or SIEFP still wipes R[g]; one VTL suffices since the fault is in RAM itself.",
  }),
  gate({
    name: "kvm_overlay_exit_on_disable_vp_assist_violated",
    model,
    params: { variant: "exit_hyperv_overlay_on_disable", kinds: "vp_assist", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: { violated: 1 },
      hypervisor_use_preserves_ram: { violated: 2 },
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "not witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 190,
    why: "The patch leaves kvm_hv_set_msr(HV_X64_MSR_VP_ASSIST_PAGE)'s apic_assist write and the PV EOI " +
      "writes in guest RAM, so the VP assist page still corrupts R[g]; one VTL suffices.",
  }),
  gate({
    name: "kvm_overlay_per_vtl_overlays_holds",
    model,
    params: { variant: "per_vtl_overlays", kinds: "hypercall_vp_assist", frames: 2, vcpus: 1, vtls: 2 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      deadlock: "holds",
    },
    minStates: 8_500,
    why: "Real per-VTL overlays keep R[g] and every VTL's view through all enable/move/disable orders of a " +
      "partition-wide and a per-vCPU kind in both VTLs over two frames, with both VTLs stacked on one frame, " +
      "a used page moved and guest data B shown again after a disable.",
  }),
  gate({
    name: "kvm_overlay_per_vtl_overlays_all_kinds_holds",
    model,
    params: { variant: "per_vtl_overlays", kinds: "all", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 18_000,
    why: "All four kinds at once in one VTL: up to four overlays stacked on one of two frames, each used, " +
      "moved and disabled in every order, so the stacking order and content persistence are exercised.",
  }),
  gate({
    name: "kvm_overlay_per_vtl_overlays_all_kinds_two_vcpus_slow",
    model,
    params: { variant: "per_vtl_overlays", kinds: "all", frames: 2, vcpus: 2, vtls: 1 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 4_300_000,
    why: "All four kinds with two vCPUs, so seven overlays (the hypercall page and two each of SIMP, SIEFP " +
      "and VP assist) are enabled, used, moved and stacked over two frames in every order; it checks that " +
      "per-vCPU pages of different vCPUs on one frame do not disturb each other.",
    tags: ["slow"],
  }),
];
