/**
 * Least privilege for model files. A model file is a program: run in the command line's own process it
 * could do whatever `deno run -A` allows (read a key in /root, write outside out/, start a process,
 * reach the network). So `explore FILE.ts` type-checks the file, then runs the whole command again in
 * a child Deno process that may only read the model's folder and hvcheck's own source, and write (and
 * read) the output folders; it has no network, processes, environment, FFI or system information.
 * The parent relays the child's output (to the caller's Io) and exit code, and is the watchdog: a guard
 * that never returns blocks the child's thread, so only the parent can stop it (at `--time-limit`, or on
 * Ctrl-C). Its limits count from when the child starts running the model file, so neither the type check
 * nor Deno's start-up of the child uses up a time limit. Once it has stopped a search that hung, it names
 * the function that did not return (src/cli/hang_finder.ts).
 *
 * Registered models (hvcheck's own code) run in the process as before, and so does everything when
 * `--trust-model` is given or the process itself may not start processes (it is then already as
 * restricted as its user made it).
 *
 * @module
 */

import type { Io } from "./cli.ts";
import { InputError } from "../errors.ts";
import { enableHeartbeat, exitCodeReady, SIGNAL, started } from "../search/heartbeat.ts";
import { LOAD_TIMEOUT_SECONDS } from "../load/load_model.ts";
import { hangReported, reportHang, SEARCH_SECONDS } from "./hang_finder.ts";
import { defaultMemoryBudget } from "../store/memory_budget.ts";
import { type Refusal, reportedRefusal } from "../load/permission_error.ts";
import { shellQuote } from "./report.ts";
import { canTypeCheck, typeCheck, TypeCheckInterrupted } from "../load/type_check.ts";

/** How a model file is run, from the options this module takes off the command line. */
export interface ModelRunOptions {
  /** Run the model in this process with this process's permissions (`--trust-model`). */
  readonly trust: boolean;
  /** Type-check the model file first (unless `--no-check`). */
  readonly typeCheck: boolean;
  /** Extra folders the model may read (`--allow-model-read`) and write (`--allow-model-write`). */
  readonly allowRead: readonly string[];
  readonly allowWrite: readonly string[];
  /** This process is the least-privilege child (internal: `--sandboxed`). */
  readonly child: boolean;
  /** The child names the model function that does not return (internal: `--find-hang`). */
  readonly findHang: boolean;
}

/** Options of this module, taken off the command line before the command parses the rest. */
export const MODEL_RUN_USAGE =
  `      --trust-model      run a model file with hvcheck's own permissions (default: it may only read
                         its own folder and write the output folders; no network or processes)
      --allow-model-read DIR, --allow-model-write DIR   let a model file read (write) DIR too
      --no-check         do not type-check a model file before running it`;

/** How long the watchdog waits for a sign of life once the search should stop. */
export const STALL_SECONDS = 5;

/** The options of `explore` that take a value (to tell values from the model's name). */
const VALUE_OPTIONS = new Set([
  "set",
  "max-states",
  "max-depth",
  "time-limit",
  "trace-dir",
  "workers",
  "memory",
  "checkpoint",
  "checkpoint-every",
  "resume",
  "spill-dir",
  "out",
]);

/** The options naming folders the run writes (and reads: stale traces, checkpoints). */
const OUTPUT_OPTIONS = ["out", "trace-dir", "checkpoint", "resume", "spill-dir"];

/** The default output folder, relative to the working directory. */
const DEFAULT_OUT = "out";

/** Takes this module's options off `args`; returns them and the rest, in order. */
export function takeModelRunOptions(args: readonly string[]): { options: ModelRunOptions; rest: string[] } {
  const rest: string[] = [];
  const allowRead: string[] = [], allowWrite: string[] = [];
  let trust = false, check = true, child = false, findHang = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (name === "--trust-model") trust = true;
    else if (name === "--no-check") check = false;
    else if (name === "--sandboxed") child = true;
    else if (name === "--find-hang") findHang = true;
    else if (name === "--allow-model-read" || name === "--allow-model-write") {
      const value = inline ?? args[++i];
      if (value === undefined || value === "") throw new InputError(`${name} expects a path.`);
      (name === "--allow-model-read" ? allowRead : allowWrite).push(...value.split(","));
    } else {
      rest.push(arg);
      if (arg === "--") {
        rest.push(...args.slice(i + 1));
        break;
      }
    }
  }
  return { options: { trust, typeCheck: check, allowRead, allowWrite, child, findHang }, rest };
}

