import { mutants } from "./mutant.ts";

const file = "models/hv_vp_assist.ts";

export default mutants("hv_vp_assist", [
  {
    name: "hv_suspend_skips_cpu0",
    change:
      "hv_suspend() drops the hv_cpu_die(0) that 421f090c819d added (CPU0's MSR stays on into the image)",
    file,
    find: "      if (fixed421) hvCpuDie(s, 0);\n",
    replace: "",
  },
  {
    name: "hv_resume_skips_cpu0",
    change: "hv_resume() drops the hv_cpu_init(0) that 421f090c819d added (CPU0 is never re-registered)",
    file,
    find: "      if (fixed421) hvCpuInit(s, 0, 0);\n",
    replace: "",
  },
  {
    name: "hv_cpu_init_skips_msr_for_existing_page",
    change: "hv_cpu_init() writes HV_X64_MSR_VP_ASSIST_PAGE only under `if (!*hvp)`, as e5d9b714fe40 did",
    file,
    find: "if (!writeOnlyNew || fresh) s.msr.set(cpu, k.vpa.get(cpu));",
    replace: "if (fresh) s.msr.set(cpu, k.vpa.get(cpu));",
  },
  {
    name: "hv_cpu_init_skips_msr_for_fresh_page",
    change: "hv_cpu_init()'s test inverted: the MSR is written only for a page it did not just allocate, " +
      "so a freshly booted kernel never registers a VP assist page",
    file,
    find: "if (!writeOnlyNew || fresh) s.msr.set(cpu, k.vpa.get(cpu));",
    replace: "if (!fresh) s.msr.set(cpu, k.vpa.get(cpu));",
  },
  {
    name: "hv_cpu_init_writes_cpu0_pfn",
    change: "hv_cpu_init() writes the pfn of hv_vp_assist_page[0] instead of hv_vp_assist_page[cpu] (wrong " +
      "per-cpu index)",
    file,
    find: "s.msr.set(cpu, k.vpa.get(cpu));",
    replace: "s.msr.set(cpu, k.vpa.get(0));",
  },
  {
    name: "hyperv_init_uses_nocalls",
    change: "hyperv_init() registers with cpuhp_setup_state_nocalls(): the vCPUs online at boot never run " +
      "hv_cpu_init",
    file,
    find: "startup: (s, cpu, _step, frame) => hvCpuInit(s, cpu, frame),",
    replace: "startup: (s, cpu, _step, frame) => {\n" +
      '          if (s.phase !== "restore_boot" && s.phase !== "kexec_boot") hvCpuInit(s, cpu, frame);\n' +
      "        },",
  },
  {
    name: "hv_cpu_die_keeps_msr",
    change: "hv_cpu_die() skips wrmsrl(HV_X64_MSR_VP_ASSIST_PAGE, 0): an offlined vCPU stays registered",
    file,
    find: "if (live(s).vpa.get(cpu) !== NONE) s.msr.set(cpu, NONE);",
    replace: "if (live(s).vpa.get(cpu) === NONE) s.msr.set(cpu, NONE);",
  },
  {
    name: "hv_suspend_keeps_hypercall_page",
    change: "hv_suspend() no longer clears the enable bit of HV_X64_MSR_HYPERCALL",
    file,
    find: "      s.hypercallMsr = NONE;\n      if (fixed421) hvCpuDie(s, 0);",
    replace: "      if (fixed421) hvCpuDie(s, 0);",
  },
  {
    name: "hv_resume_skips_hypercall_page",
    change: "hv_resume() does not re-enable the hypercall page (hv_hypercall_pg_saved never written back)",
    file,
    find: "      s.hypercallMsr = live(s).hypercall;\n    };",
    replace: "    };",
  },
  {
    name: "resume_target_kernel_skips_syscore_suspend",
    change:
      "resume_target_kernel() no longer calls syscore_suspend(), so the restoring kernel's hv_suspend " +
      "never runs before the jump into the image",
    file,
    find: "          hvSuspend(s);\n",
    replace: '          if (s.phase === "image_cpus_down") hvSuspend(s);\n',
  },
  {
    name: "resume_skips_enable_secondaries",
    change: "the image kernel's resume skips pm_sleep_enable_secondary_cpus(): the secondaries stay offline",
    file,
    find: "          hp.requestSecondaries(s, true);\n",
    replace: "",
  },
  {
    name: "hyperv_init_skips_hypercall_msr",
    change: "hyperv_init() allocates hv_hypercall_pg but never writes HV_X64_MSR_HYPERCALL",
    file,
    find: "          s.hypercallMsr = frame;\n",
    replace: "",
  },
  {
    name: "hv_resume_skips_thaw",
    change:
      "hv_resume() returns early after the snapshot (in_suspend=1): the kernel that writes the image runs " +
      "without CPU0's VP assist page and hypercall page",
    file,
    find: "          hvResume(s);\n",
    replace: '          if (s.phase === "image_entered") hvResume(s);\n',
  },
  {
    name: "hv_resume_only_after_snapshot",
    change: "hv_resume() acts only after the snapshot, not in the restored image (in_suspend=0)",
    file,
    find: "          hvResume(s);\n",
    replace: '          if (s.phase === "image_saved") hvResume(s);\n',
  },
  {
    name: "hv_cpu_die_skips_boot_cpu",
    change:
      "hv_cpu_die() returns early for CPU0 (`if (!cpu) return 0;`), so hv_suspend's hv_cpu_die(0) does " +
      "nothing",
    file,
    find: "if (live(s).vpa.get(cpu) !== NONE) s.msr.set(cpu, NONE);",
    replace: "if (cpu !== 0 && live(s).vpa.get(cpu) !== NONE) s.msr.set(cpu, NONE);",
  },
  {
    name: "hv_cpu_init_rewrites_only_boot_cpu",
    change:
      "hv_cpu_init() writes the MSR for an existing page only on CPU0: secondaries brought back online " +
      "by cpuhp stay unregistered",
    file,
    find: "if (!writeOnlyNew || fresh) s.msr.set(cpu, k.vpa.get(cpu));",
    replace: "if (fresh || cpu === 0) s.msr.set(cpu, k.vpa.get(cpu));",
  },
  {
    name: "kexec_skips_remove_state",
    change: "hv_machine_shutdown() loses its cpuhp_remove_state() call (the state before the kexec fix)",
    file,
    find: "if (p.removeState) { for",
    replace: "if (!p.removeState) { for",
  },
  {
    name: "kexec_clears_only_cpu0",
    change:
      "hv_machine_shutdown() calls hv_cpu_die(0) instead of cpuhp_remove_state(): every secondary vCPU " +
      "is missed",
    file,
    find: "for (let v = 0; v < p.vcpus; v++) hvCpuDie(s, v);",
    replace: "hvCpuDie(s, 0);",
  },
  {
    name: "kexec_walk_off_by_one",
    change: "the kexec teardown walks vCPUs 0..n-2 (`cpu < num_online_cpus() - 1`): the last vCPU is missed",
    file,
    find: "for (let v = 0; v < p.vcpus; v++) hvCpuDie(s, v);",
    replace: "for (let v = 0; v < p.vcpus - 1; v++) hvCpuDie(s, v);",
  },
  {
    name: "kexec_frees_pages_before_remove_state",
    change: "hv_machine_shutdown() frees hv_vp_assist_page[] before cpuhp_remove_state(), so hv_cpu_die() " +
      "finds no page and skips the MSR write",
    file,
    find: "if (p.removeState) { for",
    replace: "if (p.removeState) { live(s).vpa.fill(NONE); for",
  },
  {
    name: "kexec_keeps_hypercall_page",
    change: "hyperv_cleanup() no longer disables the hypercall page before machine_kexec()",
    file,
    find: "          s.hypercallMsr = NONE;\n          rememberHv(s);",
    replace: "          rememberHv(s);",
  },
]);
