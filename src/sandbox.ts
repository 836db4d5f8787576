/**
 * Least privilege for model files. A model file is a program: run in the command line's own process it
 * could do whatever `deno run -A` allows (read a key in /root, write outside out/, start a process,
 * reach the network). So `explore FILE.ts` type-checks the file, then runs the whole command again in
 * a child Deno process that may only read the model's folder and hvcheck's own source, and write (and
 * read) the output folders; it has no network, processes, environment, FFI or system information.
 * The parent relays the child's output and exit code, and is the watchdog: a guard that never returns
 * blocks the child's thread, so only the parent can stop it (at `--time-limit`, or on Ctrl-C).
 *
 * Registered models (hvcheck's own code) run in the process as before, and so does everything when
 * `--trust-model` is given or the process itself may not start processes (it is then already as
 * restricted as its user made it).
 *
 * @module
 */

import { InputError } from "./errors.ts";
import { enableHeartbeat, exitCodeReady, SIGNAL } from "./heartbeat.ts";
import { LOAD_TIMEOUT_SECONDS } from "./load_model.ts";
import { defaultMemoryBudget } from "./memory_budget.ts";
import { canTypeCheck, typeCheck } from "./type_check.ts";

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
  let trust = false, check = true, child = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (name === "--trust-model") trust = true;
    else if (name === "--no-check") check = false;
    else if (name === "--sandboxed") child = true;
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
  return { options: { trust, typeCheck: check, allowRead, allowWrite, child }, rest };
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
  const url = new URL("../", import.meta.url);
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
 * What a model that needed more than it was given is told. `permission` is Deno's description, such as
 * `read access to "/etc/passwd"`.
 */
export function widenAdvice(): string {
  return `A model file runs with least privilege: it may read its own folder and hvcheck's source, and ` +
    `write the output folders; it has no network, processes, environment or FFI. To grant more, run again ` +
    `with --allow-model-read DIR or --allow-model-write DIR, or with --trust-model for full access ` +
    `(only for a model file you trust).`;
}

/** Deno's wording of a refused permission, in an error message. */
const REFUSED = /(?:Requires|needs) (\w+) access to ("[^"]*"|\S+)/;

/**
 * Runs a command that loads a model: the least-privilege hook of `explore`. `here` runs the command
 * in this process on the arguments left once this module's options are taken off; this function
 * either calls it (registered models, `--trust-model`, in the child) or runs the command in a child
 * process and returns that child's exit code.
 */
