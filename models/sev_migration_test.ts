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

const witnesses = [
  "kexec_completes",
  "k2_enables_migration",
  "migration_after_kexec",
  "k2_uses_page_k1_shared",
];
const noCopy = "migration_never_copies_private_as_shared";
const listMatches = "migration_allowed_implies_list_matches";

Deno.test("sev_migration pins state counts and verdicts of every variant (2 vCPUs, 2 pages)", () => {
  const expected: Record<string, [number, number, string, string]> = {
    // variant: [states without crash kexec, states with it, no-copy verdict, list-matches verdict]
    v12_reboot_notifier_reset: [99, 99, "violated 9", "violated 3"],
    disable_migration_only: [84, 84, "violated 11", "violated 10"],
    upstream_73f1b4fece21: [52, 52, "holds", "holds"],
    generation_id: [56, 56, "violated 9", "violated 7"],
    generation_id_msr_off: [48, 48, "holds", "holds"],
  };
  for (const [variant, [states, crashStates, copy, matches]] of Object.entries(expected)) {
    for (const crash of [false, true]) {
      const r = run({ variant, crash });
      assert.equal(r.distinctStates, crash ? crashStates : states, `${variant} crash=${crash}`);
      if (!crash) {
        assert.equal(statusOf(r, noCopy), copy, variant);
        assert.equal(statusOf(r, listMatches), matches, variant);
      }
      for (const w of witnesses) assert.equal(statusOf(r, w), "witnessed", `${variant} ${w}`);
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

Deno.test("sev_migration v12 and generation IDs: crash kexec skips every notifier", () => {
  for (const variant of ["v12_reboot_notifier_reset", "generation_id"]) {
    const r = run({ variant, crash: true });
    assert.deepEqual(traceOf(r, noCopy), [
      "dec(cpu=0, page=1)",
      "crash_shutdown",
      "machine_kexec",
      "migrate",
    ]);
  }
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

Deno.test("sev_migration fixed variants hold without K2's __bss_decrypted and at 3 vCPUs, 4 pages", () => {
  for (const variant of ["upstream_73f1b4fece21", "generation_id_msr_off"]) {
    for (const params of [{ bssDecrypted: false }, { vcpus: 3, pages: 4 }]) {
      const r = run({ variant, crash: true, ...params });
      assert.equal(r.verdict, "holds", `${variant} ${JSON.stringify(params)}`);
    }
  }
  assert.equal(
    run({ variant: "upstream_73f1b4fece21", crash: true, vcpus: 3, pages: 4 }).distinctStates,
    272,
  );
});

Deno.test("sev_migration fires every action in some configuration", () => {
  const fired = new Set<string>();
  let declared: string[] = [];
  for (const variant of ["v12_reboot_notifier_reset", "upstream_73f1b4fece21"]) {
    const r = run({ variant, crash: true });
    declared = r.actions.map((a) => a.name);
    r.actions.filter((a) => a.fired > 0).forEach((a) => fired.add(a.name));
  }
  assert.deepEqual(declared.filter((name) => !fired.has(name)), []);
});
