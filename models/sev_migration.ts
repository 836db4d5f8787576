/**
 * SEV live migration across kexec, vCPU hotplug and suspend: the host's shared-pages list and the
 * migration-control bit outlive the code path that set them.
 *
 * An SEV guest tells the host which of its pages are decrypted (shared) through a hypercall
 * (KVM_HC_PAGE_ENC_STATUS in the v12 series, KVM_HC_MAP_GPA_RANGE upstream) issued from
 * set_memory_{en,de}crypted() via notify_page_enc_status_changed() -> kvm_sev_hc_page_enc_status().
 * The host keeps the result as its shared-pages list S; while the migration-control bit M
 * (MSR_KVM_MIGRATION_CONTROL, one per VM, kept by the VMM) is set it may migrate the guest, copying
 * pages in S as plaintext and every other page through the SEV firmware. A page in S that the running
 * kernel maps encrypted is copied as ciphertext and arrives corrupted.
 *
 * kexec hands RAM to the next kernel K2, which maps it encrypted except its own __bss_decrypted, while
 * S still describes the old kernel K1. Source: the review of "[PATCH v12 13/13] x86/kvm: Add kexec
 * support for SEV Live Migration" (Steve Rutherford, April 2021) shows that resetting S from the reboot
 * notifier on CPU0 races with other CPUs and with device_shutdown(); upstream 73f1b4fece21 resets S in
 * K2's kvm_init_platform() instead, before K2 sets M, and K1 clears M in kvm_guest_cpu_offline(). A
 * crash kexec boots a kdump kernel that runs in the crashkernel reservation only.
 *
 * The same kvm_guest_cpu_offline() runs from kvm_cpu_down_prepare() (a vCPU going offline) and from
 * kvm_suspend() (syscore, S3 and S4), while neither kvm_cpu_online() nor kvm_resume() sets M again:
 * `pm` selects that code or a change to it.
 *
 * Per page the model keeps D (how the page's bytes are encrypted: the running kernel's mapping, or K1's
 * for old memory a kdump kernel never uses) and S (tagged with the kernel that issued the hypercall,
 * which only the generation-ID variants pass to the host). Each conversion updates D and S in one step:
 * the window inside __set_memory_enc_pgtable() between the page-table change and the hypercall is left
 * out (the VMM re-sends pages dirtied during migration), so every disagreement the checker finds is a
 * stale entry, not an in-flight one. Each page is one E820 RAM range.
 *
 * @module
 */

import { arrayOf, bool, boolParam, defineModel, enumOf, enumParam, intParam, range } from "../mod.ts";
import type { ReadonlyView, RecordView } from "../mod.ts";

/** The guest code each variant runs on the kexec path and in K2's early boot. */
const variants = [
  "v12_reboot_notifier_reset",
  "disable_migration_only",
  "upstream_73f1b4fece21",
  "generation_id",
  "generation_id_msr_off",
] as const;

type Variant = typeof variants[number];

/** What kvm.c does with M when a vCPU goes offline or the guest suspends, and when they come back. */
const pmVariants = ["mainline", "online_reenables", "resync_on_resume"] as const;

type Pm = typeof pmVariants[number];

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
   * straight from machine_crash_shutdown); K2's kvm_init_platform() steps, its initcalls (EFI boot)
   * and k2_running. K1's sleep: s3_suspended, s3_resuming; vm_off (after ACPI S4), r_running (the
   * restore kernel R booted, before software_resume() jumps), i_resume (in the image, before
   * syscore_resume()).
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
    "k2_initcalls",
    "s3_suspended",
    "s3_resuming",
    "vm_off",
    "r_running",
    "i_resume",
  ),
  /**
   * K1's vCPUs; CPU0 runs kexec and suspend. ipi_pending: the reboot notifier's IPI is not yet served;
   * offline: unplugged by the user; frozen: taken down by suspend or hibernation, back on resume.
   */
  cpus: arrayOf(p.vcpus, enumOf("online", "ipi_pending", "stopped", "offline", "frozen")),
  /** D: the page's bytes are plaintext (shared). */
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
  /** The kexec is a crash kexec: K2 is a kdump kernel living in the crashkernel reservation. */
  kdump: bool,
  /** D in the hibernation image, from the snapshot until the image is restored. */
  image: arrayOf(p.pages, bool),
  /** The last sleep K1 came back from. */
  resumedFrom: enumOf("none", "s3", "s4"),
});

