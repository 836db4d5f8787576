/**
 * The hvcheck program: the command line (src/cli/) serving this repository's model library (models/)
 * and proof gates (checks/).
 *
 * ```sh
 * deno run --allow-read=. --allow-write=out main.ts check
 * ```
 *
 * The library, for models and checks written in code, is mod.ts.
 *
 * @module
 */

import { main } from "./src/cli/cli.ts";
import { models } from "./models/mod.ts";
import { gates } from "./checks/mod.ts";

if (import.meta.main) {
  // Worker threads import the registered models from this module themselves.
  const modelsModule = new URL("./models/mod.ts", import.meta.url).href;
  Deno.exit(await main(Deno.args, { models, gates, modelsModule }));
}
