/**
 * KVM's Hyper-V overlay pages: the hypercall page, the SynIC message page (SIMP), the SynIC event
 * page (SIEFP) and the VP assist page ("KVM: hyper-v: Add new exit reason HYPERV_OVERLAY").
 *
 * The specification is the Hyper-V TLFS: all four are GPA overlays. The guest picks a frame g with an
 * MSR write and the hypervisor places a page of its own there, covering the guest's RAM R[g]; disabling
 * the overlay removes it and R[g] shows again, unchanged; the overlay page keeps its own content while
 * it is off and when it moves. With VSM each VTL has its own overlays, and a VTL sees only its own. The
 * state carries that specification as ghosts (`tlfsRam`, each overlay's `tlfsPage`, with the MSR value
 * `at` shared), and every variant's implementation state (`ram`, each overlay's `mapped` and `page`) is
 * checked against it: `impl_refines_tlfs` says the implementation holds what the TLFS says in every
 * reachable state, `vtl_view_matches_tlfs` that a running VTL sees what the TLFS says it sees.
 *
 * Implementations (variant):
 * - current_kvm: kvm_hv_set_msr_pw(HV_X64_MSR_HYPERCALL) patches the stub into guest memory with
 *   kvm_vcpu_write_guest(); synic_set_msr() clears the guest page with kvm_clear_guest() when SIMP or
 *   SIEFP is enabled; kvm_hv_set_msr(HV_X64_MSR_VP_ASSIST_PAGE) writes 0 into apic_assist; the disable
 *   branches restore nothing.
 * - exit_hyperv_overlay, exit_hyperv_overlay_on_disable: the posted patch (an exit on an enabling
 *   hypercall MSR write only), and the patch with an exit on disable too.
 * - tlfs_spec: the specification itself (every kind a per-VTL overlay that the implementation state
 *   mirrors exactly); it shows the specification's witnesses are reachable.
 * - vmm_overlay: a candidate implementation of the TLFS in KVM and the VMM. Every write of the four MSRs
 *   and every VTL switch exits to userspace (KVM_EXIT_HYPERV, an overlay subtype naming the VTL and
 *   MSR); the vCPU does not re-enter the guest until the VMM has handled it. The VMM (QEMU) keeps one
 *   page per VTL and overlay and maps or unmaps it in the guest's one memory view (a subregion over
 *   system memory): on an MSR exit it moves that page to the MSR's GPA or removes it, on a VTL switch it
 *   removes the pages of the VTL left and maps those of the VTL entered ("During VTL switches, we plan
 *   to exit to user space to re-overlay the right per-VTL page"). KVM writes SynIC messages and
 *   apic_assist into the overlay page itself (the VMM's page), not through the GPA.
 * - vmm_overlay_no_vtl_remap: the same, but KVM switches VTLs in the kernel without an exit, so the VMM
 *   never remaps and the VTL entered sees the overlays of the VTL left.
 *
 * Abstractions: page contents are a small enum (guest data A or B, the hypercall stub, a zeroed page,
 * a posted SynIC message, a set event flag, a VP assist page with its apic_assist word clear or set);
 * a write of the apic_assist word is taken to replace the page's content. The guest writes only frames
 * its own VTL does not cover (writes into overlay pages - acking a SynIC message - are left out). When
 * one VTL has several overlays on one frame, the TLFS does not order them; the model fixes one order
 * (hypercall page, then per vCPU SIMP, SIEFP, VP assist) and uses it on both sides, so the order is
 * never the cause of a violation. In the vmm variants one VTL runs at a time (the vCPUs share it).
 *
 * @module
 */

import { arrayOf, bool, defineModel, enumOf, enumParam, int, intParam, range, recordOf } from "../mod.ts";
import type { ReadonlyView, RecordView } from "../mod.ts";

/** Abstract contents of a 4 KiB page. */
const CONTENTS = [
  "data_a",
  "data_b",
  "stub",
  "zeroed",
  "message",
  "event",
  "assist_clear",
  "assist_set",
] as const;
type Content = typeof CONTENTS[number];
const content = enumOf(...CONTENTS);

const KINDS = ["hypercall", "simp", "siefp", "vp_assist"] as const;
type Kind = typeof KINDS[number];
const PER_VCPU = ["simp", "siefp", "vp_assist"] as const;