type State = ReadonlyView<ReturnType<typeof fields>>;
type Next = RecordView<ReturnType<typeof fields>>;

const k1Phases = new Set(["k1_running", "reboot_notifiers", "device_shutdown", "machine_shutdown"]);
/** K1 asleep: between taking its secondary vCPUs down for a sleep and bringing them up again. */
const asleep = new Set(["s3_suspended", "s3_resuming", "vm_off", "r_running", "i_resume"]);
const k2Phases = new Set(["k2_early_boot", "k2_list_reset", "k2_bss_marked", "k2_initcalls", "k2_running"]);

/** Whether the host, migrating now, would copy `page` as plaintext. */
function hostTreatsAsShared(s: State, page: number, generations: boolean): boolean {
  const entry = s.hostList.get(page);
  if (entry === "encrypted") return false;
  return !generations || entry === `decrypted_${s.hostGeneration}`;
}

export default defineModel({
  name: "sev_migration",
  description: "SEV guest shared-pages list and migration-control bit across kexec, vCPU hotplug and sleep.",
  params: {
    vcpus: intParam({ min: 1, max: 8, default: 2, description: "vCPUs of K1; CPU0 runs kexec" }),
    pages: intParam({ min: 1, max: 16, default: 2, description: "RAM pages, one E820 RAM range each" }),
    crash: boolParam({
      default: false,
      description: "crashkernel= reserves the last page, and a crash kexec boots a kdump kernel there",
    }),
    bssDecrypted: boolParam({
      default: true,
      description: "K2's __bss_decrypted is a page (bssPage; the reservation for a kdump kernel)",
    }),
    bssPage: intParam({ min: 0, max: 15, default: 0, description: "the page of K2's __bss_decrypted" }),
    efi: boolParam({
      default: false,
      description: "K2 boots through EFI: M is set by the late initcall setup_efi_kvm_sev_migration()",
    }),
    hotplug: boolParam({
      default: false,
      description: "K1's secondary vCPUs may be unplugged and replugged",
    }),
    sleep: enumParam({
      values: ["none", "s3", "s4"],
      default: "none",
      description: "K1 may suspend to RAM (s3) or hibernate and be restored by a fresh kernel (s4)",
    }),
    variant: enumParam({
      values: variants,
      default: "upstream_73f1b4fece21",
      description: "kexec handling of the shared-pages list and of the migration-control bit",
    }),
    pm: enumParam({
      values: pmVariants,
      default: "mainline",
      description: "M on vCPU offline and suspend (mainline clears it) and on online and resume",
    }),
  },
  state: fields,
  // K1 has booted, reported nothing shared yet, and enabled migration (KVM_MIGRATION_READY).
  init: (s, p) => {
    if (p.bssPage >= p.pages) throw new RangeError(`Expected bssPage below pages but found ${p.bssPage}`);
    s.migration = true;
  },
  actions: (p, { action }) => {
    const cpu = range(p.vcpus);
    const page = range(p.pages);
    const variant = p.variant as Variant;
    const pm = p.pm as Pm;
    const generations = usesGenerations(variant);
    const clearsM = clearsMigrationOnShutdown(variant);
    const reserved = p.crash ? p.pages - 1 : p.pages;
    const hostEntry = (s: State) => k2Phases.has(s.phase) ? "decrypted_k2" : "decrypted_k1";
    // K2's E820 RAM ranges: all pages, or only the crashkernel reservation for a kdump kernel.
    const k2RamStart = (s: State) => s.kdump ? reserved : 0;
    const k2Bss = (s: State) => s.kdump ? reserved : p.bssPage;

    /**
     * Whether `c` can convert `page` now. Before stop_other_cpus() every CPU but the rebooting CPU0
     * keeps serving device requests, whether or not it has served its reboot IPI (the race in the v12
     * review); CPU0 converts while K1 runs and from drivers' ->shutdown() in device_shutdown(). K1 and R
     * never convert the crashkernel reservation (memblock-reserved); K2 converts during its initcalls
     * on an EFI boot, never its __bss_decrypted; R converts from CPU0.
     */
    function canConvert(s: State, c: number, pg: number): boolean {
      if (k2Phases.has(s.phase)) {
        return s.phase === "k2_initcalls" && pg >= k2RamStart(s) && !(p.bssDecrypted && pg === k2Bss(s));
      }
      if (pg >= reserved) return false;
      if (s.phase === "r_running") return c === 0;
      const state = s.cpus.get(c);
      if ((state !== "online" && state !== "ipi_pending") || !k1Phases.has(s.phase)) return false;
      return c !== 0 || s.phase === "k1_running" || s.phase === "device_shutdown";
    }

    // kvm_cpu_down_prepare() -> kvm_guest_cpu_offline(false) on the CPU going down: mainline writes 0
    // to MSR_KVM_MIGRATION_CONTROL; the resync change writes it on shutdown and in kvm_suspend() only.
    function kvmCpuDownPrepare(s: Next): void {
      if (pm !== "resync_on_resume") s.migration = false;
    }
    // kvm_cpu_online() -> kvm_guest_cpu_init() writes no migration MSR in mainline.
    function kvmCpuOnline(s: Next): void {
      if (pm === "online_reenables") s.migration = true;
    }
    // kvm_suspend() -> kvm_guest_cpu_offline(false) on CPU0, in every variant.
    function kvmSuspend(s: Next): void {
      s.migration = false;
    }
    // kvm_resume() -> kvm_cpu_online(); the resync change first reports every page's status again (a
    // walk of the direct map, as unshare_all_memory() does for SNP kexec), then sets KVM_MIGRATION_READY.
    function kvmResume(s: Next): void {
      if (pm === "resync_on_resume") {
        for (let i = 0; i < p.pages; i++) s.hostList.set(i, s.decrypted.get(i) ? hostEntry(s) : "encrypted");
        s.migration = true;
      }
      kvmCpuOnline(s);
    }
    // Every online secondary vCPU goes down through cpuhp (freeze_secondary_cpus()).
    function freezeSecondaries(s: Next): void {
      for (let c = 1; c < p.vcpus; c++) {
        if (s.cpus.get(c) !== "online") continue;
        kvmCpuDownPrepare(s);
        s.cpus.set(c, "frozen");
      }
    }
    function thawSecondaries(s: Next): void {
      for (let c = 1; c < p.vcpus; c++) {
        if (s.cpus.get(c) !== "frozen") continue;
        s.cpus.set(c, "online");
        kvmCpuOnline(s);
      }
    }

    return [
      // set_memory_decrypted() for a device's DMA buffer, with its hypercall.
      action("dec", {
        params: { cpu, page },
        guard: (s, a) => canConvert(s, a.cpu, a.page) && !s.decrypted.get(a.page),
        effect: (s, a) => {
          s.decrypted.set(a.page, true);
          s.hostList.set(a.page, hostEntry(s));
        },
      }),
      // set_memory_encrypted() when the device frees it.
      action("enc", {
        params: { cpu, page },
        guard: (s, a) => canConvert(s, a.cpu, a.page) && s.decrypted.get(a.page),
        effect: (s, a) => {
          s.decrypted.set(a.page, false);
          s.hostList.set(a.page, "encrypted");
        },
      }),
      // kernel_kexec() -> kernel_restart_prepare(): kvm_pv_reboot_notify() IPIs every online CPU.
      action("kexec_start", {
        guard: (s) => s.phase === "k1_running",
        effect: (s) => {
          s.phase = "reboot_notifiers";
          for (let c = 0; c < p.vcpus; c++) if (s.cpus.get(c) === "online") s.cpus.set(c, "ipi_pending");
        },
      }),
      // kvm_pv_guest_cpu_reboot() on one CPU.
      action("reboot_ipi", {
        fair: "weak",
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
        fair: "weak",
        guard: (s) => s.phase === "reboot_notifiers" && !s.cpus.includes("ipi_pending"),
        effect: (s) => {
          s.phase = "device_shutdown";
        },
      }),
      action("device_shutdown_done", {
        fair: "weak",
        guard: (s) => s.phase === "device_shutdown",
        effect: (s) => {
          s.phase = "machine_shutdown";
        },
      }),
      // native_machine_shutdown() -> stop_other_cpus(): no cpuhp teardown runs on the halted CPUs.
      action("stop_other_cpus", {
        fair: "weak",
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
          s.kdump = true;
          s.phase = "kexec_jump";
        },
      }),
      // machine_kexec(): K2 maps its RAM encrypted except __bss_decrypted (cleared C-bit in
      // __startup_64); a kdump kernel leaves old memory as K1 wrote it. The host sees no vCPU reset:
      // S and M are untouched.
      action("machine_kexec", {
        fair: "weak",
        guard: (s) => s.phase === "kexec_jump",
        effect: (s) => {
          for (let i = 0; i < p.pages; i++) s.sharedByK1.set(i, s.decrypted.get(i));
          for (let i = k2RamStart(s); i < p.pages; i++) s.decrypted.set(i, false);
          if (p.bssDecrypted) s.decrypted.set(k2Bss(s), true);
          // K2 brings its vCPUs up later; they issue nothing the model needs.
          s.cpus.fill("online");
          s.phase = "k2_early_boot";
        },
      }),
      // 73f1b4fece21, kvm_init_platform(): KVM_HC_MAP_GPA_RANGE(ENCRYPTED) over every E820 RAM range.
      action("k2_reset_shared_list", {
        fair: "weak",
        guard: (s) => variant === "upstream_73f1b4fece21" && s.phase === "k2_early_boot",
        effect: (s) => {
          for (let ram = k2RamStart(s); ram < p.pages; ram++) s.hostList.set(ram, "encrypted");
          s.phase = "k2_list_reset";
        },
      }),
      // early_set_mem_enc_dec_hypercall() for __bss_decrypted: K2's first hypercall, which in the
      // generation-ID variants also tells the host K2's generation.
      action("k2_mark_bss_decrypted", {
        fair: "weak",
        guard: (s) => s.phase === (variant === "upstream_73f1b4fece21" ? "k2_list_reset" : "k2_early_boot"),
        effect: (s) => {
          if (p.bssDecrypted) s.hostList.set(k2Bss(s), "decrypted_k2");
          if (generations) s.hostGeneration = "k2";
          s.phase = p.efi ? "k2_initcalls" : "k2_bss_marked";
        },
      }),
      // wrmsrl(MSR_KVM_MIGRATION_CONTROL, KVM_MIGRATION_READY): at the end of kvm_init_platform() on a
      // non-EFI boot, from the late initcall setup_efi_kvm_sev_migration() on an EFI boot.
      action("k2_enable_migration", {
        fair: "weak",
        guard: (s) => s.phase === (p.efi ? "k2_initcalls" : "k2_bss_marked"),
        effect: (s) => {
          s.migration = true;
          s.phase = "k2_running";
        },
      }),
      // The host migrates the guest, copying pages in S as plaintext. A migration changes no guest
      // state, so after machine_kexec one is enough: any later one is reachable without the first.
      action("migrate", {
        background: true,
        guard: (s) => s.migration && !s.migratedAfterKexec,
        effect: (s) => {
          if (k2Phases.has(s.phase)) s.migratedAfterKexec = true;
        },
      }),
      // echo 0 > /sys/devices/system/cpu/cpuN/online: kvm_cpu_down_prepare() runs on vCPU N.
      action("cpu_down", {
        params: { cpu },
        guard: (s, a) =>
          p.hotplug && s.phase === "k1_running" && a.cpu !== 0 && s.cpus.get(a.cpu) === "online",
        effect: (s, a) => {
          kvmCpuDownPrepare(s);
          s.cpus.set(a.cpu, "offline");
        },
      }),
      // echo 1 > .../online: kvm_cpu_online() runs on vCPU N.
      action("cpu_up", {
        params: { cpu },
        guard: (s, a) => s.phase === "k1_running" && s.cpus.get(a.cpu) === "offline",
        effect: (s, a) => {
          s.cpus.set(a.cpu, "online");
          kvmCpuOnline(s);
        },
      }),
      // suspend_enter(): freeze_secondary_cpus(), then syscore_suspend() -> kvm_suspend() on CPU0.
      action("suspend_to_ram", {
        guard: (s) => p.sleep === "s3" && s.phase === "k1_running",
        effect: (s) => {
          freezeSecondaries(s);
          kvmSuspend(s);
          s.phase = "s3_suspended";
        },
      }),
      // A wake-up event from the VMM (system_wakeup): the host's move, so never forced.
      action("wake", {
        background: true,
        guard: (s) => s.phase === "s3_suspended",
        effect: (s) => {
          s.phase = "s3_resuming";
        },
      }),
      // syscore_resume() -> kvm_resume() on CPU0, then thaw_secondary_cpus() -> kvm_cpu_online().
      action("s3_resume", {
        fair: "weak",
        guard: (s) => s.phase === "s3_resuming",
        effect: (s) => {
          kvmResume(s);
          thawSecondaries(s);
          s.resumedFrom = "s3";
          s.phase = "k1_running";
        },
      }),
      // hibernate(): freeze_secondary_cpus(), syscore_suspend() -> kvm_suspend(), the snapshot; then
      // thaw, swsusp_write() and power_down() (syscore_suspend() again) end in ACPI S4: the VM is off.
      action("hibernate", {
        guard: (s) => p.sleep === "s4" && s.phase === "k1_running",
        effect: (s) => {
          freezeSecondaries(s);
          kvmSuspend(s);
          for (let i = 0; i < p.pages; i++) s.image.set(i, s.decrypted.get(i));
          s.phase = "vm_off";
        },
      }),
      // The VMM starts the VM again, with an empty list and M clear, and the restore kernel R boots:
      // kvm_init_platform() resets S (empty already), and M is set (kvm_init_platform() on a non-EFI
      // boot; on an EFI boot the late initcall runs before software_resume(), a late_initcall_sync).
      // R's own __bss_decrypted is K1's (the same kernel), outside the modelled pages.
      action("vm_start", {
        background: true,
        guard: (s) => s.phase === "vm_off",
        effect: (s) => {
          s.decrypted.fill(false);
          s.hostList.fill("encrypted");
          s.migration = true;
          s.phase = "r_running";
        },
      }),
      // software_resume() -> resume_target_kernel(): R's secondary vCPUs go down, syscore_suspend() ->
      // kvm_suspend() on CPU0, swsusp_arch_resume(): memory, hence D, becomes the image. S is R's.
      action("restore_image", {
        fair: "weak",
        guard: (s) => s.phase === "r_running",
        effect: (s) => {
          for (let c = 1; c < p.vcpus; c++) kvmCpuDownPrepare(s);
          kvmSuspend(s);
          for (let i = 0; i < p.pages; i++) s.decrypted.set(i, s.image.get(i));
          s.image.fill(false);
          s.phase = "i_resume";
        },
      }),
      // In the image, hibernate() returns: syscore_resume() -> kvm_resume(), then the secondary vCPUs
      // come up (kvm_cpu_online()).
      action("image_resume", {
        fair: "weak",
        guard: (s) => s.phase === "i_resume",
        effect: (s) => {
          kvmResume(s);
          thawSecondaries(s);
          s.resumedFrom = "s4";
          s.phase = "k1_running";
        },
      }),
    ];
  },
  properties: (p, { always, sometimes, transition, leadsTo }) => {
    const generations = usesGenerations(p.variant as Variant);
    const shared = (s: State, i: number) => hostTreatsAsShared(s, i, generations);
    const anyPage = (f: (i: number) => boolean) => Array.from({ length: p.pages }, (_, i) => i).some(f);
    const running = (s: State) => s.phase === "k1_running" || s.phase === "k2_running";
    const k2Bss = (s: State) => s.kdump ? p.pages - 1 : p.bssPage;
    const resumedRunning = (s: State, from: "s3" | "s4") =>
      s.phase === "k1_running" && s.resumedFrom === from;
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
      leadsTo("running_leads_to_migration_allowed", running, (s) => s.migration, {
        description:
          "whenever a kernel runs (booted, after a vCPU hotplug or a resume), M is set then or later",
      }),
      leadsTo(
        "kexec_leads_to_migration_allowed",
        (s) => s.phase === "reboot_notifiers" || s.phase === "kexec_jump",
        (s) => s.phase === "k2_running" && s.migration,
        { description: "once a kexec starts, K2 runs with M set" },
      ),
      ...(p.sleep !== "none"
        ? [
          always(
            "vcpus_down_exactly_while_asleep",
            (s) =>
              asleep.has(s.phase)
                ? s.cpus.every((c, i) => i === 0 || c !== "online")
                : !s.cpus.includes("frozen"),
            { description: "K1's secondary vCPUs are down while it sleeps, and all back once it runs again" },
          ),
        ]
        : []),
      sometimes("kexec_completes", (s) => k2Phases.has(s.phase)),
      sometimes("k2_enables_migration", (s) => s.phase === "k2_running" && s.migration, {
        description: "K2 has booted and set M",
      }),
      sometimes("migration_after_kexec", (s) => s.migratedAfterKexec),
      sometimes(
        "k2_uses_page_k1_shared",
        (s) => k2Phases.has(s.phase) && anyPage((i) => s.sharedByK1.get(i) && !s.decrypted.get(i)),
        { description: "K2 maps encrypted a page K1 had decrypted" },
      ),
      ...(p.crash
        ? [sometimes(
          "kdump_keeps_k1_shared_page",
          (s) =>
            s.kdump && s.phase === "k2_running" && s.migration &&
            anyPage((i) => shared(s, i) && i < p.pages - 1),
          {
            description:
              "a kdump kernel runs with M set while a page K1 shared outside the reservation is listed",
          },
        )]
        : []),
      ...(p.efi
        ? [sometimes(
          "k2_converts_before_late_initcall",
          (s) =>
            s.phase === "k2_initcalls" &&
            anyPage((i) => s.decrypted.get(i) && i >= (s.kdump ? p.pages - 1 : 0) && i !== k2Bss(s)),
          { description: "K2 shares a page between kvm_init_platform() and setup_efi_kvm_sev_migration()" },
        )]
        : []),
      ...(p.hotplug
        ? [sometimes(
          "vcpu_offline_with_migration_allowed",
          (s) => s.phase === "k1_running" && s.cpus.includes("offline") && s.migration,
          { description: "K1 runs with a vCPU unplugged and M set" },
        )]
        : []),
      ...(p.sleep === "s3"
        ? [sometimes("s3_resumed_with_migration_allowed", (s) => resumedRunning(s, "s3") && s.migration, {
          description: "K1 came back from S3 and M is set",
        })]
        : []),
      ...(p.sleep === "s4"
        ? [
          sometimes(
            "restore_kernel_list_differs_from_image",
            (s) => s.phase === "i_resume" && anyPage((i) => shared(s, i) !== s.decrypted.get(i)),
            { description: "after the jump into the image, S (R's) and D (the image's) disagree on a page" },
          ),
          sometimes("s4_resumed_with_migration_allowed", (s) => resumedRunning(s, "s4") && s.migration, {
            description: "K1 came back from S4 and M is set",
          }),
        ]
        : []),
    ];
  },
  // A run may end with K2 running and migration allowed (after at most one post-kexec migration), or
  // with the guest asleep or powered off (waking it is the host's move). With deadlock detection, every
  // other run goes on: no boot or resume hangs.
  terminal: (s) =>
    (s.phase === "k2_running" && s.migration) || s.phase === "s3_suspended" || s.phase === "vm_off",
});
