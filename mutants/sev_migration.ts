/**
 * Bug mutants of sev_migration's fixed variants: upstream 73f1b4fece21 on the kexec path, and the
 * resync_on_resume change to kvm.c's hotplug and syscore paths.
 *
 * @module
 */

import { mutants } from "./mutant.ts";

const file = "models/sev_migration.ts";

export default mutants("sev_migration", [
  {
    name: "k2_reset_skips_first_range",
    change:
      "kvm_init_platform()'s E820 walk starts at entry 1, so the first RAM range keeps K1's shared entries",
    file,
    find: "for (let ram = k2RamStart(s); ram < p.pages; ram++)",
    replace: "for (let ram = k2RamStart(s) + 1; ram < p.pages; ram++)",
  },
  {
    name: "k2_reset_skips_last_range",
    change: "kvm_init_platform()'s E820 walk stops one entry early (i < nr_entries - 1)",
    file,
    find: "for (let ram = k2RamStart(s); ram < p.pages; ram++)",
    replace: "for (let ram = k2RamStart(s); ram < p.pages - 1; ram++)",
  },
  {
    name: "k2_reset_dropped",
    change: "kvm_init_platform() no longer marks the RAM ranges encrypted: the list is not cleared on kexec",
    file,
    find: 'for (let ram = k2RamStart(s); ram < p.pages; ram++) s.hostList.set(ram, "encrypted");',
    replace: "",
  },
  {
    name: "k2_bss_marked_before_reset",
    change:
      "the E820 reset loop moved after early_set_mem_enc_dec_hypercall() for __bss_decrypted, erasing it",
    file,
    find: 'if (p.bssDecrypted) s.hostList.set(k2Bss(s), "decrypted_k2");',
    replace: 'if (p.bssDecrypted) s.hostList.set(k2Bss(s), "decrypted_k2");\n' +
      '          for (let ram = k2RamStart(s); ram < p.pages; ram++) s.hostList.set(ram, "encrypted");',
  },
  {
    name: "k2_bss_hypercall_skipped",
    change: "kvm_init_platform() drops the early_set_mem_enc_dec_hypercall() for __bss_decrypted",
    file,
    find: 'if (p.bssDecrypted) s.hostList.set(k2Bss(s), "decrypted_k2");',
    replace: "",
  },
  {
    name: "k2_migration_enabled_before_bss_marked",
    change: "KVM_MIGRATION_READY is written right after the reset loop, before __bss_decrypted is reported",
    file,
    find: 'ram++) s.hostList.set(ram, "encrypted");\n          s.phase = "k2_list_reset";',
    replace:
      'ram++) s.hostList.set(ram, "encrypted");\n          s.migration = true;\n          s.phase = "k2_list_reset";',
  },
  {
    name: "reboot_ipi_keeps_migration",
    change:
      "kvm_pv_guest_cpu_reboot() stops writing 0 to MSR_KVM_MIGRATION_CONTROL (kvm_guest_cpu_offline(true))",
    file,
    find: "// 73f1b4fece21: kvm_guest_cpu_offline(true) writes 0 to MSR_KVM_MIGRATION_CONTROL.\n" +
      "          if (clearsM) s.migration = false;",
    replace: "// 73f1b4fece21: kvm_guest_cpu_offline(true) writes 0 to MSR_KVM_MIGRATION_CONTROL.",
  },
  {
    name: "crash_shutdown_skips_offline",
    change:
      "kvm_crash_shutdown() goes straight to native_machine_crash_shutdown() without kvm_guest_cpu_offline()",
    file,
    find: "if (clearsM) s.migration = false;\n          s.kdump = true;",
    replace: "s.kdump = true;",
  },
  {
    name: "enc_skips_hypercall",
    change: "set_memory_encrypted() skips notify_page_enc_status_changed() (kvm_sev_hc_page_enc_status)",
    file,
    find: 's.decrypted.set(a.page, false);\n          s.hostList.set(a.page, "encrypted");',
    replace: "s.decrypted.set(a.page, false);",
  },
  {
    name: "dec_skips_hypercall",
    change: "set_memory_decrypted() skips notify_page_enc_status_changed() (kvm_sev_hc_page_enc_status)",
    file,
    find: "s.decrypted.set(a.page, true);\n          s.hostList.set(a.page, hostEntry(s));",
    replace: "s.decrypted.set(a.page, true);",
  },
  {
    name: "k2_early_conversions_unreported",
    change:
      "x86_platform.hyper.notify_page_enc_status_changed is installed after K2's early initcalls convert pages",
    file,
    find: "s.decrypted.set(a.page, true);\n          s.hostList.set(a.page, hostEntry(s));",
    replace:
      's.decrypted.set(a.page, true);\n          if (s.phase !== "k2_initcalls") s.hostList.set(a.page, hostEntry(s));',
  },
  {
    name: "cpu_down_prepare_clears_migration",
    change: "kvm_cpu_down_prepare() writes 0 to MSR_KVM_MIGRATION_CONTROL again, as mainline does",
    file,
    find: 'if (pm !== "resync_on_resume") s.migration = false;',
    replace: "s.migration = false;",
  },
  {
    name: "kvm_resume_forgets_reenable",
    change: "kvm_resume() re-reports every page but forgets to write KVM_MIGRATION_READY",
    file,
    find: 'hostEntry(s) : "encrypted");\n        s.migration = true;',
    replace: 'hostEntry(s) : "encrypted");',
  },
  {
    name: "kvm_resume_skips_resync",
    change: "kvm_resume() writes KVM_MIGRATION_READY without re-reporting the pages' status first",
    file,
    find:
      'for (let i = 0; i < p.pages; i++) s.hostList.set(i, s.decrypted.get(i) ? hostEntry(s) : "encrypted");',
    replace: "",
  },
  {
    name: "kvm_resume_walk_skips_first_page",
    change: "kvm_resume()'s walk of the direct map starts one page late (off by one)",
    file,
    find:
      'for (let i = 0; i < p.pages; i++) s.hostList.set(i, s.decrypted.get(i) ? hostEntry(s) : "encrypted");',
    replace:
      'for (let i = 1; i < p.pages; i++) s.hostList.set(i, s.decrypted.get(i) ? hostEntry(s) : "encrypted");',
  },
  {
    name: "kvm_suspend_keeps_migration",
    change: "kvm_suspend() no longer writes 0 to MSR_KVM_MIGRATION_CONTROL (the write left only on shutdown)",
    file,
    find: "function kvmSuspend(s: Next): void {\n      s.migration = false;\n    }",
    replace: "function kvmSuspend(_s: Next): void {}",
  },
  {
    name: "freeze_misses_first_secondary",
    change: "freeze_secondary_cpus() skips CPU1, which stays online through the sleep",
    file,
    find: 'for (let c = 1; c < p.vcpus; c++) {\n        if (s.cpus.get(c) !== "online") continue;',
    replace: 'for (let c = 2; c < p.vcpus; c++) {\n        if (s.cpus.get(c) !== "online") continue;',
  },
  {
    name: "thaw_misses_last_secondary",
    change: "thaw_secondary_cpus() stops one vCPU early, so the last frozen vCPU never comes back",
    file,
    find: 'for (let c = 1; c < p.vcpus; c++) {\n        if (s.cpus.get(c) !== "frozen") continue;',
    replace: 'for (let c = 1; c < p.vcpus - 1; c++) {\n        if (s.cpus.get(c) !== "frozen") continue;',
  },
]);