/** The values of option `--name` in `args` (`--name V` and `--name=V`). */
export function optionValues(args: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    if (arg === `--${name}` && i + 1 < args.length) values.push(args[++i]!);
    else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
    else if (arg.startsWith("--") && !arg.includes("=") && VALUE_OPTIONS.has(arg.slice(2))) i++;
  }
  return values;
}

/** The first positional argument (the model), skipping option values. */
export function modelArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return args[i + 1];
    if (!arg.startsWith("-")) return arg;
    if (arg.startsWith("--") && !arg.includes("=") && VALUE_OPTIONS.has(arg.slice(2))) i++;
  }
  return undefined;
}

/** Whether `name` is a model file rather than a registered model. */
export function isModelFile(name: string): boolean {
  return /\.(ts|js|mjs|mts)$/.test(name);
}

/** hvcheck's own folder (the one with mod.ts), when it is on the local file system. */
function hvcheckRoot(): string | undefined {
  const url = new URL("../../", import.meta.url);
  return url.protocol === "file:" ? decodeURIComponent(url.pathname).replace(/\/$/, "") : undefined;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : ".";
}

/** What a least-privilege run of `model` may read and write, given the command's arguments. */
export function grantsFor(
  model: string,
  rest: readonly string[],
  options: ModelRunOptions,
): { read: string[]; write: string[] } {
  const modelFolders = [folderOf(model)];
  try {
    modelFolders.push(folderOf(Deno.realPathSync(model)));
  } catch {
    // a missing file is reported by the child, with the usual message
  }
  const write = [
    DEFAULT_OUT,
    ...OUTPUT_OPTIONS.flatMap((name) => optionValues(rest, name)),
    ...options.allowWrite,
  ];
  const root = hvcheckRoot();
  const read = [...modelFolders, ...(root ? [root] : []), ...write, ...options.allowRead];
  for (const path of [...read, ...write]) {
    if (path.includes(",")) {
      throw new InputError(
        `The path "${path}" contains a comma, which Deno's permission flags cannot express; ` +
          `rename it, or run with --trust-model.`,
      );
    }
  }
  return { read: [...new Set(read)], write: [...new Set(write)] };
}

/**
 * How a model that needed more than it was given is told to grant it: the flag that grants exactly
 * what was refused, when there is one (reads and writes), else --trust-model.
 */
export function widenAdvice(refusal?: Refusal): string {
  const rule =
    `A model file runs with least privilege: it may read its own folder and hvcheck's source, and ` +
    `write the output folders; it has no network, processes, environment, system information or FFI.`;
  const trust = `--trust-model for hvcheck's own permissions (only for a model file you trust)`;
  // A path with a comma cannot be granted by Deno's flags (grantsFor refuses it).
  if (refusal && (refusal.kind === "read" || refusal.kind === "write") && !refusal.target.includes(",")) {
    return `${rule} To grant it, run again with --allow-model-${refusal.kind} ${
      shellQuote(refusal.target)
    } (a file or a folder; repeatable), or with ${trust}.`;
  }
  return `${rule} To grant it, run again with ${trust}; --allow-model-read DIR and --allow-model-write DIR ` +
    `grant more folders.`;
}

/** Exit code of a run stopped before it searched anything, or cut short (as in src/cli/cli.ts). */
const INCOMPLETE = 3;
const INPUT = 2;

/**
 * Runs a command that loads a model: the least-privilege hook of `explore`. `here` runs the command
 * in this process on the arguments left once this module's options are taken off; this function
 * either calls it (registered models, `--trust-model`, in the child) or runs the command in a child
 * process and returns that child's exit code. What the child prints goes to `io`, line by line.
 *
 * Ctrl-C before the search starts (during the type check, or while the child loads the model file) stops
 * the run at once with exit 3, as a Ctrl-C during the search does: nothing was searched, so there is
 * nothing to save, and the run is incomplete.
 */
