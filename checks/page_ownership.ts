import { gate } from "../src/check/gate.ts";

/** 2*4^N + 2*3^N reachable states with fixed=true: the count is exact, not only a floor. */
const fixedStates = (n: number) => 2 * 4 ** n + 2 * 3 ** n;

export default [
  gate({
    name: "page_ownership_buggy_n3",
    model: "page_ownership",
    params: { pages: 3, fixed: false },
    expect: { host_mapped_implies_shared: { violated: 4 }, deadlock: "holds" },
    minStates: 864,
    why: "Without the fix the host keeps a mapping across kexec: alloc, share, kexec_start, kexec_complete " +
      "is the shortest bad run, and one page is enough to show it.",
  }),
  gate({
    name: "page_ownership_fixed_n6",
    model: "page_ownership",
    params: { pages: 6, fixed: true },
    expect: { host_mapped_implies_shared: "holds", deadlock: "holds" },
    minStates: fixedStates(6),
    why: "With the fix the invariant holds; pages do not interact except through kexec_start's guard, so " +
      "six pages cover every mix of owners and host bits the guard can see.",
  }),
  gate({
    name: "page_ownership_symmetric_n12",
    model: "page_ownership",
    params: { pages: 12, fixed: true, symmetry: true },
    expect: { host_mapped_implies_shared: "holds", deadlock: "holds" },
    minStates: 2 * 455 + 2 * 91,
    why:
      "With pages declared interchangeable the 34,617,314 states of N=12 fold into 2*C(15,3) + 2*C(14,2) " +
      "= 1,092 orbits: the reduction must keep the proof and reach exactly that count.",
  }),
  gate({
    name: "page_ownership_symmetric_buggy_n4",
    model: "page_ownership",
    params: { pages: 4, fixed: false, symmetry: true },
    expect: { host_mapped_implies_shared: { violated: 4 }, deadlock: "holds" },
    minStates: 504,
    why: "Symmetry reduction must keep the shortest counterexample, and report it as a concrete run.",
  }),
  gate({
    name: "page_ownership_liveness_n4",
    model: "page_ownership",
    params: { pages: 4, fixed: true, liveness: true },
    expect: { host_mapped_implies_shared: "holds", shared_page_is_taken_back: "holds", deadlock: "holds" },
    minStates: fixedStates(4),
    why: "With the guest's actions and the host's unmap weakly fair, a page shared with the host is always " +
      "taken back (revoked, or freed by a kexec): no fair cycle keeps it shared while the host writes.",
  }),
  gate({
    name: "page_ownership_liveness_unfair_host_n3",
    model: "page_ownership",
    params: { pages: 3, fixed: true, liveness: true, fairHost: false },
    expect: {
      host_mapped_implies_shared: "holds",
      shared_page_is_taken_back: { violated: 6 },
      deadlock: "holds",
    },
    minStates: fixedStates(3),
    why: "A host that never unmaps keeps the page shared forever (revoke waits for the unmap, kexec_start " +
      "for no mapping) while the guest cycles its other pages: the lasso is share, then that cycle.",
  }),
  gate({
    name: "page_ownership_fixed_n10",
    model: "page_ownership",
    params: { pages: 10, fixed: true },
    expect: { host_mapped_implies_shared: "holds", deadlock: "holds" },
    minStates: fixedStates(10),
    why:
      "The reference benchmark size (2,215,250 states, as SPIN and Rumur count them): the engine at scale.",
    tags: ["slow"],
  }),
];
