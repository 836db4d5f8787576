/**
 * The Hyper-V VP assist page (and the hypercall page) across hibernation and kexec.
 *
 * Hyper-V keeps, per vCPU v, HV_X64_MSR_VP_ASSIST_PAGE: off, or on at a guest frame it writes at will
 * (apic_assist for the EOI optimisation, the eVMCS pointer when nested); HV_X64_MSR_HYPERCALL likewise
 * overlays one frame. arch/x86/hyperv/hv_init.c: hyperv_init() registers hv_cpu_init/hv_cpu_die with
 * cpuhp_setup_state(CPUHP_AP_ONLINE_DYN) and hv_suspend/hv_resume as syscore ops, then allocates the
 * hypercall page. hv_cpu_init allocates a zeroed page when the CPU has none and writes the MSR; hv_cpu_die
 * writes 0 (the page is kept). Secondary vCPUs go through cpuhp teardown and startup around the snapshot;
 * CPU0 never does, so only the syscore hooks can undo and redo its registration.
 *
 * Two kernels share the frames 0..frames-1: `old` (the image kernel I, which hibernates; on the kexec path
 * the kernel that kexecs) and `new` (the restoring kernel R, a fresh boot that loads the image and jumps
 * into it; on the kexec path the kexec target). Each has its own use of the frames, its own
 * hv_vp_assist_page[] and hv_hypercall_pg; the old kernel's record is also what the image holds, and
 * `kernel` says whose record is live. The frame value `frames` stands for NULL (a pointer) or off (an MSR).
 *
 * Hibernation path (kernel/power/hibernate.c), every step one action:
 *   old: hibernate (freeze, then pm_sleep_disable_secondary_cpus) -> cpuhp_teardown per secondary ->
 *   syscore_suspend (hv_suspend) -> swsusp_arch_suspend (the snapshot) -> syscore_resume (hv_resume) ->
 *   cpuhp_startup per secondary -> swsusp_write (power_down: secondaries down again) -> cpuhp_teardown ->
 *   power_off (syscore_suspend, ACPI S4: Hyper-V resets the partition's MSRs)
 *   new: restore_kernel_boot -> cpuhp_startup on every vCPU (cpuhp_setup_state) -> hyperv_init_hypercall ->
 *   hibernation_restore (quiesce, resume_target_kernel: secondaries down) -> cpuhp_teardown ->
 *   syscore_suspend (hv_suspend) -> swsusp_arch_resume (memory becomes the image)
 *   old: syscore_resume (hv_resume) -> cpuhp_startup per secondary -> resume_complete -> running again.
 * kexec path: old: kernel_kexec (device_shutdown, hv_machine_shutdown: cpuhp_remove_state() runs hv_cpu_die
 *   on every online vCPU, stop_other_cpus, hyperv_cleanup, machine_kexec) -> new: boots, allocates freely,
 *   cpuhp_startup on every vCPU, hyperv_init_hypercall -> kexec_boot_complete.
 * Any time: hv_write(cpu) while MSR_VP_ASSIST[cpu] is on, hv_write_hypercall_page while the hypercall MSR
 * is on, and alloc_data(frame) while a kernel runs normally (the old kernel before hibernating or after
 * resuming, the kexec target from its first instruction).
 *
 * Liveness: every guest kernel step is weakly fair; Hyper-V's writes and the host starting the VM again are
 * background (never fair), and the user's hibernate/kexec and the kernel's data allocations are not fair.
 * A powered-off VM and a kexec target that finished hyperv_init may stay there forever (terminal).
 *
 * Abstracted away: device PM phases (the VP assist page is syscore state, not a device; the phase
 * variable fixes where the syscore and cpuhp steps sit), freeing memory, hv_cpu_init failures (alloc_data
 * leaves enough free frames for the Hyper-V pages), the root partition, crash kexec, user-initiated CPU
 * hotplug, the reenlightenment and stimer state.
 *
 * @module
 */

import {
  arrayOf,
  bool,
  boolParam,
  defineModel,
  enumOf,
  enumParam,
  int,
  intParam,
  type ParamValues,
  range,
  type ReadonlyView,
  recordOf,
  type RecordView,
} from "../mod.ts";
import { cpuhp } from "./lib/cpuhp.ts";