export async function runModelCommand(
  command: string,
  args: readonly string[],
  here: (rest: string[]) => Promise<number>,
  io: Io,
): Promise<number> {
  const { options, rest } = takeModelRunOptions(args);
  if (options.child && options.findHang) {
    return await reportHang(modelArgument(rest) ?? "", optionValues(rest, "set"), io);
  }
  if (options.child) {
    enableHeartbeat();
    // Ctrl-C is the parent's to decide (it aborts on the second one): a Ctrl-C before the command has its
    // own handler, or while model code never returns, must not end this process by itself.
    Deno.addSignalListener("SIGINT", () => {});
    started();
    try {
      return await here(rest);
    } finally {
      // A throw here is reported by the command line with its own exit code: that one is believed too.
      exitCodeReady();
    }
  }
  const model = modelArgument(rest);
  if (model === undefined || !isModelFile(model) || rest.includes("--help")) return await here(rest);
  const mayRun = canTypeCheck();
  const sandboxed = !options.trust && mayRun;
  const checking = options.typeCheck && mayRun;
  if (options.typeCheck && !mayRun) {
    io.err(`hvcheck: warning: ${model} was not type-checked: that needs --allow-run (or pass --no-check).`);
  }
  if (!checking && !sandboxed) return await here(rest);
  // One listener from the type check to the child's end: with none, even for a moment, Deno's default
  // would end this process (exit 130) and leave the type check or the child running.
  let onInterrupt = () => {};
  const listener = () => onInterrupt();
  Deno.addSignalListener("SIGINT", listener);
  let listening = true;
  const stopListening = () => {
    if (listening) Deno.removeSignalListener("SIGINT", listener);
    listening = false;
  };
  try {
    if (checking) {
      const stop = new AbortController();
      onInterrupt = () => stop.abort();
      try {
        await typeCheckExisting(model, stop.signal);
      } catch (error) {
        if (!(error instanceof TypeCheckInterrupted)) throw error;
        io.err(
          `hvcheck: interrupted while type-checking ${model}; nothing was searched (the run is incomplete).`,
        );
        return INCOMPLETE;
      }
      onInterrupt = () => {};
    }
    if (!sandboxed) {
      // The command installs its own Ctrl-C handler; a second Ctrl-C then ends the process, as it should.
      stopListening();
      return await here(rest);
    }
    const grants = grantsFor(model, rest, options);
    const childArgs = [command, "--sandboxed", ...rest];
    // The child has no permission to read the machine's memory: the budget is decided here.
    if (optionValues(rest, "memory").length === 0) {
      childArgs.splice(2, 0, "--memory", String(defaultMemoryBudget()));
    }
    const timeLimit = Number(optionValues(rest, "time-limit").at(-1));
    const deno = [
      "run",
      "--no-prompt",
      `--allow-read=${grants.read.join(",")}`,
      `--allow-write=${grants.write.join(",")}`,
      `${hvcheckRoot()}/mod.ts`,
    ];
    const setInterrupt = (handler: () => void) => onInterrupt = handler;
    return await runChild([...deno, ...childArgs], {
      model,
      io,
      ...(Number.isFinite(timeLimit) && timeLimit > 0 ? { timeLimitSeconds: timeLimit } : {}),
      onInterrupt: setInterrupt,
      findHang: () =>
        findHangInChild([...deno, command, "--sandboxed", "--find-hang", ...rest], setInterrupt),
    });
  } finally {
    stopListening();
  }
}

async function typeCheckExisting(model: string, signal: AbortSignal): Promise<void> {
  try {
    Deno.statSync(model);
  } catch {
    return; // the load reports a missing file, with the usual message
  }
  await typeCheck(model, { signal });
}

/**
 * Runs `deno <args>`, a `--find-hang` child with the grants of the child that hung, and returns what it
 * found (src/cli/hang_finder.ts). It is stopped at Ctrl-C, or when it takes longer than it may.
 */
