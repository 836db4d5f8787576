/**
 * The command line: parse arguments, call the engine, report. Commands: check, explore, replay, list.
 *
 * Exit codes: 0 every property holds (every gate met), 1 a property is violated (a gate missed), 2 bad
 * usage, model or input, 3 incomplete (a limit was hit), 4 an internal error.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { gates as allGates } from "../checks/mod.ts";
import { models } from "../models/mod.ts";
import { checkInstanceParallel, type CheckResult, type PropertyResult } from "./check.ts";
import { defaultCheckpointDir, identityOf, readCheckpoint } from "./checkpoint.ts";
import { InputError } from "./errors.ts";
import { fileProblem } from "./file_errors.ts";
import { describeExpectation, type GateResult, runGate } from "./gate_runner.ts";
import { loadModel } from "./load_model.ts";
import { memoryBudget } from "./memory_budget.ts";
import { WorkerPool } from "./parallel_search.ts";
import { instantiate } from "./model.ts";
import { describeParam, parseAssignments } from "./params.ts";
import { replayStates } from "./replay.ts";
import { formatCount, formatProgress, formatResultText, formatTable } from "./report.ts";
import { MODEL_RUN_USAGE, runModelCommand } from "./sandbox.ts";
import type { Progress, SearchOptions } from "./search.ts";
import { writeTraceFiles } from "./trace_files.ts";
import { fromItfParams, parseItf } from "./trace_itf.ts";
import { formatTraceText } from "./trace_text.ts";

/** Exit codes. */
export const EXIT = { ok: 0, violated: 1, input: 2, incomplete: 3, internal: 4 } as const;

const USAGE = `hvcheck: an explicit-state model checker for hypervisor registrations

Usage: deno run -A mod.ts <command> [options]

Commands:
  check [GATE...]      run the proof gates in checks/ (all but slow ones by default)
      --json             print one JSON array of gate results
      --slow             include gates tagged slow
      --out DIR          where counterexamples go (default out/; traces under DIR/traces/<gate>/)
      --workers N        search threads (default: the number of cores)
  explore MODEL        explore a registered model, or a .ts file that exports one
      --set NAME=VALUE   set a parameter (repeatable)
      --exact            store full states: no fingerprint collision can hide a state
      --max-states N     stop (incomplete) after N distinct states
      --max-depth N      explore at most N steps from the initial states
      --time-limit S     stop (incomplete) after S seconds
      --stop-on-violation stop at the first violation instead of deciding every property
      --trace-dir DIR    where counterexamples go (default out/traces/<model>)
      --workers N        search threads (default: the number of cores)
      --memory SIZE      memory budget such as 8G (default: 85% of available memory): levels spill to
                         disk past a fifth of it; a run that cannot fit stops with a checkpoint
      --checkpoint DIR   write checkpoints there (default out/checkpoints/<model>): every
                         --checkpoint-every S seconds (default 300), on a memory stop and on Ctrl-C
      --resume DIR       continue from the latest checkpoint in DIR (same model, parameters, --exact)
      --spill-dir DIR    where spilled levels go (default out/spill)
      --json             print one JSON object
${MODEL_RUN_USAGE}
  replay MODEL TRACE.itf.json   check that a trace is a run of the model
      --set NAME=VALUE   parameters (default: the ones recorded in the trace)
      --json             print one JSON object
  list                 the registered models with their parameters
      --json             print JSON

Common: --progress (progress line on stderr; default when stderr is a terminal), --debug (stack traces),
--help.

Exit codes: 0 holds / all gates met, 1 violated / a gate missed, 2 usage or input error,
3 incomplete (a limit was hit), 4 internal error.`;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InputError(`--${name} expects a positive integer but got "${text}".`);
  }
  return Number(text);
}

function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new InputError(`--${name} expects a positive number but got "${text}".`);
  }
  return n;
}

/** --workers N, or the number of cores. */
function workerCount(text: string | undefined): number {
  if (text === undefined) return Math.max(1, navigator.hardwareConcurrency || 1);
  const n = positiveInt("workers", text)!;
  if (n > 256) throw new InputError(`--workers expects at most 256 but got ${n}.`);
  return n;
}

function progressReporter(enabled: boolean, io: Io): ((p: Progress) => void) | undefined {
  return enabled ? (p) => io.err(formatProgress(p)) : undefined;
}

