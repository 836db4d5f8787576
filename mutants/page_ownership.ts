/**
 * Bug mutants of page_ownership's fixed variant: a guest that shares pages with the host and must not
 * hand a page the host still maps to the next kernel.
 *
 * @module
 */

import { mutants } from "./mutant.ts";

const file = "models/page_ownership.ts";

export default mutants("page_ownership", [
  {
    name: "kexec_start_ignores_host_mappings",
    change: "kexec starts without waiting for the host to unmap the shared pages (the fix dropped)",
    file,
    find: "(!p.fixed || !s.hostMapped.includes(true))",
    replace: "true",
  },
  {
    name: "kexec_start_checks_guest_pages",
    change: "the kexec path walks the guest-owned pages for host mappings instead of the shared ones",
    file,
    find: "(!p.fixed || !s.hostMapped.includes(true))",
    replace: '(!p.fixed || !s.hostMapped.some((m, i) => m && s.owner.get(i) === "guest"))',
  },
  {
    name: "kexec_start_tolerates_one_mapping",
    change: "the kexec path counts the host's mappings off by one and starts while one page is still mapped",
    file,
    find: "(!p.fixed || !s.hostMapped.includes(true))",
    replace: "(!p.fixed || s.hostMapped.count(true) < 2)",
  },
  {
    name: "revoke_while_host_maps",
    change: "revoke takes a page back from the host without waiting for the host's unmap",
    file,
    find: 's.owner.get(page) === "shared" && !s.hostMapped.get(page),',
    replace: 's.owner.get(page) === "shared",',
  },
  {
    name: "free_shared_page",
    change: "free accepts a page that is still shared, so the allocator reuses a page the host maps",
    file,
    find: 's.owner.get(page) === "guest",\n        effect: (s, { page }) => s.owner.set(page, "free"),',
    replace: 's.owner.get(page) !== "free",\n        effect: (s, { page }) => s.owner.set(page, "free"),',
  },
  {
    name: "share_maps_neighbour_page",
    change:
      "the share hypercall passes the next page's frame, so the host maps a page the guest never shared",
    file,
    find: "          s.hostMapped.set(page, true);",
    replace: "          s.hostMapped.set((page + 1) % p.pages, true);",
  },
  {
    name: "unmap_clears_neighbour_bit",
    change:
      "the host's unmap clears the next page's mapping bit (an off-by-one index), so the page it meant " +
      "to unmap stays mapped and is never taken back",
    file,
    find: "effect: (s, { page }) => s.hostMapped.set(page, false),",
    replace: "effect: (s, { page }) => s.hostMapped.set((page + 1) % p.pages, false),",
  },
  {
    name: "unmap_skips_first_page",
    change: "the host's unmap loop starts at index 1, so the first page stays shared and mapped forever",
    file,
    find:
      "        guard: (s, { page }) => s.hostMapped.get(page),\n        effect: (s, { page }) => s.hostMapped.set(page, false),",
    replace: "        guard: (s, { page }) => s.hostMapped.get(page) && page > 0,\n" +
      "        effect: (s, { page }) => s.hostMapped.set(page, false),",
  },
]);
