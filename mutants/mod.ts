/**
 * Every model's bug mutants, in the order `deno task mutants` runs them.
 *
 * @module
 */

import type { ModelMutants } from "./mutant.ts";
import hvVmbus from "./hv_vmbus.ts";
import hvVpAssist from "./hv_vp_assist.ts";
import kvmOverlay from "./kvm_overlay.ts";
import pageOwnership from "./page_ownership.ts";
import sevMigration from "./sev_migration.ts";
import xenKexec from "./xen_kexec.ts";

/** All suites of mutants. */
export const suites: readonly ModelMutants[] = [
  pageOwnership,
  hvVpAssist,
  hvVmbus,
  sevMigration,
  xenKexec,
  kvmOverlay,
];
