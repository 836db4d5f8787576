import assert from "node:assert/strict";
import { checkSync } from "../mod.ts";
import type { CheckResult } from "../mod.ts";
import sevMigration from "./sev_migration.ts";

function run(params: Record<string, unknown>): CheckResult {
  return checkSync(sevMigration, { params });
}

function statusOf(r: CheckResult, name: string): string {
  const p = r.properties.find((p) => p.name === name)!;
  return p.status === "violated" ? `violated ${p.traceLength}` : p.status;
}

/** The counterexample of a property as `name(k=v, ...)` strings. */
function traceOf(r: CheckResult, name: string): string[] {
  const trace = r.properties.find((p) => p.name === name)!.trace!;
  return trace.actions.map((a) => {
    const args = Object.entries(a.params).map(([k, v]) => `${k}=${v}`).join(", ");
    return args === "" ? a.name : `${a.name}(${args})`;
  });
}

/** The lasso of a liveness property: the prefix, then the loop back to state `loop`. */
function lassoOf(r: CheckResult, name: string): { actions: string[]; loop: number | undefined } {
  const trace = r.properties.find((p) => p.name === name)!.trace!;
  return { actions: traceOf(r, name), loop: (trace as { loop?: number }).loop };
}

const witnesses = [
  "kexec_completes",
  "k2_enables_migration",
  "migration_after_kexec",
  "k2_uses_page_k1_shared",
];
const noCopy = "migration_never_copies_private_as_shared";
const listMatches = "migration_allowed_implies_list_matches";
const running = "running_leads_to_migration_allowed";

Deno.test("sev_migration pins state counts and verdicts of every variant (2 vCPUs, 2 pages)", () => {
  // variant: [states, no-copy, list-matches] without crash kexec, then the same with crashkernel= and kdump.
  const expected: Record<string, [number, string, string, number, string, string]> = {
    v12_reboot_notifier_reset: [99, "violated 9", "violated 3", 49, "holds", "violated 2"],
    disable_migration_only: [84, "violated 11", "violated 10", 40, "holds", "holds"],
    upstream_73f1b4fece21: [52, "holds", "holds", 38, "holds", "holds"],
    generation_id: [56, "violated 9", "violated 7", 42, "holds", "violated 2"],
    generation_id_msr_off: [48, "holds", "holds", 34, "holds", "violated 5"],
  };
  for (
    const [variant, [states, copy, matches, crashStates, crashCopy, crashMatches]] of Object.entries(expected)
  ) {
    for (const crash of [false, true]) {
      const r = run({ variant, crash });
      assert.equal(r.distinctStates, crash ? crashStates : states, `${variant} crash=${crash}`);
      assert.equal(statusOf(r, noCopy), crash ? crashCopy : copy, `${variant} crash=${crash}`);
      assert.equal(statusOf(r, listMatches), crash ? crashMatches : matches, `${variant} crash=${crash}`);
      // With the reservation in page 1, K1 can share only page 0, which the normal K2 maps decrypted.
      for (const w of witnesses) {
        const expected = crash && w === "k2_uses_page_k1_shared" ? "not witnessed" : "witnessed";
        assert.equal(statusOf(r, w), expected, `${variant} ${w}`);
      }
      assert.equal(statusOf(r, running), "holds", variant);
      assert.equal(statusOf(r, "kexec_leads_to_migration_allowed"), "holds", variant);
      assert.equal(statusOf(r, "deadlock"), "holds", variant);
    }
  }
});

Deno.test("sev_migration v12: the SMP race from the v12 review is the shortest corruption", () => {
  const r = run({ variant: "v12_reboot_notifier_reset" });
  assert.deepEqual(traceOf(r, noCopy), [
    "kexec_start",
    "reboot_ipi(cpu=0)", // CPU0 marks every RAM range encrypted in S
    "dec(cpu=1, page=1)", // CPU1, reboot IPI still pending, serves a device request
    "reboot_ipi(cpu=1)",
    "reboot_notifiers_done",
    "device_shutdown_done",
    "stop_other_cpus",
    "machine_kexec", // K2 maps page 1 encrypted; S still lists it; M never cleared
    "migrate",
  ]);
  // The reset itself leaves K1's own shared pages listed as encrypted while M=1.
  assert.deepEqual(traceOf(r, listMatches), ["dec(cpu=0, page=0)", "kexec_start", "reboot_ipi(cpu=0)"]);
});