/** What the page of a freshly created overlay holds (TLFS: the hypervisor initialises it). */
const INITIAL: Record<Kind, Content> = {
  hypercall: "stub",
  simp: "zeroed",
  siefp: "zeroed",
  vp_assist: "assist_clear",
};

/**
 * What KVM writes into the guest frame on an enabling MSR write: the stub (kvm_vcpu_write_guest in
 * kvm_hv_set_msr_pw), a zeroed page (kvm_clear_guest in synic_set_msr), apic_assist = 0 (__put_user in
 * kvm_hv_set_msr).
 */
const ON_ENABLE: Record<Kind, Content> = INITIAL;

/**
 * What the asynchronous use of an enabled overlay writes: a SynIC message (synic_deliver_msg ->
 * kvm_vcpu_write_guest_page), an event flag (the VMM, e.g. QEMU's hyperv_set_event_flag, writes the
 * SIEFP), the apic_assist EOI-avoidance bit (kvm_lapic PV EOI through the VP assist page). Nothing
 * writes the hypercall page after it is set up.
 */
const ON_USE: Record<Exclude<Kind, "hypercall">, Content> = {
  simp: "message",
  siefp: "event",
  vp_assist: "assist_set",
};

/** The overlay kinds each value of the `kinds` parameter enables. */
const KIND_SETS = {
  hypercall: ["hypercall"],
  vp_assist: ["vp_assist"],
  synic: ["simp", "siefp"],
  hypercall_vp_assist: ["hypercall", "vp_assist"],
  all: ["hypercall", "simp", "siefp", "vp_assist"],
} as const satisfies Record<string, readonly Kind[]>;

const VARIANTS = [
  "current_kvm",
  "exit_hyperv_overlay",
  "exit_hyperv_overlay_on_disable",
  "tlfs_spec",
  "vmm_overlay_no_vtl_remap",
  "vmm_overlay",
] as const;
type Variant = typeof VARIANTS[number];

/** The candidate implementations: KVM exits, the VMM maps per-VTL pages into one memory view. */
function isVmm(variant: Variant): boolean {
  return variant === "vmm_overlay" || variant === "vmm_overlay_no_vtl_remap";
}

/** Overlay slot in a VTL's array: 0 is the partition-wide hypercall page, then SIMP, SIEFP, VP assist per vCPU. */
function slotOf(kind: Kind, vcpu: number): number {
  return kind === "hypercall" ? 0 : 1 + 3 * vcpu + KINDS.indexOf(kind) - 1;
}

function kindOf(slot: number): Kind {
  return slot === 0 ? "hypercall" : KINDS[1 + (slot - 1) % 3]!;
}

/** The slots the VMM walks on a VTL switch: the hypercall page, then each vCPU's SIMP, SIEFP and VP assist. */
function vmmSlots(vcpus: number): number[] {
  const slots = [slotOf("hypercall", 0)];
  for (let c = 0; c < vcpus; c++) for (const k of PER_VCPU) slots.push(slotOf(k, c));
  return slots;
}

/** Whether this variant keeps a real overlay page (instead of writing guest memory) for `kind`. */
function overlaid(variant: Variant, kind: Kind): boolean {
  switch (variant) {
    case "current_kvm":
      return false;
    case "exit_hyperv_overlay":
    case "exit_hyperv_overlay_on_disable":
      // The patch exits to userspace for HV_X64_MSR_HYPERCALL only; SIMP, SIEFP and VP assist keep
      // writing guest memory.
      return kind === "hypercall";
    case "tlfs_spec":
    case "vmm_overlay_no_vtl_remap":
    case "vmm_overlay":
      return true;
  }
}

const OFF = -1;

/** The state variables. */
function fields(p: { readonly frames: number; readonly vcpus: number; readonly vtls: number }) {
  const slots = 1 + 3 * p.vcpus;
  return {
    /** Guest RAM as the implementation holds it. */
    ram: arrayOf(p.frames, content),
    /** Ghost: R[g] as the TLFS defines it (changed only by guest writes that reach RAM). */
    tlfsRam: arrayOf(p.frames, content),
    /** Per VTL, per overlay slot. */
    ov: arrayOf(
      p.vtls,
      arrayOf(
        slots,
        // at: the MSR (frame or off); mapped: where the implementation really has the overlay page;
        // page: that page's content; tlfsPage: ghost, the overlay's content per the TLFS.
        recordOf({
          at: int(OFF, p.frames - 1),
          mapped: int(OFF, p.frames - 1),
          page: content,
          tlfsPage: content,
        }),
      ),
    ),
    /** vmm variants: the VTL the vCPUs run in. */
    active: int(0, p.vtls - 1),
    /** vmm variants: the exit KVM has raised and the VMM not yet handled (an MSR's VTL and slot, or the VTL left). */
    exit: recordOf({
      kind: enumOf("none", "msr", "vtl_switch"),
      vtl: int(0, p.vtls - 1),
      slot: int(0, slots - 1),
    }),
    /** Ghost, per frame: an overlay left the frame and the guest has not written it since. */
    revealed: arrayOf(p.frames, bool),
    /** Ghost: an overlay whose page the hypervisor had written was moved. */
    movedUsed: bool,
    /** Ghost, vmm variants: the VMM has handled a VTL switch. */
    switched: bool,
  };
}