const params = {
  vcpus: intParam({ min: 1, max: 4, default: 2, description: "vCPUs, CPU0 included" }),
  frames: intParam({ min: 3, max: 10, default: 5, description: "guest frames (at least vcpus + 2)" }),
  variant: enumParam({
    values: ["pre_421f090c819d", "with_421f090c819d", "regression_e5d9b714fe40", "with_ee6815416380"],
    default: "with_ee6815416380",
    description: "hv_suspend/hv_resume without CPU0's VP assist page (pre), with it (421f090c819d), " +
      "with hv_cpu_init writing the MSR only for a new page (e5d9b714fe40), always writing it (ee6815416380)",
  }),
  path: enumParam({ values: ["hibernate", "kexec"], default: "hibernate", description: "which transition" }),
  removeState: boolParam({
    default: true,
    description: "kexec: hv_machine_shutdown() calls cpuhp_remove_state() before native_machine_shutdown()",
  }),
};

type P = ParamValues<typeof params>;

/** Records 0 and 1 of `mem`. */
const OLD = 0;
const NEW = 1;

const hpOf = (p: P) => cpuhp({ cpus: p.vcpus, callbacks: 1 });

function vars(p: P) {
  return {
    ...hpOf(p).vars(),
    phase: enumOf(
      "running",
      "image_cpus_down",
      "snapshot",
      "image_saved",
      "thaw_cpus_up",
      "poweroff_cpus_down",
      "off",
      "restore_boot",
      "restore_cpus_down",
      "restore_ready",
      "image_entered",
      "resume_cpus_up",
      "kexec_boot",
      "kexec_done",
    ),
    /** Whose record is live: the old kernel's (I) or the new kernel's (R). */
    kernel: enumOf("old", "new"),
    /** Per kernel: which frames it uses, hv_vp_assist_page[v] and hv_hypercall_pg (`frames` = NULL). */
    mem: arrayOf(
      2,
      recordOf({
        used: arrayOf(p.frames, bool),
        vpa: arrayOf(p.vcpus, int(0, p.frames)),
        hypercall: int(0, p.frames),
      }),
    ),
    /** Hyper-V: HV_X64_MSR_VP_ASSIST_PAGE per vCPU (`frames` = off). */
    msr: arrayOf(p.vcpus, int(0, p.frames)),
    /** Hyper-V: HV_X64_MSR_HYPERCALL (`frames` = off). */
    hypercallMsr: int(0, p.frames),
    /** Ghost, for the witnesses: the Hyper-V page the previous kernel kept on each frame. */
    previousHv: arrayOf(p.frames, enumOf("none", "vp_assist_cpu0", "vp_assist", "hypercall")),
  };
}

type F = ReturnType<typeof vars>;
type S = RecordView<F>;
type R = ReadonlyView<F>;

/** The running kernel's record. */
const live = <V extends R | S>(s: V) => s.mem[s.kernel === "old" ? OLD : NEW]!;

