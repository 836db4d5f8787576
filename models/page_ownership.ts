/**
 * The reference benchmark model: guest pages shared with the host across kexec.
 *
 * Each page is free, owned by the guest, or shared with the host; a shared page may be mapped by the
 * host, which writes to it at will. kexec_complete frees every page for the next kernel (the guest
 * generation flips) but keeps the host's mappings: with `fixed`, kexec_start waits until the host has
 * unmapped everything; without it, the host keeps writing into pages the next kernel allocates.
 *
 * With fixed=true it has exactly 2*4^N + 2*3^N reachable states (N = pages), the same as its Promela
 * and Murphi versions in bench/reference/.
 *
 * With symmetry=true the pages are declared interchangeable (nothing in the model singles one out), and
 * the search stores one state per orbit: a state is then the multiset of per-page values, so with
 * fixed=true there are 2*C(N+3, 3) + 2*C(N+2, 2) orbits (4 per-page values while running, 3 while a
 * kexec is pending, times two generations), as Rumur counts with the pages as a scalarset.
 *
 * @module
 */

import {
  arrayOf,
  bool,
  boolParam,
  defineModel,
  elementOf,
  enumOf,
  indexSet,
  int,
  intParam,
  range,
} from "../mod.ts";

export default defineModel({
  name: "page_ownership",
  description: "Pages shared with the host across kexec; the host mapping outlives kexec_complete.",
  params: {
    pages: intParam({ min: 1, max: 16, default: 3, description: "number of guest pages (N)" }),
    fixed: boolParam({ default: true, description: "kexec_start waits until no page is host-mapped" }),
    check: boolParam({ default: true, description: "check the invariant host_mapped_implies_shared" }),
    symmetry: boolParam({ default: false, description: "declare pages interchangeable" }),
    liveness: boolParam({
      default: false,
      description: "check that a shared page 0 is eventually revoked or freed (weak fairness on the guest)",
    }),
    fairHost: boolParam({ default: true, description: "with liveness: the host's unmap is weakly fair" }),
  },
  state: (p) => ({
    owner: arrayOf(p.symmetry ? indexSet("page", p.pages) : p.pages, enumOf("free", "guest", "shared")),
    hostMapped: arrayOf(p.symmetry ? indexSet("page", p.pages) : p.pages, bool),
    generation: int(0, 1),
    phase: enumOf("running", "kexec_pending"),
  }),
  init: () => {},
  actions: (p, { action }) => {
    const page = p.symmetry ? elementOf(indexSet("page", p.pages)) : range(p.pages);
    const guest = p.liveness ? "weak" : "none";
    // Lanes of the report's sequence diagrams: the host's two actions apart from the guest kernel's.
    return [
      action("alloc", {
        fair: guest,
        params: { page },
        guard: (s, { page }) => s.phase === "running" && s.owner.get(page) === "free",
        effect: (s, { page }) => s.owner.set(page, "guest"),
      }),
      action("share", {
        fair: guest,
        params: { page },
        guard: (s, { page }) => s.phase === "running" && s.owner.get(page) === "guest",
        effect: (s, { page }) => {
          s.owner.set(page, "shared");
          s.hostMapped.set(page, true);
        },
      }),
      action("unmap", {
        actor: "host",
        fair: p.liveness && p.fairHost ? "weak" : "none",
        params: { page },
        guard: (s, { page }) => s.hostMapped.get(page),
        effect: (s, { page }) => s.hostMapped.set(page, false),
      }),
      action("revoke", {
        fair: guest,
        params: { page },
        guard: (s, { page }) =>
          s.phase === "running" && s.owner.get(page) === "shared" && !s.hostMapped.get(page),
        effect: (s, { page }) => s.owner.set(page, "guest"),
      }),
      action("free", {
        fair: guest,
        params: { page },
        guard: (s, { page }) => s.phase === "running" && s.owner.get(page) === "guest",
        effect: (s, { page }) => s.owner.set(page, "free"),
      }),
      // The host uses its mapping: enabled whenever the registration is on, changes nothing.
      action("host_write", {
        actor: "host",
        params: { page },
        guard: (s, { page }) => s.hostMapped.get(page),
        effect: () => {},
      }),
      action("kexec_start", {
        fair: guest,
        guard: (s) => s.phase === "running" && (!p.fixed || !s.hostMapped.includes(true)),
        effect: (s) => {
          s.phase = "kexec_pending";
        },
      }),
      // The next kernel starts with every page free; the host's mappings survive (the bug).
      action("kexec_complete", {
        fair: guest,
        guard: (s) => s.phase === "kexec_pending",
        effect: (s) => {
          s.owner.fill("free");
          s.generation = 1 - s.generation;
          s.phase = "running";
        },
      }),
    ];
  },
  // Declared only on request, so the default state counts stay those of SPIN and Rumur without reduction.
  symmetry: (p) => p.symmetry ? ["page"] : [],
  properties: (p, { always, leadsTo }) => [
    ...(p.check
      ? [always(
        "host_mapped_implies_shared",
        (s) => s.hostMapped.every((mapped, i) => !mapped || s.owner.get(i) === "shared"),
        { description: "a page the host maps is owned as shared" },
      )]
      : []),
    ...(p.liveness
      ? [leadsTo(
        "shared_page_is_taken_back",
        (s) => s.owner.get(0) === "shared",
        (s) => s.owner.get(0) !== "shared",
        { description: "a page shared with the host is eventually revoked, or freed by a kexec" },
      )]
      : []),
  ],
});
