/**
 * How a worker thread finds the model the main thread is checking: functions cannot cross threads,
 * so each worker imports the model's module itself and binds the same parameters.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Model } from "./model.ts";

/** A model of a library (a module whose `models` export maps names to models), or an export of a module. */
export type ModelRef =
  | { readonly registry: string; readonly name: string }
  | { readonly module: string; readonly exportName: string }
  | { readonly module: string; readonly modelName: string };

/** Whether a value is a model built with defineModel. */
export function isModel(x: unknown): x is Model {
  const m = x as Partial<Model> | null;
  return typeof m === "object" && m !== null && typeof m.name === "string" && typeof m.spec === "object" &&
    typeof m.spec?.state === "function";
}

/** Imports the model a reference names. */
export async function resolveModelRef(ref: ModelRef): Promise<Model> {
  if ("registry" in ref) {
    const { models } = await import(ref.registry) as { models?: ReadonlyMap<string, unknown> };
    const model = models?.get(ref.name);
    if (!isModel(model)) throw new InputError(`${ref.registry} registers no model named "${ref.name}".`);
    return model;
  }
  const module = await import(ref.module);
  if ("modelName" in ref) {
    const model = Object.values(module).find((x) => isModel(x) && x.name === ref.modelName);
    if (!isModel(model)) {
      throw new InputError(
        `${ref.module} defines model ${ref.modelName} but does not export it, so worker threads cannot ` +
          `import it: export it, or check it with one worker.`,
      );
    }
    return model;
  }
  const model = module[ref.exportName];
  if (!isModel(model)) throw new InputError(`${ref.module} has no model export named ${ref.exportName}.`);
  return model;
}
