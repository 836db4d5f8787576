/**
 * The command line: parse arguments, call the engine, report. Commands: check, explore, replay, list.
 *
 * Exit codes: 0 every property holds (every gate met), 1 a property is violated (a gate missed), 2 bad
 * usage, model or input, 3 incomplete (a limit was hit), 4 an internal error.
 *
 * @module
 */

import type { Library } from "../check/library.ts";
import { checkInstanceParallel, type CheckResult, type PropertyResult } from "../check/check.ts";
import { defaultCheckpointDir, identityOf, readCheckpoint } from "../search/checkpoint.ts";
import { livenessProperties } from "../liveness/check_liveness.ts";
import { InputError } from "../errors.ts";
import { closest } from "../state/names.ts";
import {
  commandNamed,
  commands,
  commandUsage,
  parseCommandArgs,
  type ParsedArgs,
  usage,
} from "./cli_options.ts";
import {
  describeExpectation,
  describeStatus,
  type GateResult,
  matches,
  runGate,
} from "../check/gate_runner.ts";
import { loadModel } from "../load/load_model.ts";
import { WorkerPool } from "../search/parallel_search.ts";
import { instantiate } from "../model/model.ts";
import { describeParam, parseAssignments } from "../model/params.ts";
import { type PropertyAlongTrace, replayStates } from "../trace/replay.ts";
import {
  formatCount,
  formatProgress,
  formatResultText,
  formatTable,
  formatWitnesses,
  reproduceLine,
  shellQuote,
  tableHeader,
} from "./report.ts";
import type { Progress, SearchOptions } from "../search/search.ts";
import { replaceTraces } from "../check/trace_folder.ts";
import { checkClaim, type Claim } from "../trace/trace_claim.ts";
import { fileProblem } from "../store/file_errors.ts";
import { memoryBudget } from "../store/memory_budget.ts";
import { leastPrivilegeRefusal, parseRefusal } from "../load/permission_error.ts";
import { modelArgument, runModelCommand } from "./sandbox.ts";
import { withFailureTrace } from "../check/trace_files.ts";
import { fromItfParams, parseItf } from "../trace/trace_itf.ts";
import { formatTraceText } from "../trace/trace_text.ts";

/** Exit codes. */
export const EXIT = { ok: 0, violated: 1, input: 2, incomplete: 3, internal: 4 } as const;

/** Where the command line prints: stdout and stderr, or a test's collector. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

/** --workers N (read by the command table's rule), or the number of cores. */
function workerCount(parsed: ParsedArgs): number {
  return parsed.numbers.workers ?? Math.max(1, Math.min(256, navigator.hardwareConcurrency || 1));
}

function progressReporter(enabled: boolean, io: Io): ((p: Progress) => void) | undefined {
  return enabled ? (p) => io.err(formatProgress(p)) : undefined;
}

function wantsProgress(flag: boolean | undefined): boolean {
  return flag === true || Deno.stderr.isTerminal();
}

/** Runs the command line; returns the exit code. */
/** The library the running command serves (see `main`). */
let library: Library;

/**
 * Runs the command line `args` for `served` (its registered models and gates), writing to `io`;
 * returns the exit code.
 */
export async function main(args: readonly string[], served: Library, io: Io = stdio): Promise<number> {
  library = served;
  const debug = args.includes("--debug");
  try {
    return await dispatch(args, io);
  } catch (thrown) {
    // A file system problem (a full disk, a read-only folder) is bad input too.
    const error = fileProblem(thrown) ?? thrown;
    const denied = permissionProblem(error, args);
    if (denied) {
      io.err(`hvcheck: ${denied}`);
      if (debug) io.err(String((error as Error)?.stack));
      return EXIT.input;
    }
    if (error instanceof InputError) {
      io.err(`hvcheck: ${error.message}`);
      if (debug) io.err(String((error.cause as Error)?.stack ?? error.stack));
      return EXIT.input;
    }
    io.err(`hvcheck: internal error: ${(error as Error)?.message ?? String(error)}`);
    io.err(debug ? String((error as Error)?.stack) : "Run again with --debug for the stack trace.");
    return EXIT.internal;
  }
}

/**
 * The message for an error that is a permission problem, from Deno's sandbox (NotCapable, or its
 * message relayed by a worker thread) or from the operating system (PermissionDenied), looked for along
 * the error's causes; undefined for other errors.
 */