export async function runModelCommand(
  command: string,
  args: readonly string[],
  here: (rest: string[]) => Promise<number>,
): Promise<number> {
  const { options, rest } = takeModelRunOptions(args);
  if (options.child) {
    enableHeartbeat();
    // Ctrl-C is the parent's to decide (it aborts on the second one): a Ctrl-C before the command has its
    // own handler, or while model code never returns, must not end this process by itself.
    Deno.addSignalListener("SIGINT", () => {});
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
  if (options.typeCheck) {
    if (mayRun) await typeCheckExisting(model);
    else {
      console.error(
        `hvcheck: warning: ${model} was not type-checked: that needs --allow-run (or pass --no-check).`,
      );
    }
  }
  if (options.trust || !mayRun) return await here(rest);
  const grants = grantsFor(model, rest, options);
  const childArgs = [command, "--sandboxed", ...rest];
  // The child has no permission to read the machine's memory: the budget is decided here.
  if (optionValues(rest, "memory").length === 0) {
    childArgs.splice(2, 0, "--memory", String(defaultMemoryBudget()));
  }
  const timeLimit = Number(optionValues(rest, "time-limit").at(-1));
  return await runChild([
    "run",
    "--no-prompt",
    `--allow-read=${grants.read.join(",")}`,
    `--allow-write=${grants.write.join(",")}`,
    `${hvcheckRoot()}/mod.ts`,
    ...childArgs,
  ], Number.isFinite(timeLimit) && timeLimit > 0 ? timeLimit : undefined);
}

async function typeCheckExisting(model: string): Promise<void> {
  try {
    Deno.statSync(model);
  } catch {
    return; // the load reports a missing file, with the usual message
  }
  await typeCheck(model);
}

/** Why the watchdog stopped the child. */
type Stopped = "load" | "time" | "interrupt" | "abort" | undefined;

/**
 * Runs `deno <args>` as the least-privilege child; relays its stderr (without its liveness bytes) and
 * stops it when it shows no sign of life past the time limit or after Ctrl-C.
 */
async function runChild(args: string[], timeLimitSeconds: number | undefined): Promise<number> {
  const started = Date.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
    // Not detached: in this process's group, so whatever kills the group (a terminal's Ctrl-C, a CI
    // runner's timeout) reaches the child too, and no child outlives a killed parent. The child takes a
    // Ctrl-C that arrives twice at once (from the terminal and from here) as one.
  }).spawn();
  let lastSign = Date.now(), sawSign = false;
  let searchDone = false, exitCodeReady = false;
  let interruptedAt: number | undefined;
  let stopped: Stopped;
  let tail = "";
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // it has exited already
    }
  };
  const onInterrupt = () => {
    if (interruptedAt === undefined) {
      interruptedAt = Date.now();
      kill("SIGINT");
    } else {
      stopped ??= "abort";
      kill("SIGKILL");
    }
  };
  const onTerminate = () => kill("SIGTERM");
  Deno.addSignalListener("SIGINT", onInterrupt);
  Deno.addSignalListener("SIGTERM", onTerminate);
  const watchdog = setInterval(() => {
    if (searchDone || stopped) return;
    const now = Date.now();
    const stall = STALL_SECONDS * 1000;
    // The child signs once it has loaded the model: a loop at import blocks the child's own load limit
    // (src/load_model.ts), so it is enforced here too.
    const loading = !sawSign && now > started + (LOAD_TIMEOUT_SECONDS * 1000 + stall);
    const late = timeLimitSeconds !== undefined && now > started + timeLimitSeconds * 1000 &&
      now - lastSign > stall;
    const stuck = interruptedAt !== undefined && now - Math.max(lastSign, interruptedAt) > stall;
    if (loading || late || stuck) {
      stopped = loading ? "load" : late ? "time" : "interrupt";
      kill("SIGKILL");
    }
  }, 250);
  const relay = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      let kept = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte === SIGNAL.heartbeat) {
          lastSign = Date.now();
          sawSign = true;
        } else if (byte === SIGNAL.searchDone) searchDone = true;
        else if (byte === SIGNAL.exitCode) exitCodeReady = true;
        else chunk[kept++] = byte;
      }
      const text = chunk.subarray(0, kept);
      for (let at = 0; at < text.length;) at += Deno.stderr.writeSync(text.subarray(at));
      tail = (tail + decoder.decode(text, { stream: true })).slice(-65536);
    }
  })();
  let status: Deno.CommandStatus;
  try {
    status = await child.status;
    await relay;
  } finally {
    clearInterval(watchdog);
    Deno.removeSignalListener("SIGINT", onInterrupt);
    Deno.removeSignalListener("SIGTERM", onTerminate);
  }
  const refused = REFUSED.exec(tail);
  if (refused && !tail.includes("--allow-model-")) console.error(`hvcheck: ${widenAdvice()}`);
  if (stopped === "load") {
    console.error(
      `hvcheck: the model file did not finish loading within ${LOAD_TIMEOUT_SECONDS + STALL_SECONDS} s: ` +
        `its top level (or a module it imports) runs a loop that never ends, or awaits something that ` +
        `never comes. It was stopped.`,
    );
    return 2;
  }
  if (stopped === "time") {
    console.error(
      `hvcheck: the search did not stop within ${STALL_SECONDS} s of its time limit of ${timeLimitSeconds} s: ` +
        `a guard, an effect or a property did not return (a loop that never ends?). It was stopped; ` +
        `the run is incomplete and no checkpoint was written.`,
    );
    return 3;
  }
  if (stopped === "interrupt" || stopped === "abort") {
    console.error(
      stopped === "abort"
        ? `hvcheck: aborted by a second Ctrl-C; the run is incomplete and no checkpoint was written.`
        : `hvcheck: the search did not reach a point where it can stop within ${STALL_SECONDS} s of Ctrl-C: ` +
          `a guard, an effect or a property did not return (a loop that never ends?). It was stopped; ` +
          `the run is incomplete and no checkpoint was written.`,
    );
    return 3;
  }
  if (exitCodeReady) return refused && status.code === 4 ? 2 : status.code;
  if (status.signal !== null) {
    console.error(
      `hvcheck: the search's process was killed by ${status.signal}` +
        (status.signal === "SIGKILL" ? " (by the system, out of memory?)" : "") +
        `; the run is incomplete. A smaller --memory budget makes it stop with a checkpoint instead.`,
    );
    return 3;
  }
  if (refused) return 2;
  console.error(
    `hvcheck: internal error: the search's process ended with code ${status.code} without a result.`,
  );
  return 4;
}
