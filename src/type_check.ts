/**
 * Type-checking a model file before it runs, as `deno check` does: `deno run` only strips the types,
 * so a model that misspells a state variable or passes a string where a number belongs would otherwise
 * run, and say "holds" about something other than what was written.
 *
 * @module
 */

import { InputError } from "./errors.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Whether this process may start `deno check` (it needs --allow-run). */
export function canTypeCheck(): boolean {
  return Deno.permissions.querySync({ name: "run", command: Deno.execPath() }).state === "granted";
}

/**
 * Runs `deno check` on `path`; throws an InputError with the compiler's messages when it fails. The
 * check uses the configuration (deno.json) Deno finds from the working directory, as `deno run` does.
 */
export async function typeCheck(path: string): Promise<void> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", path],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
  }).output();
  if (code === 0) return;
  const text = new TextDecoder().decode(stderr) + new TextDecoder().decode(stdout);
  const report = text.replace(ANSI, "").replace(/\n*Stack backtrace:[\s\S]*$/, "").trim();
  throw new InputError(
    `Model file ${path} does not type-check (run with --no-check to skip the check):\n${report}`,
  );
}
