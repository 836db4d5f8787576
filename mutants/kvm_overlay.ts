/**
 * Bug mutants of kvm_overlay's candidate implementation (vmm_overlay): KVM exits on every overlay MSR
 * write and VTL switch, the VMM swaps per-VTL pages in the one memory view. Each stands for a plausible
 * mistake in KVM's exit path or in the VMM's handler.
 *
 * @module
 */

import { mutants } from "./mutant.ts";

const file = "models/kvm_overlay.ts";

export default mutants("kvm_overlay", [
  {
    name: "disable_raises_no_exit",
    change:
      "KVM's disable branch records the MSR and breaks out before raising the overlay exit (the posted " +
      "patch's early break), so the VMM leaves the page mapped",
    file,
    find: "if (vmm) raiseMsrExit(s, a.vtl, slotOf(a.kind, a.vcpu));",
    replace: "if (vmm) void 0;",
  },
  {
    name: "move_raises_no_exit",
    change: "KVM raises the overlay exit only when the enable bit turns on, so a move to another GPA is " +
      "recorded in the MSR but the VMM's page stays at the old GPA",
    file,
    find:
      "            place(s, a.vtl, a.kind, a.vcpu, a.frame);\n          },\n        }),\n        // VTL call",
    replace:
      "            if (vmm) o.at = a.frame;\n            else place(s, a.vtl, a.kind, a.vcpu, a.frame);\n" +
      "          },\n        }),\n        // VTL call",
  },
  {
    name: "vmm_ignores_disable_exit",
    change: "the VMM's exit handler maps the page at the MSR's GPA but does nothing when the MSR was " +
      "disabled, so the page is never removed",
    file,
    find: "                o.mapped = o.at;\n              } else {",
    replace: "                if (o.at !== OFF) o.mapped = o.at;\n              } else {",
  },
  {
    name: "vmm_fresh_page_on_map",
    change: "the VMM allocates a fresh, initialised page whenever it maps an overlay, so the overlay's " +
      "content (a pending message, apic_assist) does not survive a move or an off/on",
    file,
    find: "                o.mapped = o.at;\n              } else {",
    replace:
      "                o.mapped = o.at;\n                if (o.at !== OFF) o.page = INITIAL[kindOf(s.exit.slot)];\n" +
      "              } else {",
  },
  {
    name: "vmm_writes_stub_before_mapping",
    change: "the VMM copies the exit's hypercall stub to the GPA before it maps its page there, so the " +
      "copy lands in guest RAM",
    file,
    find: "                const o = s.ov[s.exit.vtl]![s.exit.slot]!;",
    replace: "                const o = s.ov[s.exit.vtl]![s.exit.slot]!;\n" +
      '                if (o.at !== OFF && kindOf(s.exit.slot) === "hypercall") s.ram.set(o.at, "stub");',
  },
  {
    name: "vmm_unmaps_entered_vtl",
    change: "on a VTL switch the VMM unmaps the pages of the VTL it enters instead of the VTL it left",
    file,
    find: "for (const slot of slots) s.ov[s.exit.vtl]![slot]!.mapped = OFF;",
    replace: "for (const slot of slots) s.ov[s.active]![slot]!.mapped = OFF;",
  },
  {
    name: "vtl_exit_names_entered_vtl",
    change: "KVM fills the VTL-switch exit after switching, so the exit names the VTL entered, not the one " +
      "left, and the VMM removes the wrong VTL's pages",
    file,
    find: "                s.exit.vtl = left;",
    replace: "                s.exit.vtl = s.active;",
  },
  {
    name: "vtl_switch_misses_second_vcpu",
    change: "the VMM's VTL-switch walk remaps only the boot vCPU's SynIC and VP assist pages (a missed vCPU)",
    file,
    find: "for (let c = 0; c < vcpus; c++)",
    replace: "for (let c = 0; c < 1; c++)",
  },
  {
    name: "vtl_switch_forgets_vp_assist",
    change: "the VMM's VTL-switch walk lists SIMP and SIEFP but forgets the VP assist page",
    file,
    find: "for (const k of PER_VCPU) slots.push(slotOf(k, c));",
    replace: 'for (const k of ["simp", "siefp"] as const) slots.push(slotOf(k, c));',
  },
  {
    name: "vtl_switch_skips_hypercall_page",
    change:
      "the VTL-switch walk starts at the per-vCPU pages and forgets the partition-wide hypercall page " +
      "(an off-by-one in the slot walk)",
    file,
    find: '  const slots = [slotOf("hypercall", 0)];',
    replace: "  const slots: number[] = [];",
  },
  {
    name: "kvm_writes_overlay_through_gpa",
    change:
      "KVM delivers SynIC messages and apic_assist with kvm_vcpu_write_guest_page() at the MSR's GPA, " +
      "so they land in whatever the memory view maps there now (RAM, or another VTL's or overlay's page)",
    file,
    find: "            if (overlaid(variant, a.kind)) o.page = ON_USE[a.kind];",
    replace: "            const t = isVmm(variant) ? mappedOverlayAt(s, variant, a.vtl, o.at) : o;\n" +
      "            if (isVmm(variant) && !t) s.ram.set(o.at, ON_USE[a.kind]);\n" +
      "            else if (overlaid(variant, a.kind)) t!.page = ON_USE[a.kind];",
  },
  {
    name: "guest_runs_with_exit_pending",
    change: "KVM re-enters the guest without checking KVM_REQ_HV_EXIT, so the vCPU runs before the VMM has " +
      "remapped",
    file,
    find: '(v === s.active && s.exit.kind === "none")',
    replace: "v === s.active",
  },
  {
    name: "vmm_never_completes_exit",
    change: "the VMM handles the overlay exit but never marks it complete, so the vCPU never re-enters the " +
      "guest",
    file,
    find: '              s.exit.kind = "none";\n',
    replace: "",
  },
  {
    name: "vtl_switch_raises_no_exit",
    change: "KVM handles VTL call and VTL return in the kernel without an exit to userspace",
    file,
    find: '                s.exit.kind = "vtl_switch";',
    replace: "                void 0;",
  },
  {
    name: "msr_exit_maps_for_running_vtl",
    change:
      "the VMM handles an MSR exit for the VTL that runs when it gets to it rather than the VTL the exit " +
      "names, so a page is mapped for the wrong VTL after a switch",
    file,
    find: "                const o = s.ov[s.exit.vtl]![s.exit.slot]!;",
    replace: "                const o = s.ov[s.active]![s.exit.slot]!;",
    equivalent:
      "Only the running VTL writes its overlay MSRs and its vCPU waits for the exit, so the VTL an " +
      "MSR exit names is always the active one when the VMM handles it.",
  },
]);
