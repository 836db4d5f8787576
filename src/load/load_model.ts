/**
 * Finding a model by registered name or by the path of a .ts file that exports one.
 *
 * @module
 */

import { closest } from "../state/names.ts";
import { InputError } from "../errors.ts";
import { heartbeat } from "../search/heartbeat.ts";
import type { Library } from "../check/library.ts";
import type { Model } from "../model/model.ts";
import { type LoadCall, watchLoad } from "./load_watch.ts";
import { displayPath } from "../model/model_failure.ts";
import { isModel, type ModelRef } from "../model/model_ref.ts";
import { parseRefusal } from "./permission_error.ts";

/**
 * How long a model file may take to load. A top-level await that never resolves would otherwise hang
 * the run, or end it with Deno's own error and exit code 1, which means "violated".
 */
export const LOAD_TIMEOUT_SECONDS = 10;

/**
 * Resolves `name`: a registered model, or a path ending in `.ts`/`.js` whose default export (or
 * export named `model`) is a model built with defineModel.
 */
export async function loadModel(
  name: string,
  library: Pick<Library, "models" | "modelsModule">,
): Promise<{ model: Model; ref: ModelRef }> {
  const registry = library.models;
  const registered = registry.get(name);
  if (registered) return { model: registered, ref: { registry: library.modelsModule, name } };
  if (!/\.(ts|js|mjs|mts)$/.test(name)) {
    const guess = closest(name, [...registry.keys()]);
    throw new InputError(
      `Unknown model "${name}".${guess ? ` Did you mean ${guess}?` : ""} Registered models: ${
        [...registry.keys()].join(", ")
      }; or give a path to a .ts file.`,
    );
  }
  let module: Record<string, unknown>;
  const url = new URL(name, `file://${Deno.cwd()}/`).href;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let call: LoadCall | undefined;
  try {
    module = await Promise.race([
      watchLoad(url, () => import(url)).then((loaded) => {
        call = loaded.call;
        return loaded.value;
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LoadTimeout()), LOAD_TIMEOUT_SECONDS * 1000);
      }),
    ]);
  } catch (error) {
    if (error instanceof LoadTimeout) {
      throw new InputError(
        `Model file ${name} did not finish loading within ${LOAD_TIMEOUT_SECONDS} s: a top-level await ` +
          `in it (or in a module it imports) never resolves.`,
      );
    }
    const message = ((error as Error)?.message ?? String(error)).split("\n")[0]!;
    const refused = parseRefusal(message);
    throw new InputError(
      refused
        ? `Model file ${name} needs ${refused.kind} access to ${
          JSON.stringify(refused.target)
        }, which it was not granted.`
        : `Could not load model file ${name}: ${message}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  heartbeat(); // loaded: a least-privilege child's watchdog now knows the top level returned
  if (call !== undefined) {
    throw new InputError(
      `Model file ${name} calls ${call.source} while it loads (at ${displayPath(call.url)}:${call.line}:` +
        `${call.column}): every worker thread loads the file afresh, so a value computed at load time ` +
        `differs between threads (and between runs), and the model would compute different results in ` +
        `different threads. Derive such values from the model's parameters instead.`,
    );
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

class LoadTimeout extends Error {}
