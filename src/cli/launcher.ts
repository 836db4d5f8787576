/**
 * The command line that runs hvcheck, as the usage, the Reproduce line of a run and the advice on a
 * permission problem print it: Deno from npm (a machine set up as README says has no deno on PATH),
 * Deno's permission flags, then the program, main.ts, and its arguments.
 *
 * @module
 */

/** How a machine set up by README starts Deno. */
export const DENO = "npx -y deno@2.9.6";

/** The program: the command line over the model library. */
export const PROGRAM = "main.ts";

/** A word as a POSIX shell reads it back: quoted only when it needs to be. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that runs hvcheck with Deno's flags `flags` on `args`.
 *
 * @example
 * ```ts
 * import { runLine } from "./launcher.ts";
 * console.assert(runLine(["--allow-read=."], ["list"]) === "npx -y deno@2.9.6 run --allow-read=. main.ts list");
 * ```
 */
export function runLine(flags: readonly string[], args: readonly string[]): string {
  return [`${DENO} run`, ...[...flags, PROGRAM, ...args].map(shellQuote)].join(" ");
}

/** How the usage says to run hvcheck: reading the working folder and writing out/, as `deno task check`. */
export const launcher: string = runLine(["--allow-read=.", "--allow-write=out"], []);

/** Whether `path` (relative to the working folder) lies outside it. */
function outsideCwd(path: string): boolean {
  return path.startsWith("/") || path === ".." || path.startsWith("../");
}

/** The folders a reproduced run reads and writes, besides the working folder. */
export interface RunPermissions {
  /** Folders read outside the working folder (a model file elsewhere, an --out elsewhere). */
  readonly read: readonly string[];
  /** Folders written. */
  readonly write: readonly string[];
}

/**
 * The command that runs `args` again on a machine set up as README says, with the least permissions the
 * run needs: reads of the working folder (and of `read`), writes of `write`, and the system memory
 * figure for the default memory budget.
 *
 * @example
 * ```ts
 * import { reproduceLine } from "./launcher.ts";
 * const line = reproduceLine(["explore", "page_ownership", "--set", "pages=2"], { read: [], write: ["out"] });
 * console.assert(line === "npx -y deno@2.9.6 run --allow-read=. --allow-write=out " +
 *   "--allow-sys=systemMemoryInfo main.ts explore page_ownership --set pages=2");
 * ```
 */
export function reproduceLine(args: readonly string[], permissions: RunPermissions): string {
  const unique = (paths: readonly string[]) => [...new Set(paths.map((p) => p.replace(/(.)\/+$/, "$1")))];
  const read = unique([".", ...permissions.read.filter(outsideCwd), ...permissions.write.filter(outsideCwd)]);
  const write = unique(permissions.write);
  return runLine([
    `--allow-read=${read.join(",")}`,
    ...(write.length ? [`--allow-write=${write.join(",")}`] : []),
    "--allow-sys=systemMemoryInfo",
  ], args);
}