export default defineModel({
  name: "hv_vp_assist",
  description: "Hyper-V VP assist and hypercall pages across hibernation and kexec; CPU0 is never unplugged.",
  params,
  state: vars,
  // The old kernel booted long ago. Frames are interchangeable, so WLOG: CPU0's VP assist page is frame 0,
  // frame 1 holds the old kernel's data (in the image), vCPU v >= 1 has frame v + 1, the hypercall page is
  // the last frame and the frames between are free; every vCPU is online and registered.
  init: (s, p) => {
    if (p.frames < p.vcpus + 2) throw new RangeError(`Expected frames >= vcpus + 2 but found ${p.frames}`);
    const old = s.mem[OLD]!;
    for (let v = 0; v < p.vcpus; v++) {
      const frame = v === 0 ? 0 : v + 1;
      old.vpa.set(v, frame);
      old.used.set(frame, true);
      s.msr.set(v, frame);
    }
    old.used.set(1, true);
    old.hypercall = p.frames - 1;
    old.used.set(p.frames - 1, true);
    s.hypercallMsr = p.frames - 1;
    s.mem[NEW]!.vpa.fill(p.frames);
    s.mem[NEW]!.hypercall = p.frames;
    for (const c of s.cpuhp) {
      c.state = 1;
      c.target = 1;
    }
  },
  actions: (p, kit) => {
    const { action } = kit;
    const NONE = p.frames;
    const hp = hpOf(p);
    const fixed421 = p.variant !== "pre_421f090c819d";
    const writeOnlyNew = p.variant === "regression_e5d9b714fe40";

    /** hv_cpu_init(cpu): allocate a zeroed page if there is none, then write the MSR. */
    const hvCpuInit = (s: S, cpu: number, frame: number) => {
      const k = live(s);
      let fresh = false;
      if (k.vpa.get(cpu) === NONE) {
        k.vpa.set(cpu, frame);
        k.used.set(frame, true);
        fresh = true;
      }
      // e5d9b714fe40 moved the wrmsrl under `if (!*hvp)`; ee6815416380 moved it back out.
      if (!writeOnlyNew || fresh) s.msr.set(cpu, k.vpa.get(cpu));
    };
    /** hv_cpu_die(cpu): write 0 to the MSR if the CPU has a page; the page stays allocated. */
    const hvCpuDie = (s: S, cpu: number) => {
      if (live(s).vpa.get(cpu) !== NONE) s.msr.set(cpu, NONE);
    };
    /** hv_suspend: disable the hypercall page; 421f090c819d added hv_cpu_die(0). */
    const hvSuspend = (s: S) => {
      s.hypercallMsr = NONE;
      if (fixed421) hvCpuDie(s, 0);
    };
    /** hv_resume: 421f090c819d added hv_cpu_init(0) (CPU0 always has its page here); re-enable hypercall. */
    const hvResume = (s: S) => {
      if (fixed421) hvCpuInit(s, 0, 0);
      s.hypercallMsr = live(s).hypercall;
    };
    /** Frames still to allocate for Hyper-V pages in the live kernel. */
    const owed = (s: R) => live(s).vpa.count(NONE) + (live(s).hypercall === NONE ? 1 : 0);
    /** A kernel's frames go away: the next record starts empty. */
    const forget = (s: S, kernel: number) => {
      const k = s.mem[kernel]!;
      k.used.fill(false);
      k.vpa.fill(NONE);
      k.hypercall = NONE;
    };
    /** Ghost: remember the live kernel's Hyper-V frames before control passes to the other kernel. */
    const rememberHv = (s: S) => {
      const k = live(s);
      s.previousHv.fill("none");
      k.vpa.forEach((f, v) => {
        if (f !== NONE) s.previousHv.set(f, v === 0 ? "vp_assist_cpu0" : "vp_assist");
      });
      if (k.hypercall !== NONE) s.previousHv.set(k.hypercall, "hypercall");
    };

    return [
      ...hp.actions(kit, {
        startup: (s, cpu, _step, frame) => hvCpuInit(s, cpu, frame),
        teardown: (s, cpu) => hvCpuDie(s, cpu),
        // kzalloc returns some free frame when the CPU has no page; otherwise the choice is irrelevant.
        canStartup: (s, cpu, _step, frame) =>
          live(s).vpa.get(cpu) === NONE ? !live(s).used.get(frame) : frame === 0,
        choice: { name: "frame", count: p.frames },
      }),
      // Hyper-V writes apic_assist into the registered page at any time; the hypervisor is never fair.
      action("hv_write", {
        background: true,
        params: { cpu: range(p.vcpus) },
        guard: (s, { cpu }) => s.msr.get(cpu) !== NONE,
        effect: () => {},
      }),
      // Hyper-V maintains the hypercall code in the registered overlay frame.
      action("hv_write_hypercall_page", {
        background: true,
        guard: (s) => s.hypercallMsr !== NONE,
        effect: () => {},
      }),
      // The running kernel puts its own data into a free frame (page cache, slab, anything); it may not.
      action("alloc_data", {
        fair: "none",
        params: { frame: range(p.frames) },
        guard: (s, { frame }) =>
          (s.phase === "running" || s.phase === "kexec_boot" || s.phase === "kexec_done") &&
          !live(s).used.get(frame) && live(s).used.count(false) > owed(s),
        effect: (s, { frame }) => live(s).used.set(frame, true),
      }),

      // ---- hibernation, in the old kernel: hibernate() -> hibernation_snapshot() -> create_image()
      // The user asks for it (echo disk > /sys/power/state), or never does.
      action("hibernate", {
        fair: "none",
        guard: (s) => p.path === "hibernate" && s.phase === "running" && hp.allOnline(s),
        effect: (s) => {
          s.phase = "image_cpus_down";
          hp.requestSecondaries(s, false);
        },
      }),
      // syscore_suspend() on CPU0 with irqs off, in create_image() and in resume_target_kernel().
      action("syscore_suspend", {
        guard: (s) =>
          (s.phase === "image_cpus_down" || s.phase === "restore_cpus_down") && hp.secondariesOffline(s),
        effect: (s) => {
          hvSuspend(s);
          s.phase = s.phase === "image_cpus_down" ? "snapshot" : "restore_ready";
        },
      }),
      // The image is the old kernel's record as it stands: alloc_data is off until the resume completes.
      action("swsusp_arch_suspend", {
        guard: (s) => s.phase === "snapshot",
        effect: (s) => {
          s.phase = "image_saved";
        },
      }),
      // syscore_resume(): after the snapshot (in_suspend=1) and in the image after the jump (in_suspend=0).
      action("syscore_resume", {
        guard: (s) => s.phase === "image_saved" || s.phase === "image_entered",
        effect: (s) => {
          hvResume(s);
          hp.requestSecondaries(s, true);
          s.phase = s.phase === "image_saved" ? "thaw_cpus_up" : "resume_cpus_up";
        },
      }),
      // PMSG_THAW done; swsusp_write(); power_down(): PMSG_HIBERNATE, secondaries down.
      action("swsusp_write", {
        guard: (s) => s.phase === "thaw_cpus_up" && hp.allOnline(s),
        effect: (s) => {
          hp.requestSecondaries(s, false);
          s.phase = "poweroff_cpus_down";
        },
      }),
      // syscore_suspend(); ACPI S4. The VM powers off and Hyper-V resets every MSR of the partition.
      action("power_off", {
        guard: (s) => s.phase === "poweroff_cpus_down" && hp.secondariesOffline(s),
        effect: (s) => {
          s.msr.fill(NONE);
          s.hypercallMsr = NONE;
          s.previousHv.fill("none");
          s.phase = "off";
        },
      }),

      // ---- the restoring kernel: a fresh boot, hyperv_init(), software_resume()
      // The host starts the VM again, or never does: not the guest's move.
      action("restore_kernel_boot", {
        background: true,
        guard: (s) => s.phase === "off",
        effect: (s) => {
          s.kernel = "new";
          hp.boot(s);
          s.phase = "restore_boot";
        },
      }),
      // hyperv_init(), after cpuhp_setup_state() ran hv_cpu_init on every online CPU: the hypercall page.
      action("hyperv_init_hypercall", {
        params: { frame: range(p.frames) },
        guard: (s, { frame }) =>
          (s.phase === "restore_boot" || s.phase === "kexec_boot") && hp.allOnline(s) &&
          live(s).hypercall === NONE && !live(s).used.get(frame),
        effect: (s, { frame }) => {
          const k = live(s);
          k.hypercall = frame;
          k.used.set(frame, true);
          s.hypercallMsr = frame;
        },
      }),
      // software_resume() -> swsusp_read() -> hibernation_restore(): PMSG_QUIESCE; resume_target_kernel():
      // hibernate_resume_nonboot_cpu_disable() takes every secondary down.
      action("hibernation_restore", {
        guard: (s) => s.phase === "restore_boot" && live(s).hypercall !== NONE,
        effect: (s) => {
          hp.requestSecondaries(s, false);
          s.phase = "restore_cpus_down";
        },
      }),
      // restore_image(): memory becomes the image; CPU0 continues in the old kernel's create_image().
      action("swsusp_arch_resume", {
        guard: (s) => s.phase === "restore_ready",
        effect: (s) => {
          rememberHv(s);
          forget(s, NEW);
          s.kernel = "old";
          s.phase = "image_entered";
        },
      }),
      // dpm_resume_end(PMSG_RESTORE), thaw_processes(): the old kernel runs again.
      action("resume_complete", {
        guard: (s) => s.phase === "resume_cpus_up" && hp.allOnline(s),
        effect: (s) => {
          s.phase = "running";
        },
      }),

      // ---- kexec: kernel_kexec() -> machine_shutdown() = hv_machine_shutdown() -> machine_kexec()
      action("kernel_kexec", {
        fair: "none",
        guard: (s) => p.path === "kexec" && s.phase === "running" && hp.allOnline(s),
        effect: (s) => {
          if (p.removeState) { for (let v = 0; v < p.vcpus; v++) hvCpuDie(s, v); }
          // stop_other_cpus() halts the secondaries without cpuhp callbacks; hyperv_cleanup() disables the
          // hypercall page once only CPU0 runs.
          s.hypercallMsr = NONE;
          rememberHv(s);
          forget(s, OLD);
          s.kernel = "new";
          hp.boot(s);
          s.phase = "kexec_boot";
        },
      }),
      action("kexec_boot_complete", {
        guard: (s) => s.phase === "kexec_boot" && hp.allOnline(s) && live(s).hypercall !== NONE,
        effect: (s) => {
          s.phase = "kexec_done";
        },
      }),
    ];
  },
  properties: (p, kit) => {
    const NONE = p.frames;
    const hp = hpOf(p);
    /** Whether frame f is, in the running kernel, the page Hyper-V may write through this registration. */
    const isOwnPage = (s: R, f: number, cpu: number | "hypercall") =>
      cpu === "hypercall" ? live(s).hypercall === f : live(s).vpa.get(cpu) === f;
    /** Whether the running kernel uses frame f for its own data, not for a Hyper-V page. */
    const isData = (s: R, f: number) =>
      live(s).used.get(f) && !live(s).vpa.includes(f) && live(s).hypercall !== f;
    // Registered: every vCPU is online and its MSR is on, at the page the running kernel owns for it, and so
    // is the hypercall MSR. A NULL page with the MSR off is not registered.
    const ownedOn = (s: R, msr: number, page: number) =>
      msr !== NONE && msr === page && live(s).used.get(page);
    const registered = (s: R) =>
      hp.allOnline(s) && s.msr.every((f, v) => ownedOn(s, f, live(s).vpa.get(v))) &&
      ownedOn(s, s.hypercallMsr, live(s).hypercall);
    /** The image kernel holds data on a frame that the restoring kernel (or the kexecing one) gave Hyper-V. */
    const holdsDataOnPrevious = (s: R, page: "vp_assist_cpu0" | "vp_assist") =>
      s.previousHv.some((hv, f) => hv === page && isData(s, f));
    const common = [
      ...hp.properties(kit),
      kit.always(
        "vp_assist_msr_points_to_own_page",
        (s) => s.msr.every((f, v) => f === NONE || isOwnPage(s, f, v)),
        { description: "whenever MSR_VP_ASSIST[v] is on(f), f is v's VP assist page in the running kernel" },
      ),
      kit.always(
        "hypercall_msr_points_to_own_page",
        (s) => s.hypercallMsr === NONE || isOwnPage(s, s.hypercallMsr, "hypercall"),
        { description: "whenever the hypercall MSR is on(f), f is the running kernel's hypercall page" },
      ),
      kit.always(
        "hv_pages_owned_and_distinct",
        (s) => {
          const k = live(s);
          const pages = [...Array(p.vcpus).keys()].map((v) => k.vpa.get(v)).concat(k.hypercall)
            .filter((f) => f !== NONE);
          return pages.every((f) => k.used.get(f)) && new Set(pages).size === pages.length;
        },
        {
          description: "the running kernel owns each of its VP assist pages and its hypercall page, and no " +
            "two of them share a frame",
        },
      ),
      kit.transition(
        "hv_pages_taken_from_free_frames",
        (before, _a, after) => {
          if (before.kernel !== after.kernel) return true;
          const b = live(before);
          const k = live(after);
          const taken = (was: number, now: number) => was !== now && now !== NONE && b.used.get(now);
          return !taken(b.hypercall, k.hypercall) && b.vpa.every((f, v) => !taken(f, k.vpa.get(v)));
        },
        { description: "a kernel's new VP assist or hypercall page is a frame it was not using" },
      ),
      kit.transition(
        "hv_write_lands_on_own_page",
        (before, a) => {
          if (a.name !== "hv_write" && a.name !== "hv_write_hypercall_page") return true;
          const cpu = a.name === "hv_write" ? a.params["cpu"] as number : "hypercall";
          const f = cpu === "hypercall" ? before.hypercallMsr : before.msr.get(cpu);
          return !live(before).used.get(f) || isOwnPage(before, f, cpu);
        },
        { description: "no hypervisor write lands on a frame the running kernel uses for anything else" },
      ),
    ];
    if (p.path === "kexec") {
      return [
        ...common,
        kit.leadsTo(
          "kexec_target_registers",
          (s) => s.phase === "kexec_boot",
          (s) => s.phase === "kexec_done" && registered(s),
          {
            description: "once the kexec target starts, it finishes hyperv_init with every vCPU online and " +
              "registered (guest steps weakly fair, Hyper-V never)",
          },
        ),
        kit.sometimes("kexec_completes", (s) => s.phase === "kexec_done", {
          description: "the kexec target finishes hyperv_init with every vCPU online",
        }),
        kit.sometimes(
          "kexec_target_holds_data_on_old_vp_assist_page",
          (s) =>
            s.kernel === "new" &&
            (holdsDataOnPrevious(s, "vp_assist_cpu0") || holdsDataOnPrevious(s, "vp_assist")),
          {
            description:
              "the kexec target puts its own data on a frame that was a VP assist page of the old kernel",
          },
        ),
      ];
    }
    const afterRestore = (s: R) => s.previousHv.some((hv) => hv !== "none");
    return [
      ...common,
      kit.leadsTo(
        "hibernation_powers_off",
        (s) => s.phase === "image_cpus_down",
        (s) => s.phase === "off",
        { description: "a hibernation once started writes the image and powers the VM off" },
      ),
      kit.leadsTo(
        "thaw_reregisters",
        (s) => s.phase === "image_saved",
        (s) => s.phase === "thaw_cpus_up" && registered(s),
        {
          description: "after the snapshot, the kernel that writes the image has every vCPU online and " +
            "registered again before swsusp_write",
        },
      ),
      kit.leadsTo(
        "restoring_kernel_registers",
        (s) => s.phase === "restore_boot",
        (s) => s.phase === "restore_boot" && registered(s),
        { description: "the restoring kernel's boot registers every vCPU's page and the hypercall page" },
      ),
      kit.leadsTo(
        "resume_completes",
        (s) => s.phase === "restore_boot",
        (s) => s.phase === "running",
        { description: "once the host boots the restoring kernel, the image kernel runs again" },
      ),
      kit.leadsTo(
        "resume_reregisters",
        (s) => s.phase === "image_entered",
        (s) => s.phase === "running" && registered(s),
        {
          description:
            "after the jump into the image, the image kernel runs again with every vCPU's MSR on " +
            "its own page, and the hypercall page on",
        },
      ),
      kit.sometimes("image_runs_after_restore", (s) => s.phase === "running" && afterRestore(s), {
        description: "the image kernel runs again after a restore",
      }),
      kit.sometimes(
        "image_holds_data_on_restore_cpu0_page",
        (s) => s.phase === "image_entered" && holdsDataOnPrevious(s, "vp_assist_cpu0"),
        {
          description: "at the jump into the image, a frame the restoring kernel gave Hyper-V as CPU0's VP " +
            "assist page holds the image's data (the thread's run)",
        },
      ),
      ...(p.vcpus > 1
        ? [kit.sometimes(
          "image_holds_data_on_restore_secondary_page",
          (s) => s.phase === "image_entered" && holdsDataOnPrevious(s, "vp_assist"),
          {
            description: "at the jump into the image, a frame the restoring kernel gave Hyper-V as a " +
              "secondary vCPU's VP assist page holds the image's data",
          },
        )]
        : []),
    ];
  },
  // Every guest kernel step is weakly fair unless it says otherwise; the hypervisor's and host's are background.
  fairness: "weak",
  // The kexec target has booted; or the VM is off after S4 and the host need not start it again.
  terminal: (s) => s.phase === "kexec_done" || s.phase === "off",
});