type F = ReturnType<typeof fields>;
type View = ReadonlyView<F>;
type State = RecordView<F>;

function makeModel() {
  return defineModel({
    name: "kvm_overlay",
    description:
      "KVM's Hyper-V overlay pages (hypercall, SIMP, SIEFP, VP assist) per VTL against the TLFS: enabling, moving " +
      "or disabling an overlay must not touch the guest RAM it covers, and each VTL sees its own topmost overlay or RAM.",
    params: {
      variant: enumParam({
        values: VARIANTS,
        default: "vmm_overlay",
        description:
          "current_kvm: writes guest memory; exit_hyperv_overlay: the 2021 patch as posted (exit on " +
          "hypercall enable only); exit_hyperv_overlay_on_disable: the patch plus an exit on disable; " +
          "tlfs_spec: the specification against itself; vmm_overlay: exits on every overlay MSR write and " +
          "VTL switch, the VMM maps per-VTL pages; vmm_overlay_no_vtl_remap: the same without the VTL exit",
      }),
      kinds: enumParam({
        values: ["hypercall", "vp_assist", "synic", "hypercall_vp_assist", "all"],
        default: "hypercall_vp_assist",
        description: "which overlay kinds the guest uses",
      }),
      frames: intParam({ min: 1, max: 3, default: 2, description: "guest frames" }),
      vcpus: intParam({
        min: 1,
        max: 2,
        default: 1,
        description: "vCPUs (SIMP, SIEFP, VP assist are per vCPU)",
      }),
      vtls: intParam({ min: 1, max: 2, default: 2, description: "virtual trust levels (VSM)" }),
    },
    state: fields,
    init: (s, p) => {
      s.ram.fill("data_a");
      s.tlfsRam.fill("data_a");
      for (let v = 0; v < p.vtls; v++) {
        s.ov[v]!.forEach((o, slot) => {
          o.page = INITIAL[kindOf(slot)];
          o.tlfsPage = INITIAL[kindOf(slot)];
        });
      }
    },
    actions: (p, { action }) => {
      const variant: Variant = p.variant;
      const vmm = isVmm(variant);
      const allowed: readonly Kind[] = KIND_SETS[p.kinds];
      const vtl = range(p.vtls), frame = range(p.frames), vcpu = range(p.vcpus);
      const kind = enumOf(...KINDS);
      const exists = (k: Kind, c: number) => allowed.includes(k) && (k !== "hypercall" || c === 0);
      const slots = vmmSlots(p.vcpus);

      /** KVM_EXIT_HYPERV with the overlay subtype: the vCPU leaves KVM_RUN until the VMM handles it. */
      const raiseMsrExit = (s: State, v: number, slot: number) => {
        s.exit.kind = "msr";
        s.exit.vtl = v;
        s.exit.slot = slot;
      };

      /** What the implementation does on an enabling MSR write (enable or move) to frame g. */
      const place = (s: State, v: number, k: Kind, c: number, g: number) => {
        const o = s.ov[v]![slotOf(k, c)]!;
        o.at = g;
        if (vmm) {
          raiseMsrExit(s, v, slotOf(k, c));
        } else if (overlaid(variant, k)) {
          o.mapped = g;
          // The exit carries the stub in data[]; userspace copies it into the page it places.
          if (variant !== "tlfs_spec") o.page = "stub";
        } else {
          s.ram.set(g, ON_ENABLE[k]);
        }
        s.revealed.set(g, false);
      };

      return [
        // The guest (some VTL) writes its own data to a frame it does not cover with an overlay.
        action("guest_write", {
          fair: "none",
          params: { vtl, frame, data: enumOf("data_a", "data_b") },
          guard: (s, a) => runs(s, variant, a.vtl) && ownOverlayAt(s, a.vtl, a.frame) === undefined,
          effect: (s, a) => {
            s.tlfsRam.set(a.frame, a.data);
            const o = mappedOverlayAt(s, variant, a.vtl, a.frame);
            if (o) o.page = a.data; // a page left mapped, or another VTL's, takes the write
            else s.ram.set(a.frame, a.data);
            s.revealed.set(a.frame, false);
          },
        }),
        // wrmsr with the enable bit: HV_X64_MSR_HYPERCALL, HV_X64_MSR_SIMP, HV_X64_MSR_SIEFP,
        // HV_X64_MSR_VP_ASSIST_PAGE.
        action("enable", {
          fair: "none",
          params: { vtl, kind, vcpu, frame },
          guard: (s, a) =>
            runs(s, variant, a.vtl) && exists(a.kind, a.vcpu) &&
            s.ov[a.vtl]![slotOf(a.kind, a.vcpu)]!.at === OFF,
          effect: (s, a) => place(s, a.vtl, a.kind, a.vcpu, a.frame),
        }),
        // wrmsr without the enable bit. KVM's disable branches only record the MSR value; the posted
        // patch adds its exit after the `if (!(data & HV_X64_MSR_HYPERCALL_ENABLE)) break;` early
        // return, so userspace never hears of a disable and leaves its page mapped.
        action("disable", {
          fair: "none",
          params: { vtl, kind, vcpu },
          guard: (s, a) =>
            runs(s, variant, a.vtl) && exists(a.kind, a.vcpu) &&
            s.ov[a.vtl]![slotOf(a.kind, a.vcpu)]!.at !== OFF,
          effect: (s, a) => {
            const o = s.ov[a.vtl]![slotOf(a.kind, a.vcpu)]!;
            s.revealed.set(o.at, true);
            o.at = OFF;
            if (vmm) raiseMsrExit(s, a.vtl, slotOf(a.kind, a.vcpu));
            else if (overlaid(variant, a.kind) && variant !== "exit_hyperv_overlay") o.mapped = OFF;
          },
        }),
        // wrmsr with the enable bit and another address while enabled: KVM takes the same path as enable.
        action("move", {
          fair: "none",
          params: { vtl, kind, vcpu, frame },
          guard: (s, a) => {
            const at = s.ov[a.vtl]![slotOf(a.kind, a.vcpu)]!.at;
            return runs(s, variant, a.vtl) && exists(a.kind, a.vcpu) && at !== OFF && at !== a.frame;
          },
          effect: (s, a) => {
            const o = s.ov[a.vtl]![slotOf(a.kind, a.vcpu)]!;
            s.revealed.set(o.at, true);
            if (o.tlfsPage !== INITIAL[a.kind]) s.movedUsed = true;
            if (overlaid(variant, a.kind) && !vmm) o.mapped = OFF;
            place(s, a.vtl, a.kind, a.vcpu, a.frame);
          },
        }),
        // VTL call / VTL return (HvCallVtlCall, HvCallVtlReturn). The TLFS keeps every VTL's overlays;
        // the candidate exits so the VMM can swap the per-VTL pages in the memory view.
        ...(vmm
          ? [action("vtl_switch", {
            fair: "none",
            params: { to: vtl },
            guard: (s, a) => runs(s, variant, s.active) && a.to !== s.active,
            effect: (s, a) => {
              const left = s.active;
              s.active = a.to;
              if (variant === "vmm_overlay") {
                s.exit.kind = "vtl_switch";
                s.exit.vtl = left;
              }
            },
          })]
          : []),
        // The VMM handles the pending exit and resumes the vCPU (KVM_RUN again).
        ...(vmm
          ? [action("vmm_handle_exit", {
            fair: "weak",
            guard: (s) => s.exit.kind !== "none",
            effect: (s) => {
              if (s.exit.kind === "msr") {
                // Remove the page from its old GPA and map it at the MSR's (nowhere when disabled).
                const o = s.ov[s.exit.vtl]![s.exit.slot]!;
                o.mapped = o.at;
              } else {
                // One memory view: drop the pages of the VTL left, map those of the VTL entered.
                for (const slot of slots) s.ov[s.exit.vtl]![slot]!.mapped = OFF;
                for (const slot of slots) {
                  const o = s.ov[s.active]![slot]!;
                  o.mapped = o.at;
                }
                s.switched = true;
              }
              s.exit.kind = "none";
              s.exit.vtl = 0;
              s.exit.slot = 0;
            },
          })]
          : []),
        // The hypervisor (or the VMM) uses an enabled overlay, asynchronously to the guest.
        action("hypervisor_use", {
          background: true,
          params: { vtl, kind: enumOf("simp", "siefp", "vp_assist"), vcpu },
          guard: (s, a) => exists(a.kind, a.vcpu) && s.ov[a.vtl]![slotOf(a.kind, a.vcpu)]!.at !== OFF,
          effect: (s, a) => {
            const o = s.ov[a.vtl]![slotOf(a.kind, a.vcpu)]!;
            o.tlfsPage = ON_USE[a.kind];
            if (overlaid(variant, a.kind)) o.page = ON_USE[a.kind];
            else s.ram.set(o.at, ON_USE[a.kind]);
          },
        }),
        // A VTL reads a frame: changes nothing; guest_read_sees_tlfs_view checks what it sees.
        action("guest_read", {
          fair: "none",
          params: { vtl, frame },
          guard: (s, a) => runs(s, variant, a.vtl),
          effect: () => {},
        }),
      ];
    },
    properties: (p, { always, sometimes, transition, leadsTo }) => {
      const variant: Variant = p.variant;
      const msrWrite = (name: string) =>
        name === "enable" || name === "move" || name === "disable" || name === "vmm_handle_exit";
      const sameRam = (a: View, b: View) => a.ram.every((c, g) => b.ram.get(g) === c);
      /** f holds for every VTL v that runs and every frame g. */
      const everyView = (s: View, f: (v: number, g: number) => boolean) => {
        for (let v = 0; v < p.vtls; v++) {
          if (!runs(s, variant, v)) continue;
          for (let g = 0; g < p.frames; g++) if (!f(v, g)) return false;
        }
        return true;
      };
      const someView = (s: View, f: (v: number, g: number) => boolean) => !everyView(s, (v, g) => !f(v, g));
      return [
        transition(
          "msr_write_preserves_ram",
          (before, a, after) => !msrWrite(a.name) || sameRam(before, after),
          {
            description:
              "enabling, moving or disabling an overlay (and the VMM's handling of it) never modifies R[g]",
          },
        ),
        transition(
          "hypervisor_use_preserves_ram",
          (before, a, after) => a.name !== "hypervisor_use" || sameRam(before, after),
          { description: "the hypervisor's use of an overlay writes the overlay page, never R[g]" },
        ),
        always(
          "impl_refines_tlfs",
          (s) =>
            s.ram.every((c, g) => s.tlfsRam.get(g) === c) &&
            s.ov.every((overlays) =>
              overlays.every((o, slot) => !overlaid(variant, kindOf(slot)) || o.page === o.tlfsPage)
            ),
          {
            description: "the implementation's RAM and overlay pages hold what the TLFS says, in every state",
          },
        ),
        always(
          "vtl_view_matches_tlfs",
          (s) => everyView(s, (v, g) => implView(s, variant, v, g) === tlfsView(s, v, g)),
          { description: "what a running VTL sees at g is its topmost overlay at g if any, else R[g]" },
        ),
        transition(
          "guest_read_sees_tlfs_view",
          (before, a) =>
            a.name !== "guest_read" ||
            implView(before, variant, a.params.vtl as number, a.params.frame as number) ===
              tlfsView(before, a.params.vtl as number, a.params.frame as number),
          { description: "a guest read returns the TLFS view" },
        ),
        transition(
          "msr_write_keeps_other_vtl_views",
          (before, a, after) =>
            !msrWrite(a.name) ||
            everyView(before, (v, g) =>
              v === a.params.vtl || !runs(after, variant, v) ||
              implView(before, variant, v, g) === implView(after, variant, v, g)),
          { description: "one VTL's overlay MSR write does not change what another running VTL sees" },
        ),
        sometimes(
          "uncovered_guest_data_visible",
          (s) =>
            someView(
              s,
              (v, g) =>
                s.revealed.get(g) && s.tlfsRam.get(g) === "data_b" && ownOverlayAt(s, v, g) === undefined &&
                implView(s, variant, v, g) === "data_b",
            ),
          { description: "an overlay left a frame holding guest data B, and the guest sees B there again" },
        ),
        sometimes("used_overlay_moved", (s) => s.movedUsed, {
          description: "an overlay page the hypervisor had written was moved",
        }),
        sometimes(
          "both_vtls_overlay_one_frame",
          (s) => p.vtls === 2 && s.ov[0]!.some((o) => o.at !== OFF && s.ov[1]!.some((q) => q.at === o.at)),
          { description: "VTL0 and VTL1 each have an overlay on the same frame" },
        ),
        ...(isVmm(variant)
          ? [
            sometimes(
              "vtl_switch_shows_entered_overlay",
              (s) =>
                s.switched && someView(s, (v, g) => {
                  const own = ownOverlayAt(s, v, g), other = ownOverlayAt(s, 1 - v, g);
                  return own !== undefined && other !== undefined && own.tlfsPage !== other.tlfsPage &&
                    implView(s, variant, v, g) === own.tlfsPage;
                }),
              {
                description:
                  "after a VTL switch the VTL entered sees its own overlay on a frame where the VTL " +
                  "left has another",
              },
            ),
            sometimes(
              "vtl_switch_uncovers_guest_data",
              (s) =>
                s.switched && someView(s, (v, g) =>
                  ownOverlayAt(s, v, g) === undefined && ownOverlayAt(s, 1 - v, g) !== undefined &&
                  s.tlfsRam.get(g) === "data_b" && implView(s, variant, v, g) === "data_b"),
              {
                description: "after a VTL switch the VTL entered sees guest data B on a frame the VTL left " +
                  "covers",
              },
            ),
            leadsTo(
              "overlay_exit_is_handled",
              (s) => s.exit.kind !== "none",
              (s) => s.exit.kind === "none",
              {
                description:
                  "an overlay exit KVM raises is handled and the vCPU runs again (VMM weakly fair)",
              },
            ),
          ]
          : []),
      ];
    },
  });
}