async function findHangInChild(
  args: string[],
  onInterrupt: (handler: () => void) => void,
): Promise<string | undefined> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const stop = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // it has ended
    }
  };
  onInterrupt(stop);
  const timer = setTimeout(stop, (LOAD_TIMEOUT_SECONDS + SEARCH_SECONDS + STALL_SECONDS) * 1000);
  try {
    const { stdout } = await child.output();
    return hangReported(new TextDecoder().decode(stdout));
  } finally {
    clearTimeout(timer);
    onInterrupt(() => {});
  }
}

/** Why the watchdog stopped the child. */
type Stopped =
  | "load" // the model file's top level did not return within the load limit
  | "load-time" // ... nor within the time limit
  | "time" // the search did not stop after its time limit
  | "interrupt-load" // Ctrl-C while the model file was loading
  | "interrupt" // the search did not stop after Ctrl-C
  | "abort" // a second Ctrl-C
  | undefined;

interface ChildRun {
  /** The model file, as the user named it (for messages). */
  readonly model: string;
  readonly io: Io;
  readonly timeLimitSeconds?: number;
  /** Registers what Ctrl-C does while the child runs. */
  readonly onInterrupt: (handler: () => void) => void;
  /** Names the model function that did not return, once the watchdog has stopped a search. */
  readonly findHang: () => Promise<string | undefined>;
}

/** Splits a stream of text into lines for `emit`; `end` passes on a last line without a newline. */
function lineSplitter(emit: (line: string) => void): { push(bytes: Uint8Array): void; end(): void } {
  const decoder = new TextDecoder();
  let pending = "";
  return {
    push(bytes) {
      pending += decoder.decode(bytes, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) emit(line);
    },
    end() {
      pending += decoder.decode();
      if (pending !== "") emit(pending);
      pending = "";
    },
  };
}

/**
 * Runs `deno <args>` as the least-privilege child; relays its output to the caller's Io (stderr without
 * its control bytes), and stops it when it shows no sign of life past the time limit or after Ctrl-C.
 * The limits count from the child's first sign (it is about to load the model), so neither the type
 * check nor Deno's start-up of the child is charged to the model.
 */
