/**
 * A small page-sharing model for the liveness cross-checks (naive_liveness.ts, spin_liveness.ts): a
 * guest shares pages with the host and revokes them, and the host writes to shared pages as a
 * background action (the environment's move, never fair). "Every shared page is eventually revoked"
 * fails without fairness on the guest's revoke (the host may write forever, or the guest share and
 * revoke another page forever) and holds with weak fairness on it. "The host eventually writes" fails
 * whatever the guest's fairness: the host is never obliged to act.
 *
 * @module
 */

import { arrayOf, bool } from "../state/domain.ts";
import { defineModel, range } from "../model/model.ts";
import { enumParam, intParam } from "../model/params.ts";

/** The page-sharing model; `revoke` sets the fairness of the guest's revoke. */
export const pageSharing = defineModel({
  name: "page_sharing",
  description: "A guest shares pages with the host and revokes them; the host writes to shared pages.",
  params: {
    pages: intParam({ min: 1, max: 4, default: 2, description: "number of guest pages" }),
    revoke: enumParam({
      values: ["none", "weak", "strong"],
      default: "weak",
      description: "fairness of the guest's revoke",
    }),
  },
  state: (p) => ({ shared: arrayOf(p.pages, bool), data: arrayOf(p.pages, bool) }),
  init: () => {},
  actions: (p, { action }) => [
    action("share", {
      params: { page: range(p.pages) },
      guard: (s, { page }) => !s.shared.get(page),
      effect: (s, { page }) => s.shared.set(page, true),
    }),
    action("revoke", {
      params: { page: range(p.pages) },
      guard: (s, { page }) => s.shared.get(page),
      effect: (s, { page }) => s.shared.set(page, false),
      ...(p.revoke === "none" ? {} : { fair: p.revoke }),
    }),
    action("host_write", {
      params: { page: range(p.pages) },
      guard: (s, { page }) => s.shared.get(page),
      effect: (s, { page }) => s.data.set(page, !s.data.get(page)),
      background: true,
    }),
  ],
  properties: (p, { leadsTo, eventually }) => [
    ...Array.from(
      { length: p.pages },
      (_, i) => leadsTo(`page${i}_revoked`, (s) => s.shared.get(i), (s) => !s.shared.get(i)),
    ),
    eventually("host_writes", (s) => s.data.some((d) => d)),
  ],
});