/**
 * Whether VTL v runs guest code: always in the variants without exits; in the vmm variants only the
 * active VTL, and only while no exit is pending (KVM_REQ_HV_EXIT keeps the vCPU out of the guest).
 */
function runs(s: View, variant: Variant, v: number): boolean {
  return !isVmm(variant) || (v === s.active && s.exit.kind === "none");
}

/** The TLFS-view overlay of VTL v at frame g: its topmost enabled overlay there. */
function ownOverlayAt(s: View, v: number, g: number) {
  const overlays = s.ov[v];
  if (overlays === undefined) return undefined;
  for (let i = 0; i < overlays.length; i++) if (overlays[i]!.at === g) return overlays[i];
  return undefined;
}

/** The implementation's overlay page visible to VTL v at g, if any. */
function mappedOverlayAt(
  s: State,
  variant: Variant,
  v: number,
  g: number,
): State["ov"][number][number] | undefined;
function mappedOverlayAt(
  s: View,
  variant: Variant,
  v: number,
  g: number,
): View["ov"][number][number] | undefined;
function mappedOverlayAt(s: View, variant: Variant, v: number, g: number) {
  switch (variant) {
    case "current_kvm":
      return undefined;
    case "exit_hyperv_overlay":
    case "exit_hyperv_overlay_on_disable":
      // One guest-physical map per VM: the page userspace placed is seen by every VTL (the thread only
      // plans to "re-overlay the right per-VTL page" on VTL switches). The higher VTL's page wins.
      for (let w = s.ov.length - 1; w >= 0; w--) if (s.ov[w]![0]!.mapped === g) return s.ov[w]![0];
      return undefined;
    case "tlfs_spec": {
      const overlays = s.ov[v]!;
      for (let i = 0; i < overlays.length; i++) if (overlays[i]!.mapped === g) return overlays[i];
      return undefined;
    }
    case "vmm_overlay_no_vtl_remap":
    case "vmm_overlay":
      // One memory view for the running VTL: whatever page the VMM has mapped at g, of any VTL.
      for (const overlays of s.ov) {
        for (let i = 0; i < overlays.length; i++) if (overlays[i]!.mapped === g) return overlays[i];
      }
      return undefined;
  }
}

function implView(s: View, variant: Variant, v: number, g: number): Content {
  return mappedOverlayAt(s, variant, v, g)?.page ?? s.ram.get(g);
}

function tlfsView(s: View, v: number, g: number): Content {
  return ownOverlayAt(s, v, g)?.tlfsPage ?? s.tlfsRam.get(g);
}

export default makeModel();
