/**
 * The model library the command line serves: the registered models and their proof gates. The engine
 * imports neither; the program (main.ts) hands them in, so the engine stays usable with
 * any library, and the library depends only on the public API.
 *
 * @module
 */

import type { Gate } from "./gate.ts";
import type { Model } from "../model/model.ts";

/** The registered models and gates. */
export interface Library {
  /** Models by name. */
  readonly models: ReadonlyMap<string, Model>;
  /** Every proof gate. */
  readonly gates: readonly Gate[];
  /** The URL of the module whose `models` export holds them: worker threads import the models from it. */
  readonly modelsModule: string;
}
