/**
 * SEV live migration across kexec: the host's shared-pages list outlives the kernel that built it.
 *
 * An SEV guest tells the host which of its pages are decrypted (shared) through a hypercall
 * (KVM_HC_PAGE_ENC_STATUS in the v12 series, KVM_HC_MAP_GPA_RANGE upstream) issued from
 * set_memory_{en,de}crypted() via notify_page_enc_status_changed(). The host keeps the result as its
 * shared-pages list S; while the migration-control bit M (MSR_KVM_MIGRATION_CONTROL) is set it may
 * migrate the guest, copying pages in S as plaintext and every other page through the SEV firmware.
 * A page in S that the running kernel maps encrypted is copied as ciphertext and arrives corrupted.
 *
 * kexec hands all RAM to the next kernel K2, which maps it encrypted except its own __bss_decrypted,
 * while S still describes the old kernel K1. Source: the review of "[PATCH v12 13/13] x86/kvm: Add kexec
 * support for SEV Live Migration", Steve Rutherford, April 2021) shows that resetting S from the reboot
 * notifier on CPU0 races with other CPUs and with device_shutdown(); upstream 73f1b4fece21 resets S in
 * K2's kvm_init_platform() instead, before K2 sets M, and K1 clears M in kvm_guest_cpu_offline().
 *
 * Per page the model keeps D (decrypted in the running kernel's page tables) and S (the host's list,
 * tagged with the kernel that issued the hypercall, which only the generation-ID variants pass to the
 * host). Each conversion updates D and S in one step: the window inside __set_memory_enc_pgtable()
 * between the page-table change and the hypercall is left out (the VMM re-sends pages dirtied during
 * migration), so every disagreement the checker finds is a stale entry, not an in-flight one.
 *
 * @module
 */

import { arrayOf, bool, boolParam, defineModel, enumOf, enumParam, intParam, range } from "../mod.ts";
import type { ReadonlyView } from "../mod.ts";

/** The guest code each variant runs on the kexec path and in K2's early boot. */
const variants = [
  "v12_reboot_notifier_reset",
  "disable_migration_only",
  "upstream_73f1b4fece21",
  "generation_id",
  "generation_id_msr_off",
] as const;

type Variant = typeof variants[number];

/** K1 writes 0 to MSR_KVM_MIGRATION_CONTROL on the reboot path and in kvm_crash_shutdown(). */
function clearsMigrationOnShutdown(variant: Variant): boolean {
  return variant === "disable_migration_only" || variant === "upstream_73f1b4fece21" ||
    variant === "generation_id_msr_off";
}

/** The hypercall carries the issuing kernel's generation; the host trusts only the newest one. */
function usesGenerations(variant: Variant): boolean {
  return variant === "generation_id" || variant === "generation_id_msr_off";
}

const fields = (p: { vcpus: number; pages: number }) => ({
  /**
   * k1_running; the kexec path of kernel_kexec(): reboot_notifiers (kvm_pv_reboot_notify ->
   * on_each_cpu(kvm_pv_guest_cpu_reboot)), device_shutdown, machine_shutdown (before
   * stop_other_cpus), kexec_jump (other CPUs halted, machine_kexec next; crash kexec gets here
   * straight from machine_crash_shutdown); then K2's kvm_init_platform() steps and k2_running.
   */
  phase: enumOf(
    "k1_running",
    "reboot_notifiers",
    "device_shutdown",
    "machine_shutdown",
    "kexec_jump",
    "k2_early_boot",
    "k2_list_reset",
    "k2_bss_marked",
    "k2_running",
  ),
  /** K1's vCPUs; CPU0 runs the kexec path. ipi_pending: the reboot notifier's IPI is not yet served. */
  cpus: arrayOf(p.vcpus, enumOf("online", "ipi_pending", "stopped")),
  /** D: the page is mapped decrypted (shared) by the running kernel. */
  decrypted: arrayOf(p.pages, bool),
  /** S: the host's shared-pages list, with the kernel whose hypercall put the page there. */
  hostList: arrayOf(p.pages, enumOf("encrypted", "decrypted_k1", "decrypted_k2")),
  /** The newest generation the host has seen in a hypercall (generation-ID variants only). */
  hostGeneration: enumOf("k1", "k2"),
  /** M: MSR_KVM_MIGRATION_CONTROL, migration allowed. */
  migration: bool,
  /** D as K1 left it at machine_kexec (constant afterwards): which pages K1 had shared. */
  sharedByK1: arrayOf(p.pages, bool),
  /** The host has migrated the guest since machine_kexec. */
  migratedAfterKexec: bool,
});

type State = ReadonlyView<ReturnType<typeof fields>>;

const k1Phases = new Set(["k1_running", "reboot_notifiers", "device_shutdown", "machine_shutdown"]);
const k2Phases = new Set(["k2_early_boot", "k2_list_reset", "k2_bss_marked", "k2_running"]);