Deno.test("sev_migration v12 on one vCPU: device_shutdown races with the notifier", () => {
  const r = run({ variant: "v12_reboot_notifier_reset", vcpus: 1 });
  assert.equal(r.distinctStates, 81);
  assert.deepEqual(traceOf(r, noCopy), [
    "kexec_start",
    "reboot_ipi(cpu=0)",
    "reboot_notifiers_done",
    "dec(cpu=0, page=1)", // a driver's ->shutdown() converts after the reset
    "device_shutdown_done",
    "stop_other_cpus",
    "machine_kexec",
    "migrate",
  ]);
});

Deno.test("sev_migration v12 with kdump: M stays set over the kdump kernel's unreported __bss_decrypted", () => {
  const r = run({ variant: "v12_reboot_notifier_reset", crash: true });
  assert.deepEqual(traceOf(r, listMatches), ["crash_shutdown", "machine_kexec"]);
  assert.equal(statusOf(r, noCopy), "holds");
});

Deno.test("sev_migration generation IDs with kdump: K1's shared old memory becomes stale for the host", () => {
  const r = run({ variant: "generation_id_msr_off", crash: true });
  assert.deepEqual(traceOf(r, listMatches), [
    "dec(cpu=0, page=0)", // K1 shares page 0, outside the crashkernel reservation (page 1)
    "crash_shutdown", // M=0
    "machine_kexec", // the kdump kernel leaves page 0 as K1 wrote it (plaintext)
    "k2_mark_bss_decrypted", // its first hypercall carries its generation: K1's entry no longer counts
    "k2_enable_migration", // the host would copy page 0 through the firmware
  ]);
});

Deno.test("sev_migration disable_migration_only: K2 re-enables M over a stale list", () => {
  const r = run({ variant: "disable_migration_only" });
  assert.deepEqual(traceOf(r, noCopy), [
    "kexec_start",
    "reboot_ipi(cpu=0)", // reset S and write 0 to MSR_KVM_MIGRATION_CONTROL
    "dec(cpu=1, page=1)", // late conversion, harmless while M=0
    "reboot_ipi(cpu=1)",
    "reboot_notifiers_done",
    "device_shutdown_done",
    "stop_other_cpus",
    "machine_kexec",
    "k2_mark_bss_decrypted",
    "k2_enable_migration",
    "migrate",
  ]);
});

Deno.test("sev_migration generation_id: the host migrates before K2's first hypercall", () => {
  const r = run({ variant: "generation_id" });
  assert.deepEqual(traceOf(r, noCopy), [
    "dec(cpu=0, page=1)",
    "kexec_start",
    "reboot_ipi(cpu=0)",
    "reboot_ipi(cpu=1)",
    "reboot_notifiers_done",
    "device_shutdown_done",
    "stop_other_cpus",
    "machine_kexec", // S(1) is tagged K1, which is still the newest generation the host knows
    "migrate",
  ]);
});

Deno.test("sev_migration kexec fixes hold without K2's __bss_decrypted and at 3 vCPUs, 4 pages", () => {
  for (const variant of ["upstream_73f1b4fece21", "generation_id_msr_off"]) {
    for (const params of [{ bssDecrypted: false }, { vcpus: 3, pages: 4 }]) {
      const r = run({ variant, ...params });
      assert.equal(r.verdict, "holds", `${variant} ${JSON.stringify(params)}`);
    }
  }
  const r = run({ variant: "upstream_73f1b4fece21", crash: true, vcpus: 3, pages: 4 });
  assert.equal(r.verdict, "holds");
  assert.equal(r.distinctStates, 184);
  assert.equal(run({ variant: "upstream_73f1b4fece21", vcpus: 3, pages: 4 }).distinctStates, 272);
});