async function runChild(args: string[], run: ChildRun): Promise<number> {
  const { model, io, timeLimitSeconds } = run;
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // Not detached: in this process's group, so whatever kills the group (a terminal's Ctrl-C, a CI
    // runner's timeout) reaches the child too, and no child outlives a killed parent. The child takes a
    // Ctrl-C that arrives twice at once (from the terminal and from here) as one.
  }).spawn();
  let lastSign = Date.now();
  let startedAt: number | undefined, loaded = false;
  let searchDone = false, exitCodeReady = false;
  let interruptedAt: number | undefined, lastResent = 0;
  let stopped: Stopped;
  let tail = "";
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // it has exited already
    }
  };
  run.onInterrupt(() => {
    if (interruptedAt !== undefined) {
      stopped ??= "abort";
      kill("SIGKILL");
    } else if (!loaded) {
      // Nothing was searched and there is nothing to save: stop now (a loop at import would not let
      // the child take Ctrl-C at all).
      interruptedAt = Date.now();
      stopped ??= "interrupt-load";
      kill("SIGKILL");
    } else {
      interruptedAt = lastResent = Date.now();
      kill("SIGINT");
    }
  });
  const onTerminate = () => kill("SIGTERM");
  Deno.addSignalListener("SIGTERM", onTerminate);
  const watchdog = setInterval(() => {
    if (searchDone || stopped) return;
    const now = Date.now();
    const stall = STALL_SECONDS * 1000;
    // A Ctrl-C that reached the child after its model loaded but before the command took Ctrl-C itself
    // was ignored there: it is sent again until the child stops (the command takes repeats as one).
    if (interruptedAt !== undefined && now - lastResent >= 1000) {
      lastResent = now;
      kill("SIGINT");
    }
    // The child signs once it has loaded the model: a loop at import blocks the child's own load limit
    // (src/load/load_model.ts), so it is enforced here too.
    const loading = startedAt !== undefined && !loaded &&
      now > startedAt + LOAD_TIMEOUT_SECONDS * 1000 + stall;
    const late = timeLimitSeconds !== undefined && startedAt !== undefined &&
      now > startedAt + timeLimitSeconds * 1000 && now - lastSign > stall;
    const stuck = interruptedAt !== undefined && now - Math.max(lastSign, interruptedAt) > stall;
    if (loading || late || stuck) {
      stopped = loading ? "load" : late ? (loaded ? "time" : "load-time") : "interrupt";
      kill("SIGKILL");
    }
  }, 250);
  const outLines = lineSplitter((line) => io.out(line));
  const errLines = lineSplitter((line) => io.err(line));
  const relayOut = (async () => {
    for await (const chunk of child.stdout) outLines.push(chunk);
    outLines.end();
  })();
  const relayErr = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      let kept = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte === SIGNAL.heartbeat) {
          lastSign = Date.now();
          loaded = true;
        } else if (byte === SIGNAL.started) startedAt = lastSign = Date.now();
        else if (byte === SIGNAL.searchDone) searchDone = true;
        else if (byte === SIGNAL.exitCode) exitCodeReady = true;
        else chunk[kept++] = byte;
      }
      const text = chunk.subarray(0, kept);
      errLines.push(text);
      tail = (tail + decoder.decode(text, { stream: true })).slice(-65536);
    }
    errLines.end();
  })();
  let status: Deno.CommandStatus;
  try {
    status = await child.status;
    await Promise.all([relayOut, relayErr]);
  } finally {
    clearInterval(watchdog);
    run.onInterrupt(() => {});
    Deno.removeSignalListener("SIGTERM", onTerminate);
  }
  // A search that hung: the watchdog could not see what hung, a second run can (src/cli/hang_finder.ts).
  const hung = stopped === "time" || stopped === "interrupt" ? await run.findHang() : undefined;
  const culprit = hung === undefined
    ? "a guard, an effect or a property did not return"
    : `${hung} did not return`;
  const refused = reportedRefusal(tail);
  if (refused && !tail.includes("--allow-model-")) io.err(`hvcheck: ${widenAdvice(refused)}`);
  const incomplete = "the run is incomplete and no checkpoint was written";
  switch (stopped) {
    case "load":
      io.err(
        `hvcheck: model file ${model} did not finish loading within ${
          LOAD_TIMEOUT_SECONDS + STALL_SECONDS
        } s: ` +
          `its top level (or a module it imports) runs a loop that never ends, or awaits something that ` +
          `never comes. It was stopped.`,
      );
      return INPUT;
    case "load-time":
      io.err(
        `hvcheck: model file ${model} was still loading ${STALL_SECONDS} s past the time limit of ` +
          `${timeLimitSeconds} s: its top level (or a module it imports) did not return (a loop that never ` +
          `ends?). It was stopped; nothing was searched, and the run is incomplete.`,
      );
      return INCOMPLETE;
    case "time":
      io.err(
        `hvcheck: the search of model file ${model} did not stop within ${STALL_SECONDS} s of its time limit ` +
          `of ${timeLimitSeconds} s: ${culprit} (a loop that never ends?). It was stopped; ${incomplete}.`,
      );
      return INCOMPLETE;
    case "interrupt-load":
      io.err(
        `hvcheck: interrupted while model file ${model} was loading; nothing was searched (the run is ` +
          `incomplete).`,
      );
      return INCOMPLETE;
    case "interrupt":
      io.err(
        `hvcheck: the search of model file ${model} did not reach a point where it can stop within ` +
          `${STALL_SECONDS} s of Ctrl-C: ${culprit} (a loop that never ends?). It was stopped; ${incomplete}.`,
      );
      return INCOMPLETE;
    case "abort":
      io.err(`hvcheck: aborted by a second Ctrl-C; ${incomplete}.`);
      return INCOMPLETE;
  }
  if (exitCodeReady) return refused && status.code === 4 ? INPUT : status.code;
  if (status.signal !== null) {
    io.err(
      `hvcheck: the search's process was killed by ${status.signal}` +
        (status.signal === "SIGKILL" ? " (by the system, out of memory?)" : "") +
        `; the run is incomplete. A smaller --memory budget makes it stop with a checkpoint instead.`,
    );
    return INCOMPLETE;
  }
  if (refused) return INPUT;
  io.err(
    `hvcheck: internal error: the search's process ended with code ${status.code} without a result.`,
  );
  return 4;
}