function wantsProgress(flag: boolean | undefined): boolean {
  return flag === true || Deno.stderr.isTerminal();
}

/** Runs the command line; returns the exit code. */
export async function main(args: readonly string[], io: Io = stdio): Promise<number> {
  const debug = args.includes("--debug");
  try {
    return await dispatch(args, io);
  } catch (thrown) {
    // A file system problem (a full disk, a read-only folder) is bad input too.
    const error = fileProblem(thrown) ?? thrown;
    if (error instanceof InputError) {
      io.err(`hvcheck: ${error.message}`);
      if (debug) io.err(String((error.cause as Error)?.stack ?? error.stack));
      return EXIT.input;
    }
    if ((error as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`hvcheck: ${(error as Error).message}. Run with --help for usage.`);
      return EXIT.input;
    }
    io.err(`hvcheck: internal error: ${(error as Error)?.message ?? String(error)}`);
    io.err(debug ? String((error as Error)?.stack) : "Run again with --debug for the stack trace.");
    return EXIT.internal;
  }
}

async function dispatch(args: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "check":
      return await commandCheck(rest, io);
    case "explore":
      return await commandExplore(rest, io);
    case "replay":
      return await commandReplay(rest, io);
    case "list":
      return commandList(rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(USAGE);
      return command === undefined ? EXIT.input : EXIT.ok;
    default:
      throw new InputError(
        `Unknown command "${command}". Commands: check, explore, replay, list (--help for usage).`,
      );
  }
}

async function commandCheck(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      slow: { type: "boolean" },
      out: { type: "string", default: "out" },
      workers: { type: "string" },
      progress: { type: "boolean" },
      debug: { type: "boolean" },
    },
  });
  const known = new Map(allGates.map((g) => [g.name, g]));
  for (const name of positionals) {
    if (!known.has(name)) {
      throw new InputError(`Unknown gate "${name}". Gates: ${[...known.keys()].join(", ")}.`);
    }
  }
  const selected = positionals.length
    ? positionals.map((name) => known.get(name)!)
    : allGates.filter((g) => values.slow || !g.tags?.includes("slow"));
  const count = workerCount(values.workers);
  // One pool of threads serves every gate: they start and load the model library once.
  const workers = count > 1 ? new WorkerPool(count) : 1;
  const onProgress = progressReporter(wantsProgress(values.progress), io);
  const options: SearchOptions & { workers: number | WorkerPool } = { workers };
  const results: GateResult[] = [];
  const tracePaths = new Map<GateResult, Record<string, string>>();
  if (!values.json) io.out(formatTable([["gate", "verdict", "expected", "states", "depth", "seconds", ""]]));
  for (const gate of selected) {
    const result = await runGate(gate, models, onProgress ? { ...options, onProgress } : options);
    results.push(result);
    const paths: Record<string, string> = {};
    for (const p of result.result.properties) {
      if (p.status === "violated") {
        paths[p.name] = await writeTraceFiles(`${values.out}/traces/${gate.name}`, p);
      }
    }
    tracePaths.set(result, paths);
    if (!values.json) {
      const expectedViolation = Object.values(gate.expect).some((e) =>
        typeof e === "object" || e === "not witnessed"
      );
      io.out(formatTable([[
        gate.name,
        result.result.verdict,
        expectedViolation ? "violated" : "holds",
        formatCount(result.result.distinctStates),
        String(result.result.depth),
        result.result.seconds.toFixed(2),
        result.met ? "ok" : "MISSED",
      ]]));
      for (const problem of result.problems) io.out(`    ${problem}`);
      for (const warning of result.result.warnings) io.out(`    warning: ${warning}`);
    }
  }
  if (typeof workers !== "number") workers.close();
  const missed = results.filter((r) => !r.met);
  if (values.json) {
    io.out(JSON.stringify(
      results.map((r) => ({
        gate: r.gate.name,
        model: r.gate.model,
        params: r.result.params,
        expected: Object.fromEntries(
          Object.entries(r.gate.expect).map(([k, e]) => [k, describeExpectation(e)]),
        ),
        verdict: r.result.verdict,
        met: r.met,
        problems: r.problems,
        distinctStates: r.result.distinctStates,
        minStates: r.gate.minStates,
        transitions: r.result.transitions,
        depth: r.result.depth,
        seconds: r.result.seconds,
        why: r.gate.why,
        warnings: r.result.warnings,
        properties: r.result.properties.map((p) => propertyJson(p, tracePaths.get(r)?.[p.name])),
      })),
      null,
      2,
    ));
  } else {
    io.out(
      missed.length === 0
        ? `${results.length} gates met, 0 missed.`
        : `${results.length - missed.length} gates met, ${missed.length} missed: ${
          missed.map((r) => r.gate.name).join(", ")
        }.`,
    );
  }
  return missed.length ? EXIT.violated : EXIT.ok;
}