Deno.test("sev_migration mainline: a vCPU offline clears M for the rest of the boot", () => {
  const r = run({ pm: "mainline", hotplug: true });
  assert.equal(r.distinctStates, 80);
  assert.equal(statusOf(r, noCopy), "holds");
  assert.equal(statusOf(r, listMatches), "holds");
  // kvm_cpu_down_prepare() writes 0; nothing writes KVM_MIGRATION_READY again while K1 runs.
  assert.deepEqual(lassoOf(r, running), {
    actions: ["cpu_down(cpu=1)", "dec(cpu=0, page=0)", "enc(cpu=0, page=0)"],
    loop: 1,
  });
});

Deno.test("sev_migration mainline: kvm_suspend() clears M and kvm_resume() does not set it", () => {
  const s3 = run({ pm: "mainline", sleep: "s3", vcpus: 1 });
  assert.equal(s3.distinctStates, 104);
  assert.deepEqual(lassoOf(s3, running), {
    actions: ["suspend_to_ram", "wake", "s3_resume", "dec(cpu=0, page=0)", "enc(cpu=0, page=0)"],
    loop: 3,
  });
  const s4 = run({ pm: "mainline", sleep: "s4" });
  assert.equal(s4.distinctStates, 296);
  assert.equal(s4.properties.filter((p) => p.status === "violated").map((p) => p.name).join(), running);
  assert.deepEqual(lassoOf(s4, running), {
    actions: [
      "hibernate",
      "vm_start",
      "restore_image",
      "image_resume",
      "dec(cpu=0, page=0)",
      "enc(cpu=0, page=0)",
    ],
    loop: 4,
  });
});

Deno.test("sev_migration online_reenables: the image trusts the restore kernel's list", () => {
  const r = run({ pm: "online_reenables", sleep: "s4", hotplug: true });
  assert.equal(r.distinctStates, 512);
  assert.deepEqual(traceOf(r, noCopy), [
    "hibernate",
    "vm_start", // the restore kernel R boots with a fresh list and sets M
    "dec(cpu=0, page=0)", // R shares page 0, which the image maps encrypted
    "restore_image", // R's kvm_suspend() clears M; memory becomes the image
    "image_resume", // kvm_resume() -> kvm_cpu_online() sets M over R's list
    "migrate",
  ]);
  assert.deepEqual(traceOf(r, listMatches), [
    "dec(cpu=0, page=0)",
    "hibernate",
    "vm_start",
    "restore_image",
    "image_resume",
  ]);
  assert.deepEqual(lassoOf(r, running), {
    actions: ["cpu_down(cpu=1)", "dec(cpu=0, page=0)", "enc(cpu=0, page=0)"],
    loop: 1,
  });
});

Deno.test("sev_migration resync_on_resume holds across hotplug, S3, S4, kdump and an EFI boot", () => {
  const cases: [Record<string, unknown>, number][] = [
    [{ hotplug: true, sleep: "s3", vcpus: 3, pages: 3, bssPage: 1 }, 704],
    [{ hotplug: true, sleep: "s4", crash: true, efi: true, vcpus: 3, pages: 3, bssPage: 1 }, 696],
  ];
  for (const [params, states] of cases) {
    const r = run({ pm: "resync_on_resume", ...params });
    assert.equal(r.verdict, "holds", JSON.stringify(params));
    assert.equal(r.distinctStates, states, JSON.stringify(params));
    assert.deepEqual(r.properties.filter((p) => p.status === "not witnessed").map((p) => p.name), []);
  }
});

Deno.test("sev_migration refuses __bss_decrypted outside RAM", () => {
  assert.throws(() => run({ pages: 2, bssPage: 2 }), /bssPage below pages but found 2/);
});

Deno.test("sev_migration fires every action in some configuration", () => {
  const fired = new Set<string>();
  let declared: string[] = [];
  const configs = [
    { variant: "v12_reboot_notifier_reset", crash: true },
    { variant: "upstream_73f1b4fece21", crash: true, efi: true, hotplug: true, sleep: "s3" },
    { variant: "upstream_73f1b4fece21", sleep: "s4" },
  ];
  for (const params of configs) {
    const r = run(params);
    declared = r.actions.map((a) => a.name);
    r.actions.filter((a) => a.fired > 0).forEach((a) => fired.add(a.name));
  }
  assert.deepEqual(declared.filter((name) => !fired.has(name)), []);
});