/** Whether the host, migrating now, would copy `page` as plaintext. */
function hostTreatsAsShared(s: State, page: number, generations: boolean): boolean {
  const entry = s.hostList.get(page);
  if (entry === "encrypted") return false;
  return !generations || entry === `decrypted_${s.hostGeneration}`;
}

/**
 * Whether `cpu` can issue a conversion now. Before stop_other_cpus() every CPU but the rebooting
 * CPU0 keeps serving device requests, whether or not it has served its reboot IPI (the race in
 * the v12 review); CPU0 converts while K1 runs and from drivers' ->shutdown() in device_shutdown().
 */
function canConvert(s: State, cpu: number): boolean {
  if (s.cpus.get(cpu) === "stopped" || !k1Phases.has(s.phase)) return false;
  return cpu !== 0 || s.phase === "k1_running" || s.phase === "device_shutdown";
}

export default defineModel({
  name: "sev_migration",
  description: "SEV guest shared-pages list and migration-control bit across normal and crash kexec.",
  params: {
    vcpus: intParam({ min: 1, max: 8, default: 2, description: "vCPUs of K1; CPU0 runs kexec" }),
    pages: intParam({
      min: 1,
      max: 16,
      default: 2,
      description: "RAM pages (page 0 holds K2's __bss_decrypted)",
    }),
    crash: boolParam({ default: false, description: "allow crash kexec (machine_crash_shutdown only)" }),
    bssDecrypted: boolParam({
      default: true,
      description: "K2's __bss_decrypted lives in page 0 and is reported to the host in early boot",
    }),
    variant: enumParam({
      values: variants,
      default: "upstream_73f1b4fece21",
      description: "kexec handling of the shared-pages list and of the migration-control bit",
    }),
  },
  state: fields,
  // K1 has booted, reported nothing shared yet, and enabled migration (KVM_MIGRATION_READY).
  init: (s) => {
    s.migration = true;
  },
  actions: (p, { action }) => {
    const cpu = range(p.vcpus);
    const page = range(p.pages);
    const variant = p.variant as Variant;
    const generations = usesGenerations(variant);
    const clearsM = clearsMigrationOnShutdown(variant);
    const hostEntry = (s: State) => k1Phases.has(s.phase) ? "decrypted_k1" : "decrypted_k2";
    return [
      // set_memory_decrypted() for a device's DMA buffer, with its hypercall.
      action("dec", {
        params: { cpu, page },
        guard: (s, a) => canConvert(s, a.cpu) && !s.decrypted.get(a.page),
        effect: (s, a) => {
          s.decrypted.set(a.page, true);
          s.hostList.set(a.page, hostEntry(s));
        },
      }),
      // set_memory_encrypted() when the device frees it.
      action("enc", {
        params: { cpu, page },
        guard: (s, a) => canConvert(s, a.cpu) && s.decrypted.get(a.page),
        effect: (s, a) => {
          s.decrypted.set(a.page, false);
          s.hostList.set(a.page, "encrypted");
        },
      }),
      // kernel_kexec() -> kernel_restart_prepare(): kvm_pv_reboot_notify() IPIs every CPU.
      action("kexec_start", {
        guard: (s) => s.phase === "k1_running",
        effect: (s) => {
          s.phase = "reboot_notifiers";
          s.cpus.fill("ipi_pending");
        },
      }),
      // kvm_pv_guest_cpu_reboot() on one CPU.
      action("reboot_ipi", {
        params: { cpu },
        guard: (s, a) => s.phase === "reboot_notifiers" && s.cpus.get(a.cpu) === "ipi_pending",
        effect: (s, a) => {
          s.cpus.set(a.cpu, "online");
          // v12: "if (sev_live_migration_enabled & (smp_processor_id() == 0))" marks every E820 RAM
          // range encrypted again (firmware ranges outside RAM are kept and not modelled).
          const resets = variant === "v12_reboot_notifier_reset" || variant === "disable_migration_only";
          if (resets && a.cpu === 0) s.hostList.fill("encrypted");
          // 73f1b4fece21: kvm_guest_cpu_offline(true) writes 0 to MSR_KVM_MIGRATION_CONTROL.
          if (clearsM) s.migration = false;
        },
      }),
      // on_each_cpu(..., wait=1) returns once every CPU has served the IPI; device_shutdown() starts.
      action("reboot_notifiers_done", {
        guard: (s) => s.phase === "reboot_notifiers" && !s.cpus.includes("ipi_pending"),
        effect: (s) => {
          s.phase = "device_shutdown";
        },
      }),
      action("device_shutdown_done", {
        guard: (s) => s.phase === "device_shutdown",
        effect: (s) => {
          s.phase = "machine_shutdown";
        },
      }),
      // native_machine_shutdown() -> stop_other_cpus(): no cpuhp teardown runs on the halted CPUs.
      action("stop_other_cpus", {
        guard: (s) => s.phase === "machine_shutdown",
        effect: (s) => {
          for (let c = 1; c < p.vcpus; c++) s.cpus.set(c, "stopped");
          s.phase = "kexec_jump";
        },
      }),
      // __crash_kexec() -> machine_crash_shutdown() on CPU0: kvm_crash_shutdown() (which calls
      // kvm_guest_cpu_offline() upstream), other CPUs halted by NMI. No notifiers, no device_shutdown().
      action("crash_shutdown", {
        guard: (s) => p.crash && s.phase === "k1_running",
        effect: (s) => {
          for (let c = 1; c < p.vcpus; c++) s.cpus.set(c, "stopped");
          if (clearsM) s.migration = false;
          s.phase = "kexec_jump";
        },
      }),
      // machine_kexec(): K2 maps all RAM encrypted except __bss_decrypted (cleared C-bit in
      // __startup_64). The host sees no vCPU reset: S and M are untouched.
      action("machine_kexec", {
        guard: (s) => s.phase === "kexec_jump",
        effect: (s) => {
          for (let i = 0; i < p.pages; i++) s.sharedByK1.set(i, s.decrypted.get(i));
          s.decrypted.fill(false);
          if (p.bssDecrypted) s.decrypted.set(0, true);
          // K2 brings its vCPUs up later; they issue nothing the model needs.
          s.cpus.fill("online");
          s.phase = "k2_early_boot";
        },
      }),
      // 73f1b4fece21, kvm_init_platform(): KVM_HC_MAP_GPA_RANGE(ENCRYPTED) over every E820 RAM range.
      action("k2_reset_shared_list", {
        guard: (s) => variant === "upstream_73f1b4fece21" && s.phase === "k2_early_boot",
        effect: (s) => {
          s.hostList.fill("encrypted");
          s.phase = "k2_list_reset";
        },
      }),
      // early_set_mem_enc_dec_hypercall() for __bss_decrypted: K2's first hypercall, which in the
      // generation-ID variants also tells the host K2's generation.
      action("k2_mark_bss_decrypted", {
        guard: (s) => s.phase === (variant === "upstream_73f1b4fece21" ? "k2_list_reset" : "k2_early_boot"),
        effect: (s) => {
          if (p.bssDecrypted) s.hostList.set(0, "decrypted_k2");
          if (generations) s.hostGeneration = "k2";
          s.phase = "k2_bss_marked";
        },
      }),
      // wrmsrl(MSR_KVM_MIGRATION_CONTROL, KVM_MIGRATION_READY) (non-EFI boot).
      action("k2_enable_migration", {
        guard: (s) => s.phase === "k2_bss_marked",
        effect: (s) => {
          s.migration = true;
          s.phase = "k2_running";
        },
      }),
      // The host migrates the guest, copying pages in S as plaintext. A migration changes no guest
      // state, so after machine_kexec one is enough: any later one is reachable without the first.
      action("migrate", {
        guard: (s) => s.migration && !s.migratedAfterKexec,
        effect: (s) => {
          if (k2Phases.has(s.phase)) s.migratedAfterKexec = true;
        },
      }),
    ];
  },
  properties: (p, { always, sometimes, transition }) => {
    const generations = usesGenerations(p.variant as Variant);
    const shared = (s: State, i: number) => hostTreatsAsShared(s, i, generations);
    const anyPage = (f: (i: number) => boolean) => Array.from({ length: p.pages }, (_, i) => i).some(f);
    return [
      transition(
        "migration_never_copies_private_as_shared",
        (before, a) => a.name !== "migrate" || !anyPage((i) => shared(before, i) && !before.decrypted.get(i)),
        { description: "no migration copies a page the running kernel maps encrypted as plaintext" },
      ),
      always(
        "migration_allowed_implies_list_matches",
        (s) => !s.migration || !anyPage((i) => shared(s, i) !== s.decrypted.get(i)),
        { description: "while M=1 the host's view of every RAM page equals D" },
      ),
      sometimes("kexec_completes", (s) => k2Phases.has(s.phase)),
      sometimes("k2_enables_migration", (s) => s.phase === "k2_running" && s.migration, {
        description: "liveness witness: M is set once K2 has booted",
      }),
      sometimes("migration_after_kexec", (s) => s.migratedAfterKexec),
      sometimes(
        "k2_uses_page_k1_shared",
        (s) => k2Phases.has(s.phase) && anyPage((i) => s.sharedByK1.get(i) && !s.decrypted.get(i)),
        { description: "K2 maps encrypted a page K1 had decrypted" },
      ),
    ];
  },
  // The run ends with K2 running and migration allowed (after at most one post-kexec migration):
  // with deadlock detection, every run that stops ends there, i.e. no boot leaves M clear.
  terminal: (s) => s.phase === "k2_running" && s.migration,
});