export function permissionProblem(error: unknown, args: readonly string[]): string | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const message = (e as Error)?.message ?? String(e);
    const refusal = parseRefusal(message);
    if (e instanceof Deno.errors.NotCapable || refusal) {
      const kind = refusal?.kind ?? "file";
      const path = refusal?.target ?? "a path";
      // In a model file's least-privilege child the parent says how to widen it (src/cli/sandbox.ts).
      if (args.includes("--sandboxed")) {
        return leastPrivilegeRefusal(modelArgument(args.slice(1)) ?? "(unnamed)", { kind, target: path });
      }
      const out = optionValue(args, "--out");
      const widen = out && path.startsWith(out.replace(/\/+$/, "")) ? out : path;
      const flag = kind === "read" || kind === "write" ? `--allow-${kind}=${widen}` : `--allow-${kind}`;
      const file = kind === "read" || kind === "write";
      const read = file ? `.,${widen}` : ".";
      const write = kind === "write" ? `out,${widen}` : "out";
      return `This run may not ${
        file ? kind : `use ${kind} for`
      } ${path}: Deno's permissions for it do not ` +
        `cover that (deno task check reads only . and writes only under out/). Choose a folder under out/, ` +
        `or add ${flag} to deno's flags, as in: npx -y deno@2.9.6 run --allow-read=${read} ` +
        `--allow-write=${write} mod.ts ${args.map(shellQuote).join(" ")}`;
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      return `The operating system denied access: ${message}. Choose another folder (--out DIR) or change ` +
        `the folder's permissions.`;
    }
    e = (e as Error)?.cause;
  }
  return undefined;
}

/** The value of `--name VALUE` or `--name=VALUE` in `args`, if given. */
function optionValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") break;
    if (args[i] === name) return args[i + 1];
    if (args[i]!.startsWith(`${name}=`)) return args[i]!.slice(name.length + 1);
  }
  return undefined;
}

async function dispatch(args: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    const topic = command === "help" && rest[0] !== undefined ? commandNamed(rest[0]) : undefined;
    io.out(topic ? commandUsage(topic) : usage());
    return command === undefined ? EXIT.input : EXIT.ok;
  }
  const spec = commandNamed(command);
  if (!spec) {
    const guess = closest(command, commands.map((c) => c.name));
    throw new InputError(
      `Unknown command "${command}".${guess ? ` Did you mean ${guess}?` : ""} Commands: ${
        commands.map((c) => c.name).join(", ")
      } (--help for usage).`,
    );
  }
  // --help wins over everything else, so a half-typed command line still shows the usage.
  const beforeDashes = rest.indexOf("--") < 0 ? rest : rest.slice(0, rest.indexOf("--"));
  if (beforeDashes.includes("--help") || beforeDashes.includes("-h")) {
    io.out(commandUsage(spec));
    return EXIT.ok;
  }
  if (command === "explore") {
    // A model file runs in a least-privilege child process (src/cli/sandbox.ts), or here.
    return await runModelCommand(
      "explore",
      rest,
      (here) => commandExplore(parseCommandArgs(spec, here), io),
      io,
    );
  }
  const parsed = parseCommandArgs(spec, rest);
  switch (command) {
    case "check":
      return await commandCheck(parsed, io);
    case "replay":
      return await commandReplay(parsed, io);
    default:
      return commandList(parsed, io);
  }
}

