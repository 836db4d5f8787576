/**
 * `replay MODEL TRACE.itf.json`: checks that a trace is a run of the model, evaluates every property
 * along it, and checks that it shows what it records. Parameters are the ones the trace records, each
 * `--set` overriding one. Not a run, or not showing its claim, is exit 1; a file that is no trace of the
 * model is an InputError (exit 2).
 *
 * @module
 */

import { type CommandContext, type CommandRun, EXIT, out } from "./command.ts";
import type { ReplayArgs } from "./cli_options.ts";
import { InputError } from "../errors.ts";
import { loadModel } from "../load/load_model.ts";
import { instantiate } from "../model/model.ts";
import { parseAssignments } from "../model/params.ts";
import { replayTrace } from "../trace/replay.ts";
import { checkClaim, type Claim } from "../trace/trace_claim.ts";
import { fromItfParams, metaEntry, parseItf } from "../trace/trace_itf.ts";
import { formatReplayText, type Replay, replayJson } from "./report_replay.ts";

/** Runs `replay`. */
export async function* runReplay(args: ReplayArgs, context: CommandContext): CommandRun {
  const replay = await replayFile(args.positionals[0]!, args.positionals[1]!, args.options.set, context);
  const { outcome, claim } = replay;
  yield out(args.options.json ? JSON.stringify(replayJson(replay), null, 2) : formatReplayText(replay));
  return outcome.ok && (!claim.recorded || claim.shown) ? EXIT.ok : EXIT.violated;
}

/** Replays the trace in file `path` on model `modelName` with the recorded parameters and `sets`. */
export async function replayFile(
  modelName: string,
  path: string,
  sets: readonly string[],
  context: CommandContext,
): Promise<Replay> {
  const { model } = await loadModel(modelName, context.library);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new InputError(`Cannot read trace file ${path}: ${(error as Error).message}`);
  }
  // Parameters: the ones the trace records, each overridden by --set.
  const given = {
    ...recordedParams(text, model.name, path),
    ...parseAssignments(model.name, model.params, sets),
  };
  const instance = instantiate(model, given);
  const trace = parseItf(text, instance, path);
  const outcome = replayTrace(instance, trace);
  // A run that does not show the violation (or witness) its file records is not the evidence it claims.
  const claim: Claim = outcome.ok ? checkClaim(trace.meta, instance, outcome, path) : { recorded: false };
  return { model: instance.name, params: instance.params, path, states: trace.states, outcome, claim };
}

/** The parameters recorded in an ITF file's #meta, converted from ITF integers. */
function recordedParams(text: string, modelName: string, path: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return {}; // parseItf reports the corrupt file with its position
  }
  const meta = (doc as { "#meta"?: Record<string, unknown> })?.["#meta"];
  if (meta?.model !== undefined && meta.model !== modelName) {
    throw new InputError(`${path} is a trace of model ${JSON.stringify(meta.model)}, not ${modelName}.`);
  }
  const params = meta ? metaEntry(meta, "params", path) : undefined;
  if (typeof params !== "object" || params === null || Array.isArray(params)) return {};
  return fromItfParams(params as Record<string, unknown>);
}
