/**
 * What a command is to the command line's driver (src/cli/cli.ts): a stage that computes and hands back
 * data, never printing or writing results itself. It yields, in order, the text to print and the trace
 * folders to write, and returns its exit code; the driver prints, writes and reports errors.
 *
 * A command yields as it goes, so `check` shows each gate's row once that gate has run. A trace folder is
 * the one output whose outcome the command reads back: the paths written are the value of its `yield`
 * (they go into the explore summary and the --json output), and a failed write is thrown at the `yield`,
 * so the command can still print its verdict before the error ends the run.
 *
 * @module
 */

import type { TracePaths } from "../check/trace_files.ts";
import type { CheckResult } from "../check/check.ts";
import type { Library } from "../check/library.ts";
import type { Progress } from "../search/search.ts";

/** The exit codes of the command line. */
export const EXIT = { ok: 0, violated: 1, input: 2, incomplete: 3, internal: 4 } as const;

/** One of the exit codes. */
export type ExitCode = typeof EXIT[keyof typeof EXIT];

/** The trace file written for each property, by property name. */
export type { TracePaths };

/** One thing a command hands the driver. */
export type Output =
  /** Text for stdout (one or more lines). */
  | { readonly kind: "out"; readonly text: string }
  /** A note for stderr (one or more lines). */
  | { readonly kind: "err"; readonly text: string }
  /** A report file, written whole or not at all. */
  | { readonly kind: "file"; readonly path: string; readonly text: string }
  /** A run's traces, written to `dir` in place of those an earlier run of the same model left there. */
  | {
    readonly kind: "traces";
    readonly dir: string;
    readonly result: Pick<CheckResult, "model" | "properties">;
  };

/** A command as it runs: its outputs in order, each `traces` answered with the paths written; then its code. */
export type CommandRun = AsyncGenerator<Output, ExitCode, TracePaths>;

/** Text for stdout. */
export function out(text: string): Output {
  return { kind: "out", text };
}

/** A note for stderr. */
export function err(text: string): Output {
  return { kind: "err", text };
}

/** A report file to write. */
export function file(path: string, text: string): Output {
  return { kind: "file", path, text };
}

/** A trace folder to write. */
export function traces(dir: string, result: Pick<CheckResult, "model" | "properties">): Output {
  return { kind: "traces", dir, result };
}

/** What a command is given besides its arguments. */
export interface CommandContext {
  /** The registered models and gates the command line serves. */
  readonly library: Library;
  /** Shows the progress line, when one is asked for (`--progress`, or stderr a terminal). */
  readonly onProgress?: (progress: Progress) => void;
  /** Says something on stderr at once, outside the run's order (as when Ctrl-C is taken). */
  readonly notice: (text: string) => void;
}