function stringOf(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

function stringsOf(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : [];
}

function flagOf(parsed: ParsedArgs, name: string): boolean {
  return parsed.values[name] === true;
}

async function commandCheck(parsed: ParsedArgs, io: Io): Promise<number> {
  const { positionals } = parsed;
  const json = flagOf(parsed, "json");
  const verbose = flagOf(parsed, "verbose");
  const out = stringOf(parsed, "out") ?? "out";
  const known = new Map(library.gates.map((g) => [g.name, g]));
  for (const name of positionals) {
    if (!known.has(name)) {
      const guess = closest(name, [...known.keys()]);
      throw new InputError(
        `Unknown gate "${name}".${guess ? ` Did you mean ${guess}?` : ""} Gates: ${
          [...known.keys()].join(", ")
        }.`,
      );
    }
  }
  const selected = positionals.length
    ? positionals.map((name) => known.get(name)!)
    : library.gates.filter((g) => flagOf(parsed, "slow") || !g.tags?.includes("slow"));
  const count = workerCount(parsed);
  // One pool of threads serves every gate: they start and load the model library once.
  const workers = count > 1 ? new WorkerPool(count) : 1;
  const onProgress = progressReporter(wantsProgress(flagOf(parsed, "progress")), io);
  const options: SearchOptions & { workers: number | WorkerPool } = { workers };
  const results: GateResult[] = [];
  const tracePaths = new Map<GateResult, Record<string, string>>();
  if (!json) io.out(formatTable(tableHeader));
  try {
    for (const gate of selected) {
      const result = await runGate(gate, library, onProgress ? { ...options, onProgress } : options)
        .catch(async (error) => {
          throw await withFailureTrace(`${out}/traces/${gate.name}`, error);
        });
      results.push(result);
      // The verdict is printed before traces are written, so a failing write cannot hide it.
      if (!json) {
        const r = result.result;
        io.out(formatTable([[
          gate.name,
          r.safety,
          result.expected.safety,
          formatWitnesses(r.witnesses),
          formatWitnesses(result.expected.witnesses),
          formatCount(r.distinctStates),
          String(r.depth),
          r.seconds.toFixed(2),
          result.met ? "ok" : "MISSED",
        ]]));
        for (const problem of result.problems) io.out(`    ${problem}`);
        for (const warning of r.warnings) io.out(`    warning: ${warning}`);
        if (verbose) io.out(formatGateDetails(result));
      }
      tracePaths.set(result, await replaceTraces(`${out}/traces/${gate.name}`, result.result));
    }
  } finally {
    if (typeof workers !== "number") workers.close();
  }
  const missed = results.filter((r) => !r.met);
  if (json) {
    io.out(JSON.stringify(results.map((r) => gateJson(r, tracePaths.get(r) ?? {})), null, 2));
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

/** `check --verbose`: a gate's parameters and, per property, its kind, the expectation and the result. */
function formatGateDetails(result: GateResult): string {
  const params = Object.entries(result.result.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines = [`    params: ${params || "(defaults)"}`];
  lines.push(`    ${"property".padEnd(40)} ${"kind".padEnd(10)} ${"expected".padEnd(22)} got`);
  for (const p of result.result.properties) {
    const e = Object.hasOwn(result.gate.expect, p.name) ? result.gate.expect[p.name] : undefined;
    const expected = e === undefined ? "(none)" : describeExpectation(e);
    const ok = e !== undefined && matches(e, p) ? "" : "  MISSED";
    lines.push(
      `    ${p.name.padEnd(40)} ${p.kind.padEnd(10)} ${expected.padEnd(22)} ${describeStatus(p)}${ok}`,
    );
  }
  return lines.join("\n");
}

/** One gate as `check --json` prints it. */
function gateJson(r: GateResult, paths: Record<string, string>): unknown {
  return {
    gate: r.gate.name,
    model: r.gate.model,
    params: r.result.params,
    expected: Object.fromEntries(
      Object.entries(r.gate.expect).map(([k, e]) => [k, describeExpectation(e)]),
    ),
    verdict: r.result.verdict,
    safety: r.result.safety,
    expectedSafety: r.expected.safety,
    witnesses: r.result.witnesses,
    expectedWitnesses: r.expected.witnesses,
    met: r.met,
    problems: r.problems,
    distinctStates: r.result.distinctStates,
    minStates: r.gate.minStates,
    transitions: r.result.transitions,
    depth: r.result.depth,
    seconds: r.result.seconds,
    why: r.gate.why,
    warnings: r.result.warnings,
    properties: r.result.properties.map((p) => {
      const e = Object.hasOwn(r.gate.expect, p.name) ? r.gate.expect[p.name] : undefined;
      return {
        ...propertyJson(p, paths[p.name]),
        ...(e !== undefined ? { expected: describeExpectation(e), met: matches(e, p) } : { met: false }),
      };
    }),
  };
}

async function commandExplore(parsed: ParsedArgs, io: Io): Promise<number> {
  const { positionals, numbers } = parsed;
  const sets = stringsOf(parsed, "set");
  const { model, ref } = await loadModel(positionals[0]!, library);
  const instance = instantiate(model, parseAssignments(model.name, model.params, sets));
  const workers = workerCount(parsed);
  const maxStates = numbers["max-states"];
  const maxDepth = numbers["max-depth"];
  const timeLimitSeconds = numbers["time-limit"];
  const memoryBytes = numbers.memory;
  const onProgress = progressReporter(wantsProgress(flagOf(parsed, "progress")), io);
  const exact = flagOf(parsed, "exact");
  const stopOnViolation = flagOf(parsed, "stop-on-violation");
  const checkpointEverySeconds = numbers["checkpoint-every"];
  const out = stringOf(parsed, "out") ?? "out";
  const traceDirOption = stringOf(parsed, "trace-dir");
  if (traceDirOption !== undefined) {
    io.err(
      `hvcheck: --trace-dir is deprecated: use --out DIR (traces under DIR/traces/${instance.name}/); ` +
        `writing to ${traceDirOption} this time.`,
    );
  }
  const traceDir = traceDirOption ?? `${out}/traces/${instance.name}`;
  const spillDir = stringOf(parsed, "spill-dir") ?? `${out}/spill`;
  const resumeDir = stringOf(parsed, "resume");
  // A resumed run keeps writing checkpoints where it resumed from, unless told otherwise.
  // The default folder is per parameters, so runs of one model with other parameters keep theirs.
  // Liveness properties need the whole graph, which checkpoints do not hold: no default folder then.
  const checkpointDir = stringOf(parsed, "checkpoint") ?? resumeDir ??
    (livenessProperties(instance).length > 0
      ? undefined
      : defaultCheckpointDir(identityOf(instance, exact), `${out}/checkpoints`));
  const resume = resumeDir === undefined
    ? undefined
    : await readCheckpoint(resumeDir, identityOf(instance, exact));
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) return;
    io.err("hvcheck: interrupted; writing a checkpoint at the next segment boundary (Ctrl-C again to abort)");
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
  let result: CheckResult;
  try {
    result = await checkInstanceParallel(instance, ref, workers, {
      exact,
      stopOnViolation,
      memoryBytes: memoryBytes ?? memoryBudget(undefined),
      spillDir,
      ...(checkpointDir !== undefined ? { checkpointDir } : {}),
      ...(checkpointEverySeconds !== undefined ? { checkpointEverySeconds } : {}),
      ...(resume ? { resume } : {}),
      interrupted: () => interrupt.signal.aborted,
      ...(maxStates !== undefined ? { maxStates } : {}),
      ...(maxDepth !== undefined ? { maxDepth } : {}),
      ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
      ...(onProgress ? { onProgress } : {}),
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
  // Every option that can change the result is repeated, and the output folder; --resume is not (a fresh
  // run gives the same answer), nor are the checkpoint and spill folders (the fresh run uses the defaults).
  const options = [
    ...sets.flatMap((s) => ["--set", s]),
    ...(exact ? ["--exact"] : []),
    ...(maxStates !== undefined ? ["--max-states", String(maxStates)] : []),
    ...(maxDepth !== undefined ? ["--max-depth", String(maxDepth)] : []),
    ...(timeLimitSeconds !== undefined ? ["--time-limit", String(timeLimitSeconds)] : []),
    ...(stopOnViolation ? ["--stop-on-violation"] : []),
    ...(memoryBytes !== undefined ? ["--memory", stringOf(parsed, "memory")!] : []),
    ...(stringOf(parsed, "workers") !== undefined ? ["--workers", String(workers)] : []),
    ...(stringOf(parsed, "out") !== undefined ? ["--out", out] : []),
    ...(traceDirOption !== undefined ? ["--trace-dir", traceDirOption] : []),
  ];
  const modelArg = positionals[0]!;
  const modelDir = modelArg.includes("/") ? modelArg.slice(0, modelArg.lastIndexOf("/")) || "/" : ".";
  const reproduce = reproduceLine(["explore", modelArg, ...options], {
    read: [modelDir],
    write: [
      out,
      ...(traceDirOption !== undefined && !traceDirOption.startsWith(`${out}/`) ? [traceDirOption] : []),
    ],
  });
  const print = (paths: Record<string, string>) =>
    io.out(
      flagOf(parsed, "json")
        ? JSON.stringify(resultJson(result, paths, reproduce), null, 2)
        : formatResultText(result, paths, reproduce),
    );
  let paths: Record<string, string>;
  try {
    paths = await replaceTraces(traceDir, result);
  } catch (error) {
    print({}); // the verdict stands even when its traces cannot be written
    throw error;
  }
  print(paths);
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
function propertyJson(p: PropertyResult, tracePath: string | undefined): Record<string, unknown> {
  return {
    name: p.name,
    kind: p.kind,
    status: p.status,
    ...(p.traceLength !== undefined ? { traceLength: p.traceLength } : {}),
    ...(tracePath ? { tracePath } : {}),
  };
}

async function commandReplay(parsed: ParsedArgs, io: Io): Promise<number> {
  const [modelName, path] = parsed.positionals as [string, string];
  const { model } = await loadModel(modelName, library);
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
    ...parseAssignments(model.name, model.params, stringsOf(parsed, "set")),
  };
  const instance = instantiate(model, given);
  const parsedTrace = parseItf(text, instance, path);
  const outcome = replayStates(instance, parsedTrace.states, parsedTrace.actions, parsedTrace.failing);
  // A run that does not show the violation (or witness) its file records is not the evidence it claims.
  const claim: Claim = outcome.ok
    ? checkClaim(parsedTrace.meta, instance, outcome, path)
    : { recorded: false };
  const code = outcome.ok && (!claim.recorded || claim.shown) ? EXIT.ok : EXIT.violated;
  if (flagOf(parsed, "json")) {
    io.out(
      JSON.stringify(
        {
          model: instance.name,
          params: instance.params,
          trace: path,
          ...outcome,
          ...(outcome.ok
            ? {
              claim: claim.recorded
                ? {
                  ...(claim.property !== undefined ? { property: claim.property, kind: claim.kind } : {}),
                  shown: claim.shown,
                  text: claim.text,
                }
                : null,
            }
            : {}),
        },
        null,
        2,
      ),
    );
    return code;
  }
  const params = Object.entries(instance.params).map(([k, v]) => `${k}=${v}`).join(" ");
  if (outcome.ok) {
    io.out(`${path} is a run of model ${instance.name} (${params}) (${outcome.steps} steps).`);
    io.out(
      claim.recorded
        ? claim.text
        : "The file records no property it is a counterexample to or a witness of (#meta.property), nor " +
          "a failing action (#meta.failing): replay checked that it is a run of the model and evaluated " +
          "every property along it.",
    );
  } else {
    io.out(`${path} is not a run of model ${instance.name} (${params}): ${outcome.reason}`);
  }
  if (outcome.properties.length) {
    // State #k is the ITF state whose #meta.index is k (State k+1 in the .txt form).
    io.out(
      `Properties along ${outcome.ok ? "the trace" : `its first ${outcome.step} states`} ` +
        "(state #k is the ITF state of index k; step k leads from state #k-1 to state #k):",
    );
    for (const p of outcome.properties) io.out(`  ${p.name.padEnd(40)} ${p.kind.padEnd(10)} ${alongText(p)}`);
  }
  if (outcome.ok) {
    const failing = outcome.failing;
    io.out(
      formatTraceText(
        {
          model: instance.name,
          params: instance.params,
          initIndex: 0,
          states: parsedTrace.states,
          actions: outcome.actions,
          ...(failing
            ? {
              failing: {
                action: failing.action,
                reason: failing.asserted === undefined
                  ? "its effect completed without failing"
                  : `its effect failed assertion ${failing.asserted}`,
              },
            }
            : {}),
        },
        "Replayed trace.",
      ).replace(/^Error: /, ""),
    );
  }
  return code;
}

/** `violated at state #4`, `violated by step 3`, `witnessed at state #2`, `holds along the trace`. */
function alongText(p: PropertyAlongTrace): string {
  if (p.at === undefined) {
    return p.status === "holds" ? "holds along the trace" : "not witnessed along the trace";
  }
  return p.kind === "transition" || p.kind === "assertion"
    ? `${p.status} by step ${p.at}`
    : `${p.status} at state #${p.at}`;
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

function commandList(parsed: ParsedArgs, io: Io): number {
  const list = [...library.models.values()].map((m) => ({
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
  if (flagOf(parsed, "json")) {
    io.out(JSON.stringify(list, null, 2));
    return EXIT.ok;
  }
  for (const m of list) {
    io.out(`${m.name}: ${m.description}`);
    for (const p of m.params) io.out(`  ${p.name} = ${p.default}  (${p.allowed})  ${p.description}`);
  }
  return EXIT.ok;
}
