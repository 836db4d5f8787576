/**
 * Every proof gate, in the order `deno task check` runs them.
 *
 * @module
 */

import type { Gate } from "../src/check/gate.ts";
import cpuhp from "./cpuhp.ts";
import hvVmbus from "./hv_vmbus.ts";
import hvVpAssist from "./hv_vp_assist.ts";
import kvmOverlay from "./kvm_overlay.ts";
import pageOwnership from "./page_ownership.ts";
import pmPhases from "./pm_phases.ts";
import sevMigration from "./sev_migration.ts";
import xenKexec from "./xen_kexec.ts";

/** All gates. */
export const gates: readonly Gate[] = [
  ...pageOwnership,
  ...hvVpAssist,
  ...hvVmbus,
  ...sevMigration,
  ...xenKexec,
  ...kvmOverlay,
  ...cpuhp,
  ...pmPhases,
];
