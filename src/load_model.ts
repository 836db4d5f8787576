/**
 * Finding a model by registered name or by the path of a .ts file that exports one.
 *
 * @module
 */

import { InputError } from "./errors.ts";
import type { Model } from "./model.ts";
import { isModel, type ModelRef } from "./model_ref.ts";

/**
 * Resolves `name`: a registered model, or a path ending in `.ts`/`.js` whose default export (or
 * export named `model`) is a model built with defineModel.
 */
export async function loadModel(
  name: string,
  registry: ReadonlyMap<string, Model>,
): Promise<{ model: Model; ref: ModelRef }> {
  const registered = registry.get(name);
  if (registered) return { model: registered, ref: { registered: name } };
  if (!/\.(ts|js|mjs|mts)$/.test(name)) {
    throw new InputError(
      `Unknown model "${name}". Registered models: ${
        [...registry.keys()].join(", ")
      }; or give a path to a .ts file.`,
    );
  }
  let module: Record<string, unknown>;
  const url = new URL(name, `file://${Deno.cwd()}/`).href;
  try {
    module = await import(url);
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    throw new InputError(`Could not load model file ${name}: ${message.split("\n")[0]}`, { cause: error });
  }
  const exportName = module.default !== undefined ? "default" : "model";
  const candidate = module[exportName];
  if (!isModel(candidate)) {
    throw new InputError(
      `Model file ${name} exports no model: expected \`export default defineModel({...})\` (or an export named model).`,
    );
  }
  return { model: candidate, ref: { module: url, exportName } };
}
