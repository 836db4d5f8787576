import assert from "node:assert/strict";
import { checkSync } from "../mod.ts";
import type { CheckResult } from "../mod.ts";
import { formatAction } from "../src/model/properties.ts";
import xenKexec from "./xen_kexec.ts";

function property(r: CheckResult, name: string) {
  const p = r.properties.find((p) => p.name === name);
  assert.ok(p, `no property ${name}`);
  return p;
}

function trace(r: CheckResult, name: string): string[] {
  return property(r, name).trace!.actions.map(formatAction);
}

Deno.test("xen_kexec without soft reset leaves shared_info and a PIRQ to K2", () => {
  const r = checkSync(xenKexec, { params: { variant: "no_soft_reset", balloon: false } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 488);
  assert.deepEqual(trace(r, "k2_free_ram_is_private"), [
    "kernel_kexec",
    "backend_disconnect",
    "blkfront_closed",
    "machine_kexec",
    "k2_use(frame=0)",
  ]);
  assert.deepEqual(trace(r, "no_write_into_k2_ram").at(-1), "xen_write_shared_info");
  assert.deepEqual(trace(r, "pirq_delivered_to_k2_binding"), [
    "bind_pirq(pirq=0)",
    "kernel_kexec",
    "backend_disconnect",
    "blkfront_closed",
    "machine_kexec",
    "xen_deliver_pirq(pirq=0)",
  ]);
  assert.equal(property(r, "soft_reset_completes").status, "not witnessed");
  assert.equal(property(r, "kexec_is_safe_gates_unsafe_kexec").status, "holds");
});

Deno.test("xen_kexec with 2014 blkback leaves a persistent grant mapped into K2", () => {
  const r = checkSync(xenKexec, { params: { variant: "soft_reset_2014_blkback", balloon: false } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 368);
  const persistent = [
    "blk_request(frame=1, persistent=true)",
    "blkback_complete(frame=1)",
    "kernel_kexec",
    "backend_disconnect",
    "blkfront_closed",
    "soft_reset",
    "machine_kexec",
    "k2_use(frame=1)",
  ];
  assert.deepEqual(trace(r, "k2_free_ram_is_private"), persistent);
  assert.deepEqual(trace(r, "no_write_into_k2_ram"), [
    ...persistent,
    "k2_blkfront_connect",
    "blkback_persistent_write(frame=1)",
  ]);
  assert.equal(property(r, "pirq_delivered_to_k2_binding").status, "holds");
});

Deno.test("xen_kexec with soft reset and patched blkback holds without ballooning", () => {
  const r = checkSync(xenKexec, { params: { variant: "soft_reset_patched_blkback", balloon: false } });
  assert.equal(r.verdict, "holds");
  assert.equal(r.distinctStates, 146);
  for (const name of ["soft_reset_completes", "k2_reuses_frame", "backend_disconnects_after_drain"]) {
    assert.equal(property(r, name).status, "witnessed");
  }
  assert.deepEqual(trace(r, "backend_disconnects_after_drain"), [
    "blk_request(frame=1, persistent=false)",
    "kernel_kexec",
    "blkback_complete(frame=1)",
    "backend_disconnect",
  ]);
  const larger = checkSync(xenKexec, {
    params: { variant: "soft_reset_patched_blkback", balloon: false, frames: 4, pirqs: 2 },
  });
  assert.equal(larger.verdict, "holds");
  assert.equal(larger.distinctStates, 2642);
});

Deno.test("xen_kexec with soft reset and patched blkback still hands a ballooned frame to K2", () => {
  const r = checkSync(xenKexec, { params: { variant: "soft_reset_patched_blkback", balloon: true } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 988);
  assert.deepEqual(trace(r, "k2_free_ram_is_private"), [
    "balloon_out(frame=1)",
    "kernel_kexec",
    "backend_disconnect",
    "blkfront_closed",
    "soft_reset",
    "machine_kexec",
    "k2_use(frame=1)",
  ]);
  assert.equal(property(r, "kexec_is_safe_gates_unsafe_kexec").traceLength, 6);
  assert.equal(property(r, "no_write_into_k2_ram").status, "holds");
});

Deno.test("xen_kexec with patched blkback fails when xenbus_dev_shutdown times out", () => {
  const r = checkSync(xenKexec, {
    params: { variant: "soft_reset_patched_blkback", balloon: false, shutdown_timeout: true },
  });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 526);
  assert.deepEqual(trace(r, "no_write_into_k2_ram"), [
    "blk_request(frame=1, persistent=false)",
    "kernel_kexec",
    "blkfront_closed",
    "soft_reset",
    "machine_kexec",
    "k2_use(frame=1)",
    "blkback_complete(frame=1)",
  ]);
});

Deno.test("xen_kexec with an atomic kexec_is_safe check holds", () => {
  const r = checkSync(xenKexec, { params: { variant: "kexec_is_safe_atomic", balloon: true } });
  assert.equal(r.verdict, "holds");
  assert.equal(r.distinctStates, 218);
  const larger = checkSync(xenKexec, {
    params: { variant: "kexec_is_safe_atomic", balloon: true, frames: 4, pirqs: 2 },
  });
  assert.equal(larger.verdict, "holds");
  assert.equal(larger.distinctStates, 7826);
});

Deno.test("xen_kexec with a check-then-act kexec_is_safe lets a balloon operation slip through", () => {
  const r = checkSync(xenKexec, { params: { variant: "kexec_is_safe_check_then_act", balloon: true } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 968);
  assert.deepEqual(trace(r, "kexec_is_safe_gates_unsafe_kexec"), [
    "kernel_kexec",
    "balloon_out(frame=1)",
    "backend_disconnect",
    "blkfront_closed",
    "soft_reset",
    "machine_kexec",
  ]);
  assert.deepEqual(trace(r, "k2_free_ram_is_private").at(-1), "k2_use(frame=1)");
});

Deno.test("xen_kexec fires every action in some variant", () => {
  const configs = [
    { variant: "no_soft_reset", balloon: false },
    { variant: "soft_reset_2014_blkback", balloon: true },
    { variant: "kexec_is_safe_atomic", balloon: true },
  ] as const;
  const unfired = configs.map((params) => new Set(checkSync(xenKexec, { params }).unfiredActions));
  const never = [...unfired[0]!].filter((name) => unfired.every((set) => set.has(name)));
  assert.deepEqual(never, []);
});