async function commandExplore(args: readonly string[], io: Io): Promise<number> {
  // A model file runs in a least-privilege child process (src/sandbox.ts), or here.
  return await runModelCommand("explore", args, (rest) => exploreHere(rest, io));
}

async function exploreHere(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      set: { type: "string", multiple: true, default: [] },
      exact: { type: "boolean" },
      "max-states": { type: "string" },
      "max-depth": { type: "string" },
      "time-limit": { type: "string" },
      "stop-on-violation": { type: "boolean" },
      "trace-dir": { type: "string" },
      workers: { type: "string" },
      memory: { type: "string" },
      checkpoint: { type: "string" },
      "checkpoint-every": { type: "string" },
      resume: { type: "string" },
      "spill-dir": { type: "string" },
      json: { type: "boolean" },
      progress: { type: "boolean" },
      debug: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) {
    throw new InputError("explore expects exactly one MODEL (a registered name or a .ts path).");
  }
  const { model, ref } = await loadModel(positionals[0]!, models);
  const instance = instantiate(model, parseAssignments(model.name, model.params, values.set));
  const workers = workerCount(values.workers);
  const maxStates = positiveInt("max-states", values["max-states"]);
  const maxDepth = values["max-depth"] === "0" ? 0 : positiveInt("max-depth", values["max-depth"]);
  const timeLimitSeconds = positiveNumber("time-limit", values["time-limit"]);
  const onProgress = progressReporter(wantsProgress(values.progress), io);
  const exact = values.exact === true;
  const checkpointEverySeconds = positiveNumber("checkpoint-every", values["checkpoint-every"]);
  // A resumed run keeps writing checkpoints where it resumed from, unless told otherwise.
  const checkpointDir = values.checkpoint ?? values.resume ??
    defaultCheckpointDir(identityOf(instance, exact));
  const resume = values.resume === undefined
    ? undefined
    : await readCheckpoint(values.resume, identityOf(instance, exact));
  const interrupt = new AbortController();
  const onInterrupt = () => {
    io.err("hvcheck: interrupted; writing a checkpoint at the next segment boundary (Ctrl-C again to abort)");
    Deno.removeSignalListener("SIGINT", onInterrupt);
    interrupt.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  let result: CheckResult;
  try {
    result = await checkInstanceParallel(instance, ref, workers, {
      exact,
      stopOnViolation: values["stop-on-violation"] === true,
      memoryBytes: memoryBudget(values.memory),
      spillDir: values["spill-dir"] ?? "out/spill",
      checkpointDir,
      ...(checkpointEverySeconds !== undefined ? { checkpointEverySeconds } : {}),
      ...(resume ? { resume } : {}),
      interrupted: () => interrupt.signal.aborted,
      ...(maxStates !== undefined ? { maxStates } : {}),
      ...(maxDepth !== undefined ? { maxDepth } : {}),
      ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  } finally {
    try {
      Deno.removeSignalListener("SIGINT", onInterrupt);
    } catch {
      // already removed by the first Ctrl-C
    }
  }
  if (result.limit === "memory") {
    io.err(
      `hvcheck: the memory budget cannot hold this run; stopped after ${
        formatCount(result.distinctStates)
      } states` +
        (result.checkpoint
          ? `. Checkpoint: ${result.checkpoint} (resume with --resume ${checkpointDir} --memory SIZE)`
          : ""),
    );
  } else if (result.limit === "interrupted" && result.checkpoint) {
    io.err(`hvcheck: checkpoint written to ${result.checkpoint}; continue with --resume ${checkpointDir}`);
  }
  const traceDir = values["trace-dir"] ?? `out/traces/${instance.name}`;
  const paths: Record<string, string> = {};
  // A trace that cannot be written (full disk, read-only folder) must not hide the verdict.
  let traceProblem: unknown;
  for (const p of result.properties) {
    if (p.status !== "violated") continue;
    try {
      paths[p.name] = await writeTraceFiles(traceDir, p);
    } catch (error) {
      traceProblem ??= fileProblem(error, `Could not write the trace of ${p.name} into ${traceDir}`) ?? error;
    }
  }
  const reproduce = ["deno run -A mod.ts explore", positionals[0]!, ...values.set.map((s) => `--set ${s}`)]
    .concat(values.exact ? ["--exact"] : [])
    .join(" ");
  if (values.json) io.out(JSON.stringify(resultJson(result, paths, reproduce), null, 2));
  else io.out(formatResultText(result, paths, reproduce));
  if (traceProblem) throw traceProblem;
  return exitCodeOf(result);
}

function exitCodeOf(result: CheckResult): number {
  return result.verdict === "holds"
    ? EXIT.ok
    : result.verdict === "violated"
    ? EXIT.violated
    : EXIT.incomplete;
}

function resultJson(result: CheckResult, paths: Record<string, string>, reproduce: string): unknown {
  const { properties, ...rest } = result;
  return {
    ...rest,
    properties: properties.map((p) => propertyJson(p, paths[p.name])),
    reproduce,
  };
}

/** One property as `check --json` and `explore --json` print it. */
function propertyJson(p: PropertyResult, tracePath: string | undefined): unknown {
  return {
    name: p.name,
    kind: p.kind,
    status: p.status,
    ...(p.traceLength !== undefined ? { traceLength: p.traceLength } : {}),
    ...(tracePath ? { tracePath } : {}),
  };
}

async function commandReplay(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      set: { type: "string", multiple: true },
      json: { type: "boolean" },
      debug: { type: "boolean" },
    },
  });
  if (positionals.length !== 2) throw new InputError("replay expects MODEL and TRACE.itf.json.");
  const [modelName, path] = positionals as [string, string];
  const { model } = await loadModel(modelName, models);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new InputError(`Cannot read trace file ${path}: ${(error as Error).message}`);
  }
  // Parameters: --set when given, else the ones the trace records.
  let given: Record<string, unknown>;
  if (values.set !== undefined) given = parseAssignments(model.name, model.params, values.set);
  else given = recordedParams(text, model.name, path);
  const instance = instantiate(model, given);
  const parsed = parseItf(text, instance, path);
  const outcome = replayStates(instance, parsed.states, parsed.actions);
  if (values.json) {
    io.out(
      JSON.stringify({ model: instance.name, params: instance.params, trace: path, ...outcome }, null, 2),
    );
  } else if (outcome.ok) {
    io.out(`${path} is a run of model ${instance.name} (${outcome.steps} steps).`);
    io.out(
      formatTraceText(
        {
          model: instance.name,
          params: instance.params,
          initIndex: 0,
          states: parsed.states,
          actions: outcome.actions,
        },
        "Replayed trace.",
      ).replace(/^Error: /, ""),
    );
  } else {
    io.out(`${path} is not a run of model ${instance.name}: ${outcome.reason}`);
  }
  return outcome.ok ? EXIT.ok : EXIT.violated;
}

