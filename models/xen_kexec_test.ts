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

function statuses(r: CheckResult): Record<string, string> {
  return Object.fromEntries(r.properties.map((p) => [p.name, p.status]));
}

/** Every property a fixed configuration proves. */
const proved = [
  "kexec_is_safe_gates_unsafe_kexec",
  "kexec_is_safe_only_clears",
  "k2_free_ram_is_private",
  "no_write_into_k2_ram",
  "pirq_delivered_to_k2_binding",
  "p2m_agrees_with_k1_owner",
  "granted_frames_are_kernel_ram",
  "foreign_map_ends_only_by_gntdev_unmap",
  "kexec_reaches_soft_reset",
  "backend_disconnect_completes",
  "deadlock",
];

const kexecWithReset = [
  "kernel_kexec",
  "backend_disconnect",
  "blkfront_closed",
  "soft_reset",
  "machine_kexec",
];

Deno.test("xen_kexec without soft reset leaves shared_info and a PIRQ to K2 and never resets", () => {
  const r = checkSync(xenKexec, { params: { variant: "no_soft_reset", balloon: false } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 872);
  const kexec = ["kernel_kexec", "backend_disconnect", "blkfront_closed", "machine_kexec"];
  assert.deepEqual(trace(r, "k2_free_ram_is_private"), [...kexec, "k2_use(frame=0)"]);
  assert.deepEqual(trace(r, "no_write_into_k2_ram"), [...kexec, "k2_use(frame=0)", "xen_write_shared_info"]);
  assert.deepEqual(trace(r, "pirq_delivered_to_k2_binding"), [
    "bind_pirq(pirq=0)",
    ...kexec,
    "xen_deliver_pirq(pirq=0)",
  ]);
  // A lasso: K2 runs on (stutters) and the soft reset never comes.
  assert.deepEqual(trace(r, "kexec_reaches_soft_reset"), kexec);
  assert.equal(property(r, "kexec_reaches_soft_reset").trace!.loop, 4);
  assert.equal(property(r, "k2_rebinds_pirq_k1_bound").status, "not witnessed");
  assert.equal(property(r, "backend_disconnect_completes").status, "holds");
  assert.equal(property(r, "kexec_is_safe_gates_unsafe_kexec").status, "holds");
});

Deno.test("xen_kexec with 2014 blkback leaves a persistent grant mapped into K2", () => {
  const r = checkSync(xenKexec, { params: { variant: "soft_reset_2014_blkback", balloon: false } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 1144);
  const persistent = [
    "blk_request(frame=1, persistent=true)",
    "blkback_complete(frame=1)",
    ...kexecWithReset,
    "k2_use(frame=1)",
  ];
  assert.deepEqual(trace(r, "k2_free_ram_is_private"), persistent);
  assert.deepEqual(trace(r, "no_write_into_k2_ram"), [
    ...persistent,
    "k2_blkfront_connect",
    "blkback_persistent_write(frame=1)",
  ]);
  assert.equal(property(r, "pirq_delivered_to_k2_binding").status, "holds");
  assert.equal(property(r, "kexec_reaches_soft_reset").status, "holds");
  assert.equal(property(r, "k2_reuses_frame_freed_at_disconnect").status, "not witnessed");
});

Deno.test("xen_kexec with soft reset and patched blkback is safe and completes without ballooning", () => {
  const r = checkSync(xenKexec, { params: { variant: "soft_reset_patched_blkback", balloon: false } });
  assert.equal(r.safety, "holds");
  assert.equal(r.distinctStates, 1144);
  for (const name of proved) assert.equal(property(r, name).status, "holds", name);
  assert.equal(property(r, "gntdev_map_clears_kexec_is_safe").status, "not witnessed");
  assert.deepEqual(trace(r, "backend_disconnects_after_drain"), [
    "blk_request(frame=1, persistent=false)",
    "kernel_kexec",
    "blkback_complete(frame=1)",
    "backend_disconnect",
  ]);
  assert.deepEqual(trace(r, "k2_reuses_frame_freed_at_disconnect"), [
    "blk_request(frame=1, persistent=true)",
    "blkback_complete(frame=1)",
    ...kexecWithReset,
    "k2_use(frame=1)",
  ]);
  assert.deepEqual(trace(r, "k2_rebinds_pirq_k1_bound"), [
    "bind_pirq(pirq=0)",
    ...kexecWithReset,
    "bind_pirq(pirq=0)",
  ]);
  assert.deepEqual(trace(r, "k2_reuses_vcpu_info_frame"), [...kexecWithReset, "k2_use(frame=3)"]);
  const larger = checkSync(xenKexec, {
    params: { variant: "soft_reset_patched_blkback", balloon: false, frames: 4, pirqs: 2, vcpus: 2 },
  });
  assert.equal(larger.safety, "holds");
  assert.equal(larger.distinctStates, 133568);
});

Deno.test("xen_kexec with soft reset and patched blkback still hands a ballooned frame to K2", () => {
  const r = checkSync(xenKexec, { params: { variant: "soft_reset_patched_blkback", balloon: true } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 10968);
  assert.deepEqual(trace(r, "k2_free_ram_is_private"), [
    "balloon_out(frame=1)",
    ...kexecWithReset,
    "k2_use(frame=1)",
  ]);
  assert.deepEqual(trace(r, "kexec_is_safe_gates_unsafe_kexec"), ["balloon_out(frame=1)", ...kexecWithReset]);
  assert.equal(property(r, "no_write_into_k2_ram").status, "holds");
  // gntdev's first page: the balloon list is empty, so add_ballooned_pages balloons one out for it.
  assert.deepEqual(trace(r, "gntdev_map_clears_kexec_is_safe"), ["gntdev_map(frame=1)"]);
});

Deno.test("xen_kexec with patched blkback fails when xenbus_dev_shutdown times out", () => {
  const r = checkSync(xenKexec, {
    params: { variant: "soft_reset_patched_blkback", balloon: false, shutdown_timeout: true },
  });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 2504);
  const early = ["blk_request(frame=1, persistent=false)", "kernel_kexec", "blkfront_closed", "soft_reset"];
  assert.deepEqual(trace(r, "k2_free_ram_is_private"), [...early, "machine_kexec", "k2_use(frame=1)"]);
  assert.deepEqual(trace(r, "no_write_into_k2_ram"), [
    ...early,
    "machine_kexec",
    "k2_use(frame=1)",
    "blkback_complete(frame=1)",
  ]);
  assert.deepEqual(trace(r, "backend_disconnect_completes"), [
    "kernel_kexec",
    "blkfront_closed",
    "soft_reset",
    "machine_kexec",
  ]);
  assert.equal(property(r, "kexec_reaches_soft_reset").status, "holds");
});

Deno.test("xen_kexec with patched blkback fails with upstream's xenbus handshake", () => {
  const r = checkSync(xenKexec, {
    params: { variant: "soft_reset_patched_blkback", balloon: false, upstream_handshake: true },
  });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 4468);
  const early = ["blk_request(frame=1, persistent=false)", "kernel_kexec", "blkfront_closed", "soft_reset"];
  assert.deepEqual(trace(r, "no_write_into_k2_ram"), [
    ...early,
    "machine_kexec",
    "k2_use(frame=1)",
    "blkback_complete(frame=1)",
  ]);
  assert.equal(property(r, "backend_disconnect_completes").traceLength, 4);
  assert.equal(property(r, "kexec_reaches_soft_reset").status, "holds");
});

Deno.test("xen_kexec with an atomic kexec_is_safe check is safe and completes", () => {
  const r = checkSync(xenKexec, { params: { variant: "kexec_is_safe_atomic", balloon: true } });
  assert.equal(r.verdict, "holds");
  assert.equal(r.distinctStates, 1216);
  const larger = checkSync(xenKexec, {
    params: { variant: "kexec_is_safe_atomic", balloon: true, frames: 4, pirqs: 2, vcpus: 2 },
  });
  assert.equal(larger.verdict, "holds");
  assert.equal(larger.distinctStates, 138752);
  assert.deepEqual(
    Object.keys(statuses(larger)).filter((name) => !["holds", "witnessed"].includes(statuses(larger)[name]!)),
    [],
  );
});

Deno.test("xen_kexec with a check-then-act kexec_is_safe lets a balloon operation slip through", () => {
  const r = checkSync(xenKexec, { params: { variant: "kexec_is_safe_check_then_act", balloon: true } });
  assert.equal(r.verdict, "violated");
  assert.equal(r.distinctStates, 10948);
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
