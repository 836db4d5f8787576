/**
 * `list`: the registered models with their parameters, defaults and allowed values.
 *
 * @module
 */

import { type CommandContext, type CommandRun, EXIT, out } from "./command.ts";
import type { ListArgs } from "./cli_options.ts";
import { formatModelListing, modelListing } from "./report.ts";

/** Runs `list`. */
export async function* runList(args: ListArgs, context: CommandContext): CommandRun {
  const list = modelListing(context.library.models.values());
  if (args.options.json) yield out(JSON.stringify(list, null, 2));
  else if (list.length) yield out(formatModelListing(list));
  return EXIT.ok;
}
