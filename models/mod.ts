/**
 * The model library: every registered model by name, as `explore`, `replay` and the proof gates
 * refer to them.
 *
 * @module
 */

import type { Model } from "../mod.ts";
import pageOwnership from "./page_ownership.ts";

/** Registered models by name. */
export const models: ReadonlyMap<string, Model> = new Map(
  ([pageOwnership] as unknown as Model[]).map((model) => [model.name, model]),
);
