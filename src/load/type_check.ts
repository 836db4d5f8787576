/**
 * Type-checking a model file before it runs, as `deno check` does: `deno run` only strips the types,
 * so a model that misspells a state variable or passes a string where a number belongs would otherwise
 * run, and say "holds" about something other than what was written.
 *
 * The compiler's report is retold one line per error (`m.ts:3:7: TS2322 Type 'string' is not
 * assignable to type 'number'.`): its own form prints each location as `    at file:///...`, which reads
 * as a stack trace, and with the source lines and their underlines a few errors fill a screen.
 *
 * @module
 */

import { InputError } from "../errors.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** How many errors a message shows; `deno check FILE` lists them all. */
export const ERRORS_SHOWN = 5;

/** Whether this process may start `deno check` (it needs --allow-run). */
export function canTypeCheck(): boolean {
  return Deno.permissions.querySync({ name: "run", command: Deno.execPath() }).state === "granted";
}

/** Ctrl-C during the type check: the check was stopped, and nothing else ran. */
export class TypeCheckInterrupted extends Error {
  constructor(readonly path: string) {
    super(`interrupted while type-checking ${path}`);
    this.name = "TypeCheckInterrupted";
  }
}

/** One error the compiler reported. */
export interface Diagnostic {
  /** The file it is in (a path), when the compiler says. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The error on one line: its code and message, with the most specific reason of a chain. */
  readonly text: string;
}

/** A location as deno prints it: `    at file:///path/m.ts:3:7`. */
const AT = /^\s+at (file:\/\/\S+?):(\d+):(\d+)\s*$/;
/** A code frame: the underline below a source line, or a line of a `  |` frame. */
const UNDERLINE = /^\s*[~^]+\s*$/;
const FRAME = /^\s*\d*\s*\|/;

/** The errors in `deno check`'s output, in the order it printed them. */
export function parseDiagnostics(output: string): Diagnostic[] {
  const text = output.replace(ANSI, "").replace(/\n*Stack backtrace:[\s\S]*$/, "");
  const diagnostics: Diagnostic[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    const head = lines[0];
    // An indented block is related information ("'x' is declared here") of the error before it.
    if (head === undefined || /^\s/.test(head)) continue;
    if (/^Found \d+ errors?\.$|^error: Type checking failed\.?$/.test(head.trim())) continue;
    const underline = lines.findIndex((l) => UNDERLINE.test(l));
    const frame = lines.findIndex((l, i) => i > 0 && (FRAME.test(l) || AT.test(l)));
    const sourceStart = Math.min(
      underline > 0 ? underline - 1 : lines.length,
      frame > 0 ? frame : lines.length,
    );
    const chain = lines.slice(1, sourceStart).map((l) => l.trim()).filter((l) => l !== "");
    const message = head.replace(/^error: /, "").replace(/^(TS\d+) \[ERROR\]:/, "$1");
    const at = lines.map((l) => AT.exec(l)).find((m) => m !== null);
    diagnostics.push({
      ...(at ? { file: fileOf(at[1]!), line: Number(at[2]), column: Number(at[3]) } : {}),
      text: chain.length ? `${message} ${chain.at(-1)}` : message,
    });
  }
  return diagnostics;
}

function fileOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

/** `path` as the user would name it: relative to the working directory when it is under it. */
function shown(path: string, given: ReadonlyMap<string, string>): string {
  const named = given.get(path);
  if (named !== undefined) return named;
  const cwd = Deno.cwd().replace(/\/$/, "");
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

/** The errors as lines of a message, at most ERRORS_SHOWN of them. */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  given: ReadonlyMap<string, string> = new Map(),
): string[] {
  const lines = diagnostics.slice(0, ERRORS_SHOWN).map((d) =>
    d.file === undefined ? d.text : `${shown(d.file, given)}:${d.line}:${d.column}: ${d.text}`
  );
  if (diagnostics.length > ERRORS_SHOWN) {
    lines.push(`(and ${diagnostics.length - ERRORS_SHOWN} more)`);
  }
  return lines;
}

/** Runs `deno check` on `paths`; returns its exit status and output. Abort `signal` to stop it. */
async function denoCheck(
  paths: readonly string[],
  options: { readonly cwd?: string; readonly signal?: AbortSignal } = {},
): Promise<{ success: boolean; output: string; aborted: boolean }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", ...paths],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
  }).spawn();
  const stop = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // it has ended
    }
  };
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    if (options.signal?.aborted) stop();
    const { success, stdout, stderr } = await child.output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { success, output: decode(stderr) + decode(stdout), aborted: options.signal?.aborted === true };
  } finally {
    options.signal?.removeEventListener("abort", stop);
  }
}

/**
 * Runs `deno check` on `path`; throws an InputError naming each error (at most ERRORS_SHOWN) when it
 * fails, and TypeCheckInterrupted when `signal` is aborted first (Ctrl-C: the check is killed). The
 * check uses the configuration (deno.json) Deno finds from the working directory, as `deno run` does.
 */
export async function typeCheck(
  path: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  const { success, output, aborted } = await denoCheck([path], options);
  if (aborted) throw new TypeCheckInterrupted(path);
  if (success) return;
  let real = path;
  try {
    real = Deno.realPathSync(path);
  } catch {
    // shown as the compiler names it
  }
  const diagnostics = parseDiagnostics(output);
  const report = diagnostics.length
    ? formatDiagnostics(diagnostics, new Map([[real, path]]))
    : [output.replace(ANSI, "").replace(/\n*Stack backtrace:[\s\S]*$/, "").trim()];
  const count = diagnostics.length === 1 ? "1 error" : `${diagnostics.length} errors`;
  throw new InputError(
    `Model file ${path} does not type-check${diagnostics.length ? ` (${count})` : ""}: fix ${
      diagnostics.length === 1 ? "it" : "them"
    }, or run with --no-check to skip the check.\n${report.join("\n")}`,
  );
}

/**
 * Type-checks many files at once, in as few runs of `deno check` as it takes (one when they all pass):
 * the compiler and hvcheck's own types are loaded once for all of them. Returns the errors of each file
 * that does not type-check; a file not in the result type-checks. When a run fails before the compiler
 * proper has run (a syntax error or a missing module ends it there), the files it names have failed and
 * the others are checked again without them. The files must be modules (with an import or export): the
 * top-level names of scripts would meet in one global scope.
 */
export async function typeCheckFiles(
  paths: readonly string[],
  cwd?: string,
): Promise<Map<string, Diagnostic[]>> {
  const failed = new Map<string, Diagnostic[]>();
  let remaining = [...new Set(paths)];
  while (remaining.length) {
    const { success, output } = await denoCheck(remaining, cwd === undefined ? {} : { cwd });
    if (success) break;
    const named = new Map<string, Diagnostic[]>();
    const diagnostics = parseDiagnostics(output);
    for (const d of diagnostics) {
      if (d.file === undefined || !remaining.includes(d.file)) continue;
      named.set(d.file, [...(named.get(d.file) ?? []), d]);
    }
    if (named.size === 0) {
      throw new Error(`deno check failed without naming one of the files it checked:\n${output.trim()}`);
    }
    for (const [file, list] of named) failed.set(file, list);
    // Errors of the compiler proper (TSnnnn) come once it has checked every file: the others passed.
    // Any other error (a syntax error, a module that cannot be read) came before the compiler ran.
    if (diagnostics.every((d) => /^TS\d+ /.test(d.text))) break;
    remaining = remaining.filter((p) => !named.has(p));
  }
  return failed;
}
