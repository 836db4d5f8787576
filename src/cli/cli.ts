/**
 * The command line: finds the command in the table (src/cli/cli_options.ts), parses its arguments, runs
 * it (a model file in a least-privilege child, src/cli/sandbox.ts), carries out what it hands back
 * (src/cli/perform.ts), and turns errors into messages and exit codes. Commands: check, explore, replay,
 * list.
 *
 * Exit codes: 0 every property holds (every gate met), 1 a property is violated (a gate missed), 2 bad
 * usage, model or input, 3 incomplete (a limit was hit), 4 an internal error.
 *
 * @module
 */

import type { Library } from "../check/library.ts";
import { InputError } from "../errors.ts";
import { closest } from "../state/names.ts";
import { fileProblem } from "../store/file_errors.ts";
import { leastPrivilegeRefusal, parseRefusal } from "../load/permission_error.ts";
import { type CommandContext, EXIT } from "./command.ts";
import type { CommandSpec } from "./command_spec.ts";
import { commandNamed, commands, commandUsage, parseCommandArgs, usage } from "./cli_options.ts";
import { type Io, stdio } from "./io.ts";
import { runLine } from "./launcher.ts";
import { perform } from "./perform.ts";
import { formatProgress } from "./report.ts";
import { modelArgument, optionValues, runModelCommand } from "./sandbox.ts";

/**
 * Runs the command line `args` for `served` (its registered models and gates), writing to `io`;
 * returns the exit code.
 */
export async function main(args: readonly string[], served: Library, io: Io = stdio): Promise<number> {
  const debug = args.includes("--debug");
  try {
    return await dispatch(args, served, io);
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

async function dispatch(args: readonly string[], library: Library, io: Io): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] !== undefined ? commandNamed(rest[0]) : undefined;
    io.out(topic ? commandUsage(topic) : usage());
    return name === undefined ? EXIT.input : EXIT.ok;
  }
  const spec = commandNamed(name);
  if (!spec) {
    const guess = closest(name, commands.map((c) => c.name));
    throw new InputError(
      `Unknown command "${name}".${guess ? ` Did you mean ${guess}?` : ""} Commands: ${
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
  const run = (here: readonly string[]) => runCommand(spec, here, library, io);
  // A model file runs in a least-privilege child process (src/cli/sandbox.ts), or here.
  return spec.loadsModelFile ? await runModelCommand(spec.name, rest, run, io) : await run(rest);
}

/** Parses `args` for `spec` and runs it here, printing to `io`. */
async function runCommand(
  spec: CommandSpec,
  args: readonly string[],
  library: Library,
  io: Io,
): Promise<number> {
  const parsed = parseCommandArgs(spec, args);
  const context: CommandContext = {
    library,
    notice: (text) => io.err(text),
    ...(parsed.options.progress ? { onProgress: (p) => io.err(formatProgress(p)) } : {}),
  };
  return await perform(spec.run(parsed, context), io);
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
      const out = optionValues(args, "out")[0];
      const widen = out && path.startsWith(out.replace(/\/+$/, "")) ? out : path;
      const flag = kind === "read" || kind === "write" ? `--allow-${kind}=${widen}` : `--allow-${kind}`;
      const file = kind === "read" || kind === "write";
      const read = file ? `.,${widen}` : ".";
      const write = kind === "write" ? `out,${widen}` : "out";
      return `This run may not ${
        file ? kind : `use ${kind} for`
      } ${path}: Deno's permissions for it do not ` +
        `cover that (deno task check reads only . and writes only under out/). Choose a folder under out/, ` +
        `or add ${flag} to deno's flags, as in: ${
          runLine([`--allow-read=${read}`, `--allow-write=${write}`], args)
        }`;
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      return `The operating system denied access: ${message}. Choose another folder (--out DIR) or change ` +
        `the folder's permissions.`;
    }
    e = (e as Error)?.cause;
  }
  return undefined;
}
