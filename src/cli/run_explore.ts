/**
 * `explore MODEL`: checks one model (a registered name or a model file; a file runs with least privilege,
 * src/cli/sandbox.ts) with its parameters and limits, taking Ctrl-C as "checkpoint and stop", and hands
 * back its traces for `OUT/traces/<model>/` and then its summary or `--json` object with the command that
 * runs it again. The exit code is the verdict's: 0 holds, 1 violated, 3 incomplete.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { buildStateGraph } from "../liveness/state_graph.ts";
import { DOT_MAX_STATES, formatDot } from "../report/state_graph_dot.ts";
import { actorsOf } from "../model/actors.ts";
import { reportFiles } from "./report_files.ts";
import {
  type CommandContext,
  type CommandRun,
  err,
  EXIT,
  type ExitCode,
  file,
  out,
  traces,
} from "./command.ts";
import type { ExploreArgs } from "./cli_options.ts";
import { checkInstanceParallel, type CheckResult } from "../check/check.ts";
import { withFailureTrace } from "../check/trace_files.ts";
import { loadModel } from "../load/load_model.ts";
import { instantiate, type ModelInstance } from "../model/model.ts";
import { parseAssignments } from "../model/params.ts";
import { defaultCheckpointDir, identityOf, readCheckpoint } from "../search/checkpoint.ts";
import { livenessProperties } from "../liveness/check_liveness.ts";
import { reproduceLine } from "./launcher.ts";
import { formatCount, formatResultText, resultJson } from "./report.ts";

/** The exit code of a verdict. */
export function exitCodeOf(result: Pick<CheckResult, "verdict">): ExitCode {
  return result.verdict === "holds"
    ? EXIT.ok
    : result.verdict === "violated"
    ? EXIT.violated
    : EXIT.incomplete;
}

/** Runs `explore`. */
export async function* runExplore(args: ExploreArgs, context: CommandContext): CommandRun {
  const { options } = args;
  const modelArg = args.positionals[0]!;
  const { model, ref } = await loadModel(modelArg, context.library);
  const instance = instantiate(model, parseAssignments(model.name, model.params, options.set));
  const traceDirOption = options["trace-dir"];
  if (traceDirOption !== undefined) {
    yield err(
      `hvcheck: --trace-dir is deprecated: use --out DIR (traces under DIR/traces/${instance.name}/); ` +
        `writing to ${traceDirOption} this time.`,
    );
  }
  const traceDir = traceDirOption ?? `${options.out}/traces/${instance.name}`;
  // A resumed run keeps writing checkpoints where it resumed from, unless told otherwise.
  // The default folder is per parameters, so runs of one model with other parameters keep theirs.
  // Liveness properties need the whole graph, which checkpoints do not hold: no default folder then.
  const checkpointDir = options.checkpoint ?? options.resume ??
    (livenessProperties(instance).length > 0
      ? undefined
      : defaultCheckpointDir(identityOf(instance, options.exact), `${options.out}/checkpoints`));
  const resume = options.resume === undefined
    ? undefined
    : await readCheckpoint(options.resume, identityOf(instance, options.exact));
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) return;
    context.notice(
      "hvcheck: interrupted; writing a checkpoint at the next segment boundary (Ctrl-C again to abort)",
    );
    interrupt.abort();
    // A model file's least-privilege child gets one Ctrl-C twice, from the terminal and from its parent
    // (src/cli/sandbox.ts): only a second one a second later aborts.
    Deno.unrefTimer(setTimeout(() => {
      try {
        Deno.removeSignalListener("SIGINT", onInterrupt);
      } catch {
        // removed already
      }
    }, 1000));
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  const maxStates = options["max-states"], maxDepth = options["max-depth"];
  const timeLimitSeconds = options["time-limit"];
  let result: CheckResult;
  try {
    result = await checkInstanceParallel(instance, ref, options.workers, {
      exact: options.exact,
      stopOnViolation: options["stop-on-violation"],
      memoryBytes: options.memory,
      spillDir: options["spill-dir"],
      ...(checkpointDir !== undefined ? { checkpointDir } : {}),
      checkpointEverySeconds: options["checkpoint-every"],
      ...(resume ? { resume } : {}),
      interrupted: () => interrupt.signal.aborted,
      ...(maxStates !== undefined ? { maxStates } : {}),
      ...(maxDepth !== undefined ? { maxDepth } : {}),
      ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    });
  } catch (error) {
    throw await withFailureTrace(traceDir, error);
  } finally {
    try {
      Deno.removeSignalListener("SIGINT", onInterrupt);
    } catch {
      // already removed by the first Ctrl-C
    }
  }
  if (result.limit === "memory") {
    yield err(
      `hvcheck: the memory budget cannot hold this run; stopped after ${
        formatCount(result.distinctStates)
      } states` +
        (result.checkpoint
          ? `. Checkpoint: ${result.checkpoint} (resume with --resume ${checkpointDir} --memory SIZE)`
          : ""),
    );
  } else if (result.limit === "interrupted" && result.checkpoint) {
    yield err(`hvcheck: checkpoint written to ${result.checkpoint}; continue with --resume ${checkpointDir}`);
  }
  const reproduce = reproduceLine(["explore", modelArg, ...reproducedOptions(args)], {
    read: [folderOf(modelArg)],
    write: [
      options.out,
      ...(traceDirOption !== undefined && !traceDirOption.startsWith(`${options.out}/`)
        ? [traceDirOption]
        : []),
    ],
  });
  const print = (paths: Readonly<Record<string, string>>) =>
    out(
      options.json
        ? JSON.stringify(resultJson(result, paths, reproduce), null, 2)
        : formatResultText(result, paths, reproduce),
    );
  let paths: Readonly<Record<string, string>>;
  try {
    paths = yield traces(traceDir, result);
  } catch (error) {
    yield print({}); // the verdict stands even when its traces cannot be written
    throw error;
  }
  yield print(paths);
  if (options.dot !== undefined) yield file(options.dot, dotOf(instance, result));
  if (options.html !== undefined) {
    const run = { name: instance.name, result, actorOf: actorsOf(instance) };
    for (const output of reportFiles(options.html, `hvcheck explore ${instance.name}`, [run])) yield output;
  }
  return exitCodeOf(result);
}