/** The parameters recorded in an ITF file's #meta, converted from ITF integers. */
function recordedParams(text: string, modelName: string, path: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return {}; // parseItf reports the corrupt file with its position
  }
  const meta = (doc as { "#meta"?: { model?: unknown; params?: unknown } })?.["#meta"];
  if (meta?.model !== undefined && meta.model !== modelName) {
    throw new InputError(`${path} is a trace of model ${JSON.stringify(meta.model)}, not ${modelName}.`);
  }
  const params = meta?.params;
  if (typeof params !== "object" || params === null) return {};
  return fromItfParams(params as Record<string, unknown>);
}

function commandList(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: [...args], options: { json: { type: "boolean" } } });
  if (positionals.length) throw new InputError("list takes no arguments.");
  const list = [...models.values()].map((m) => ({
    name: m.name,
    description: m.description,
    params: Object.entries(m.params).map(([name, p]) => ({
      name,
      kind: p.kind,
      default: p.default,
      allowed: describeParam(p),
      description: p.description,
    })),
  }));
  if (values.json) {
    io.out(JSON.stringify(list, null, 2));
    return EXIT.ok;
  }
  for (const m of list) {
    io.out(`${m.name}: ${m.description}`);
    for (const p of m.params) io.out(`  ${p.name} = ${p.default}  (${p.allowed})  ${p.description}`);
  }
  return EXIT.ok;
}
