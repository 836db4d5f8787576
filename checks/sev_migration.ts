/**
 * Proof gates of the sev_migration model (SEV live migration across kexec, vCPU hotplug and sleep).
 *
 * @module
 */

import { gate } from "../src/check/gate.ts";

/** The kexec witnesses every configuration has. */
const kexecWitnesses = {
  kexec_completes: "witnessed",
  k2_enables_migration: "witnessed",
  migration_after_kexec: "witnessed",
  k2_uses_page_k1_shared: "witnessed",
} as const;

/** Liveness that holds whenever nothing but kexec touches M. */
const live = {
  running_leads_to_migration_allowed: "holds",
  kexec_leads_to_migration_allowed: "holds",
} as const;

/** What the proposed kvm.c change (`pm: "resync_on_resume"`) and upstream kexec handling must show. */
const fixed = {
  migration_never_copies_private_as_shared: "holds",
  migration_allowed_implies_list_matches: "holds",
  ...live,
  ...kexecWitnesses,
  deadlock: "holds",
} as const;

export default [
  gate({
    name: "sev_migration_v12_smp_race_violated",
    model: "sev_migration",
    params: { variant: "v12_reboot_notifier_reset", vcpus: 2, pages: 2 },
    expect: {
      migration_never_copies_private_as_shared: { violated: 9 },
      migration_allowed_implies_list_matches: { violated: 3 },
      ...live,
      ...kexecWitnesses,
      deadlock: "holds",
    },
    minStates: 99,
    why:
      "The v12 reboot-notifier reset loses to CPU1 converting a page before its reboot IPI (the SMP race found in review of v12); two vCPUs and one page besides __bss_decrypted are all the race needs.",
  }),
  gate({
    name: "sev_migration_v12_single_vcpu_violated",
    model: "sev_migration",
    params: { variant: "v12_reboot_notifier_reset", vcpus: 1, pages: 2 },
    expect: {
      migration_never_copies_private_as_shared: { violated: 8 },
      migration_allowed_implies_list_matches: { violated: 3 },
      ...live,
      ...kexecWitnesses,
      deadlock: "holds",
    },
    minStates: 81,
    why:
      "With one vCPU the reset still loses to a driver's ->shutdown() in device_shutdown(), which runs after the reboot notifiers (the thread's 'a single thread might race with itself').",
  }),
  gate({
    name: "sev_migration_v12_kdump_bss_unreported_violated",
    model: "sev_migration",
    params: { variant: "v12_reboot_notifier_reset", vcpus: 2, pages: 2, crash: true },
    expect: {
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: { violated: 2 },
      ...live,
      ...kexecWitnesses,
      k2_uses_page_k1_shared: "not witnessed",
      kdump_keeps_k1_shared_page: "witnessed",
      deadlock: "holds",
    },
    minStates: 49,
    why:
      "Crash kexec runs no reboot notifier and v12 never clears M, so the host may migrate while the kdump kernel's __bss_decrypted (in the reservation) is still listed encrypted; no private page is copied as plaintext, because K1 never converts the reservation and the kdump kernel never uses K1's pages (K1 can convert only page 0, the normal K2's __bss_decrypted, so no page K1 shared is reused here).",
  }),
  gate({
    name: "sev_migration_disable_migration_only_violated",
    model: "sev_migration",
    params: { variant: "disable_migration_only", vcpus: 2, pages: 2 },
    expect: {
      migration_never_copies_private_as_shared: { violated: 11 },
      migration_allowed_implies_list_matches: { violated: 10 },
      ...live,
      ...kexecWitnesses,
      deadlock: "holds",
    },
    minStates: 84,
    why:
      "Clearing MSR_KVM_MIGRATION_CONTROL on reboot only postpones the bug: K2 sets it again over the stale entry of a late conversion (bad trace 3 of the review).",
  }),
  gate({
    name: "sev_migration_generation_id_violated",
    model: "sev_migration",
    params: { variant: "generation_id", vcpus: 2, pages: 2 },
    expect: {
      migration_never_copies_private_as_shared: { violated: 9 },
      migration_allowed_implies_list_matches: { violated: 7 },
      ...live,
      ...kexecWitnesses,
      deadlock: "holds",
    },
    minStates: 56,
    why:
      "Generation IDs alone leave M set from K1, so the host can migrate after machine_kexec and before K2's first hypercall tells it the new generation.",
  }),
  gate({
    name: "sev_migration_generation_id_msr_off_kdump_old_memory_violated",
    model: "sev_migration",
    params: { variant: "generation_id_msr_off", vcpus: 2, pages: 2, crash: true },
    expect: {
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: { violated: 5 },
      ...live,
      ...kexecWitnesses,
      k2_uses_page_k1_shared: "not witnessed",
      kdump_keeps_k1_shared_page: "not witnessed",
      deadlock: "holds",
    },
    minStates: 34,
    why:
      "A kdump kernel's generation makes the host copy the old kernel's shared pages, which the kdump kernel leaves as they were and dumps, through the firmware: one page K1 shared outside the reservation shows it.",
  }),
  gate({
    name: "sev_migration_upstream_73f1b4fece21_kexec_kdump_v4_p8_holds",
    model: "sev_migration",
    params: { variant: "upstream_73f1b4fece21", vcpus: 4, pages: 8, crash: true },
    expect: { ...fixed, kdump_keeps_k1_shared_page: "witnessed" },
    minStates: 3968,
    why:
      "The upstream fix holds for normal kexec and kdump with three racing vCPUs and every subset of the seven pages outside the reservation shared; each bad trace needs one racing vCPU and one page, and the kdump witness shows K1's entries outside the reservation surviving, correctly, while M is set.",
  }),
  gate({
    name: "sev_migration_generation_id_msr_off_kexec_v4_p8_holds",
    model: "sev_migration",
    params: { variant: "generation_id_msr_off", vcpus: 4, pages: 8 },
    expect: fixed,
    minStates: 6144,
    why:
      "Generation IDs hold for a normal kexec once K1 also clears M and K2 announces its generation before setting it, at the bounds of the upstream gate.",
  }),
  gate({
    name: "sev_migration_mainline_vcpu_offline_disables_migration_violated",
    model: "sev_migration",
    params: { pm: "mainline", hotplug: true, vcpus: 2, pages: 2 },
    expect: {
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: "holds",
      running_leads_to_migration_allowed: { violated: 3 },
      kexec_leads_to_migration_allowed: "holds",
      ...kexecWitnesses,
      vcpu_offline_with_migration_allowed: "not witnessed",
      deadlock: "holds",
    },
    minStates: 80,
    why:
      "kvm_cpu_down_prepare() -> kvm_guest_cpu_offline(false) writes 0 to the VM-wide MSR_KVM_MIGRATION_CONTROL and nothing but the next boot writes it back: one vCPU unplugged once is enough to keep migration off forever.",
  }),
  gate({
    name: "sev_migration_mainline_s3_disables_migration_violated",
    model: "sev_migration",
    params: { pm: "mainline", sleep: "s3", vcpus: 1, pages: 2 },
    expect: {
      vcpus_down_exactly_while_asleep: "holds",
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: "holds",
      running_leads_to_migration_allowed: { violated: 5 },
      kexec_leads_to_migration_allowed: "holds",
      ...kexecWitnesses,
      s3_resumed_with_migration_allowed: "not witnessed",
      deadlock: "holds",
    },
    minStates: 104,
    why:
      "kvm_suspend() clears M and kvm_resume() -> kvm_cpu_online() does not set it: with a single vCPU (no hotplug involved) one suspend to RAM keeps migration off until the next boot.",
  }),
  gate({
    name: "sev_migration_mainline_s4_disables_migration_violated",
    model: "sev_migration",
    params: { pm: "mainline", sleep: "s4", vcpus: 2, pages: 2 },
    expect: {
      vcpus_down_exactly_while_asleep: "holds",
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: "holds",
      running_leads_to_migration_allowed: { violated: 6 },
      kexec_leads_to_migration_allowed: "holds",
      ...kexecWitnesses,
      restore_kernel_list_differs_from_image: "witnessed",
      s4_resumed_with_migration_allowed: "not witnessed",
      deadlock: "holds",
    },
    minStates: 296,
    why:
      "After hibernation the image runs with M cleared by the restore kernel's kvm_suspend(), which is also what keeps it safe: the restore kernel's list differs from the image (witness), and one page is enough to show both.",
  }),
  gate({
    name: "sev_migration_online_reenables_s4_stale_list_violated",
    model: "sev_migration",
    params: { pm: "online_reenables", sleep: "s4", hotplug: true, vcpus: 2, pages: 2 },
    expect: {
      vcpus_down_exactly_while_asleep: "holds",
      migration_never_copies_private_as_shared: { violated: 6 },
      migration_allowed_implies_list_matches: { violated: 5 },
      running_leads_to_migration_allowed: { violated: 3 },
      kexec_leads_to_migration_allowed: "holds",
      ...kexecWitnesses,
      vcpu_offline_with_migration_allowed: "witnessed",
      restore_kernel_list_differs_from_image: "witnessed",
      s4_resumed_with_migration_allowed: "witnessed",
      deadlock: "holds",
    },
    minStates: 512,
    why:
      "Setting M again in kvm_cpu_online() (so in kvm_resume()) trusts the restore kernel's list in the image: a page the restore kernel shared is migrated as plaintext; and a vCPU left unplugged still keeps M clear. One page and one secondary vCPU show both.",
  }),
  gate({
    name: "sev_migration_resync_hotplug_s3_v4_p6_holds",
    model: "sev_migration",
    params: { pm: "resync_on_resume", hotplug: true, sleep: "s3", vcpus: 4, pages: 6, bssPage: 1 },
    expect: {
      vcpus_down_exactly_while_asleep: "holds",
      ...fixed,
      vcpu_offline_with_migration_allowed: "witnessed",
      s3_resumed_with_migration_allowed: "witnessed",
    },
    minStates: 12800,
    why:
      "Leaving M alone on vCPU offline and resyncing the list in kvm_resume() keeps migration allowed through any hotplug sequence of three secondary vCPUs and a suspend to RAM with any pages shared; K2's __bss_decrypted in the middle page makes a reset that skips the first or the last RAM range visible.",
  }),
  gate({
    name: "sev_migration_resync_hotplug_s4_kdump_efi_v4_p6_holds",
    model: "sev_migration",
    params: {
      pm: "resync_on_resume",
      hotplug: true,
      sleep: "s4",
      crash: true,
      efi: true,
      vcpus: 4,
      pages: 6,
      bssPage: 1,
    },
    expect: {
      vcpus_down_exactly_while_asleep: "holds",
      ...fixed,
      kdump_keeps_k1_shared_page: "witnessed",
      k2_converts_before_late_initcall: "witnessed",
      vcpu_offline_with_migration_allowed: "witnessed",
      restore_kernel_list_differs_from_image: "witnessed",
      s4_resumed_with_migration_allowed: "witnessed",
      deadlock: "holds",
    },
    minStates: 44992,
    why:
      "The same change holds across hibernation restored by a fresh kernel whose list differs from the image (witness), with hotplug, normal kexec and kdump, and K2 sharing pages before its EFI late initcall sets M; each bug of this kind needs one page and one vCPU, and four vCPUs and five convertible pages cover every mix of them.",
  }),
  gate({
    name: "sev_migration_resync_hotplug_s4_kdump_efi_v6_p8",
    model: "sev_migration",
    params: {
      pm: "resync_on_resume",
      hotplug: true,
      sleep: "s4",
      crash: true,
      efi: true,
      vcpus: 6,
      pages: 8,
      bssPage: 1,
    },
    expect: {
      vcpus_down_exactly_while_asleep: "holds",
      ...fixed,
      kdump_keeps_k1_shared_page: "witnessed",
      k2_converts_before_late_initcall: "witnessed",
      vcpu_offline_with_migration_allowed: "witnessed",
      restore_kernel_list_differs_from_image: "witnessed",
      s4_resumed_with_migration_allowed: "witnessed",
      deadlock: "holds",
    },
    minStates: 2354944,
    why:
      "The large configuration: five secondary vCPUs and seven convertible pages, 2,354,944 states in about 40 s on one thread, to show the result does not depend on small bounds (6 vCPUs and 9 pages reach 9,100,800 states in 2 minutes, too close to the budget).",
    tags: ["slow"],
  }),
];