/** The DOT drawing of the run's graph, or an InputError when there is none to draw. */
function dotOf(instance: ModelInstance, result: CheckResult): string {
  if (instance.canonicalize !== undefined) {
    throw new InputError(
      `--dot draws the model's own state graph, and model ${instance.name} declares symmetry: ` +
        `run it with a configuration that declares none.`,
    );
  }
  if (!result.complete || result.distinctStates > DOT_MAX_STATES) {
    throw new InputError(
      `--dot: model ${instance.name} has ${result.complete ? "" : "at least "}${result.distinctStates} ` +
        `states, more than the ${DOT_MAX_STATES} a drawing can show; make the model smaller with --set.`,
    );
  }
  const counterexamples = result.properties.flatMap((p) =>
    p.status === "violated" && p.trace ? [p.trace] : []
  );
  return formatDot(instance, buildStateGraph(instance), counterexamples);
}

/**
 * The options of the Reproduce line: every one that can change the result, and the output folder, as
 * given. --resume is not (a fresh run gives the same answer), nor are the checkpoint and spill folders
 * (the fresh run uses the defaults).
 */
function reproducedOptions({ options, values }: ExploreArgs): string[] {
  return [
    ...options.set.flatMap((s) => ["--set", s]),
    ...(options.exact ? ["--exact"] : []),
    ...(options["max-states"] !== undefined ? ["--max-states", String(options["max-states"])] : []),
    ...(options["max-depth"] !== undefined ? ["--max-depth", String(options["max-depth"])] : []),
    ...(options["time-limit"] !== undefined ? ["--time-limit", String(options["time-limit"])] : []),
    ...(options["stop-on-violation"] ? ["--stop-on-violation"] : []),
    ...(typeof values.memory === "string" ? ["--memory", values.memory] : []),
    ...(values.workers !== undefined ? ["--workers", String(options.workers)] : []),
    ...(values.out !== undefined ? ["--out", options.out] : []),
    ...(options["trace-dir"] !== undefined ? ["--trace-dir", options["trace-dir"]] : []),
  ];
}

/** The folder of a model file named on the command line (`.` for a registered model). */
function folderOf(modelArg: string): string {
  return modelArg.includes("/") ? modelArg.slice(0, modelArg.lastIndexOf("/")) || "/" : ".";
}
