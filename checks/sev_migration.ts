/**
 * Proof gates of the sev_migration model (SEV live migration and kexec).
 *
 * @module
 */

import { gate } from "../src/check/gate.ts";

const witnessed = {
  kexec_completes: "witnessed",
  k2_enables_migration: "witnessed",
  migration_after_kexec: "witnessed",
  k2_uses_page_k1_shared: "witnessed",
} as const;

export default [
  gate({
    name: "sev_migration_v12_smp_race_violated",
    model: "sev_migration",
    params: { variant: "v12_reboot_notifier_reset", vcpus: 2, pages: 2 },
    expect: {
      migration_never_copies_private_as_shared: { violated: 9 },
      migration_allowed_implies_list_matches: { violated: 3 },
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 95,
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
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 78,
    why:
      "With one vCPU the reset still loses to a driver's ->shutdown() in device_shutdown(), which runs after the reboot notifiers (the thread's 'a single thread might race with itself').",
  }),
  gate({
    name: "sev_migration_v12_crash_violated",
    model: "sev_migration",
    params: { variant: "v12_reboot_notifier_reset", vcpus: 2, pages: 2, crash: true },
    expect: {
      migration_never_copies_private_as_shared: { violated: 4 },
      migration_allowed_implies_list_matches: { violated: 2 },
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 95,
    why:
      "Crash kexec runs no reboot notifier, so a reset placed there never happens; one shared page before the panic is enough.",
  }),
  gate({
    name: "sev_migration_disable_migration_only_violated",
    model: "sev_migration",
    params: { variant: "disable_migration_only", vcpus: 2, pages: 2 },
    expect: {
      migration_never_copies_private_as_shared: { violated: 11 },
      migration_allowed_implies_list_matches: { violated: 10 },
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 80,
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
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 52,
    why:
      "Generation IDs alone leave M set from K1, so the host can migrate after machine_kexec and before K2's first hypercall tells it the new generation.",
  }),
  gate({
    name: "sev_migration_upstream_73f1b4fece21_v4_p8",
    model: "sev_migration",
    params: { variant: "upstream_73f1b4fece21", vcpus: 4, pages: 8, crash: true },
    expect: {
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: "holds",
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 6300,
    why:
      "The upstream fix holds for normal and crash kexec with three racing vCPUs and every subset of eight pages shared; each bad trace needs one racing vCPU and one page.",
  }),
  gate({
    name: "sev_migration_generation_id_msr_off_v4_p8",
    model: "sev_migration",
    params: { variant: "generation_id_msr_off", vcpus: 4, pages: 8, crash: true },
    expect: {
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: "holds",
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 6000,
    why:
      "Generation IDs hold once K1 also clears M and K2 announces its generation before setting it, at the same bounds as the upstream gate.",
  }),
  gate({
    name: "sev_migration_upstream_73f1b4fece21_v6_p14",
    model: "sev_migration",
    params: { variant: "upstream_73f1b4fece21", vcpus: 6, pages: 14, crash: true },
    expect: {
      migration_never_copies_private_as_shared: "holds",
      migration_allowed_implies_list_matches: "holds",
      ...witnessed,
      deadlock: "holds",
    },
    minStates: 1100000,
    why:
      "The large configuration: five racing vCPUs and fourteen pages, over a million states, to show the upstream result does not depend on small bounds.",
    tags: ["slow"],
  }),
];
