/**
 * The model library: every registered model by name, as `explore`, `replay` and the proof gates
 * refer to them.
 *
 * @module
 */

import type { Model } from "../mod.ts";
import hvVmbus from "./hv_vmbus.ts";
import hvVpAssist from "./hv_vp_assist.ts";
import kvmOverlay from "./kvm_overlay.ts";
import cpuhpDemo from "./lib/cpuhp.ts";
import pmPhasesDemo from "./lib/pm_phases.ts";
import pageOwnership from "./page_ownership.ts";
import sevMigration from "./sev_migration.ts";
import xenKexec from "./xen_kexec.ts";

/** Registered models by name. */
export const models: ReadonlyMap<string, Model> = new Map(
  ([
    pageOwnership,
    hvVpAssist,
    hvVmbus,
    sevMigration,
    xenKexec,
    kvmOverlay,
    cpuhpDemo,
    pmPhasesDemo,
  ] as unknown as Model[]).map((model) => [model.name, model]),
);
