/**
 * Proof gates for kvm_overlay (KVM_EXIT_HYPERV_OVERLAY), each implementation against the TLFS: current
 * KVM writes guest memory for every overlay kind; the posted patch fixes the hypercall page only on
 * enable and move, and leaves disable, the SynIC pages, the VP assist page and VTL views open; the
 * candidate with an exit on every overlay MSR write and VTL switch refines the TLFS, and without the
 * VTL-switch exit it does not.
 *
 * @module
 */

import { gate } from "../src/check/gate.ts";

// Each gate also caps its search at about three times its state count: a mutated model whose stale
// mappings multiply the states stops there (and fails its gate) instead of running for minutes.

const model = "kvm_overlay";

export default [
  gate({
    name: "kvm_overlay_current_kvm_hypercall_violated",
    model,
    params: { variant: "current_kvm", kinds: "hypercall", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: { violated: 1 },
      hypervisor_use_preserves_ram: "holds",
      impl_refines_tlfs: { violated: 1 },
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "not witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 30,
    maxStates: 1_000,
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
      impl_refines_tlfs: { violated: 1 },
      vtl_view_matches_tlfs: { violated: 1 },
      guest_read_sees_tlfs_view: { violated: 2 },
      msr_write_keeps_other_vtl_views: { violated: 1 },
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      deadlock: "holds",
    },
    minStates: 60_000,
    maxStates: 201_000,
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
      impl_refines_tlfs: { violated: 3 },
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 190,
    maxStates: 1_000,
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
      impl_refines_tlfs: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 30,
    maxStates: 1_000,
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
      impl_refines_tlfs: { violated: 2 },
      vtl_view_matches_tlfs: { violated: 1 },
      guest_read_sees_tlfs_view: { violated: 2 },
      msr_write_keeps_other_vtl_views: { violated: 1 },
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      deadlock: "holds",
    },
    minStates: 1_800,
    maxStates: 6_000,
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
      impl_refines_tlfs: { violated: 1 },
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "not witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 2_500,
    maxStates: 8_000,
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
      impl_refines_tlfs: { violated: 1 },
      vtl_view_matches_tlfs: { violated: 2 },
      guest_read_sees_tlfs_view: { violated: 3 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "not witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 190,
    maxStates: 1_000,
    why: "The patch leaves kvm_hv_set_msr(HV_X64_MSR_VP_ASSIST_PAGE)'s apic_assist write and the PV EOI " +
      "writes in guest RAM, so the VP assist page still corrupts R[g]; one VTL suffices.",
  }),
  gate({
    name: "kvm_overlay_tlfs_spec_holds",
    model,
    params: { variant: "tlfs_spec", kinds: "hypercall_vp_assist", frames: 2, vcpus: 1, vtls: 2 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      impl_refines_tlfs: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      deadlock: "holds",
    },
    minStates: 8_500,
    maxStates: 26_000,
    why:
      "The TLFS semantics against itself (the implementation state mirrors the ghosts), so its safety holds " +
      "by construction; the gate shows the specification's own paths are reachable: both VTLs stacked on one " +
      "frame, a used page moved, guest data B shown again after a disable.",
  }),
  gate({
    name: "kvm_overlay_tlfs_spec_all_kinds_holds",
    model,
    params: { variant: "tlfs_spec", kinds: "all", frames: 2, vcpus: 1, vtls: 1 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      impl_refines_tlfs: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "not witnessed",
      deadlock: "holds",
    },
    minStates: 18_000,
    maxStates: 56_000,
    why:
      "The specification with all four kinds in one VTL: up to four overlays stacked on one of two frames, " +
      "each used, moved and disabled in every order, so the stacking order the model fixes is exercised.",
  }),
  gate({
    name: "kvm_overlay_vmm_overlay_vsm_holds",
    model,
    params: { variant: "vmm_overlay", kinds: "hypercall_vp_assist", frames: 2, vcpus: 1, vtls: 2 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      impl_refines_tlfs: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      vtl_switch_shows_entered_overlay: "witnessed",
      vtl_switch_uncovers_guest_data: "witnessed",
      overlay_exit_is_handled: "holds",
      deadlock: "holds",
    },
    minStates: 65_000,
    maxStates: 198_000,
    why:
      "The candidate (an exit on every overlay MSR write and VTL switch, the VMM swapping per-VTL pages in " +
      "one memory view) refines the TLFS with a partition-wide and a per-vCPU kind in both VTLs over two " +
      "frames: every disable, move and VTL switch is followed by a read and a write of each frame, the " +
      "entered VTL sees its own page where the other has one and guest data where only the other has one, " +
      "and a weakly fair VMM handles every exit.",
  }),
  gate({
    name: "kvm_overlay_vmm_overlay_two_vcpus_holds",
    model,
    params: { variant: "vmm_overlay", kinds: "vp_assist", frames: 2, vcpus: 2, vtls: 2 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      impl_refines_tlfs: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      vtl_switch_shows_entered_overlay: "witnessed",
      vtl_switch_uncovers_guest_data: "witnessed",
      overlay_exit_is_handled: "holds",
      deadlock: "holds",
    },
    minStates: 280_000,
    maxStates: 868_000,
    why: "Per-vCPU pages of two vCPUs in two VTLs: the VMM's VTL switch must remap every vCPU's page, not " +
      "only the first, and two vCPUs' pages on one frame must not disturb each other; a second vCPU is the " +
      "smallest case where a walk that misses one shows.",
  }),
  gate({
    name: "kvm_overlay_vmm_no_vtl_remap_violated",
    model,
    params: { variant: "vmm_overlay_no_vtl_remap", kinds: "hypercall", frames: 2, vcpus: 1, vtls: 2 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      impl_refines_tlfs: { violated: 4 },
      vtl_view_matches_tlfs: { violated: 3 },
      guest_read_sees_tlfs_view: { violated: 4 },
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "not witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      vtl_switch_shows_entered_overlay: "not witnessed",
      vtl_switch_uncovers_guest_data: "not witnessed",
      overlay_exit_is_handled: "holds",
      deadlock: "holds",
    },
    minStates: 12_000,
    maxStates: 38_000,
    why:
      "Without an exit on VTL switch the VMM never remaps: VTL0 enables its hypercall page at g, the VMM " +
      "maps it, VTL1 runs and sees VTL0's stub at g (3 steps), and its write there lands in VTL0's page; the " +
      "hypercall page alone shows it.",
  }),
  gate({
    name: "kvm_overlay_vmm_overlay_two_vcpus_slow_holds",
    model,
    params: { variant: "vmm_overlay", kinds: "hypercall_vp_assist", frames: 2, vcpus: 2, vtls: 2 },
    expect: {
      msr_write_preserves_ram: "holds",
      hypervisor_use_preserves_ram: "holds",
      impl_refines_tlfs: "holds",
      vtl_view_matches_tlfs: "holds",
      guest_read_sees_tlfs_view: "holds",
      msr_write_keeps_other_vtl_views: "holds",
      uncovered_guest_data_visible: "witnessed",
      used_overlay_moved: "witnessed",
      both_vtls_overlay_one_frame: "witnessed",
      vtl_switch_shows_entered_overlay: "witnessed",
      vtl_switch_uncovers_guest_data: "witnessed",
      overlay_exit_is_handled: "holds",
      deadlock: "holds",
    },
    minStates: 3_234_568,
    why:
      "The larger configuration (3,234,568 states, 18 million transitions, about 15 s on one thread, 35 s when the machine is shared): " +
      "the hypercall page and both vCPUs' VP assist pages in both VTLs, so a VTL switch swaps up to three " +
      "pages per VTL in the one memory view while messages keep arriving; every exit is handled.",
    tags: ["slow"],
  }),
];
