/**
 * Running a model's gates in a scratch tree as `check --json` does for a user, type check included, so a
 * mutant that does not type-check is reported rather than run.
 *
 * @module
 */

import type { GateReport } from "./verdict.ts";

/** The reports of a gate run, or why there are none. */
export type GateRun =
  | { readonly ok: true; readonly reports: readonly GateReport[] }
  | { readonly ok: false; readonly why: string };

/** Runs `gates` in the tree at `root` on one search thread, stopping the run after `timeoutSeconds`. */
export async function runGates(
  root: string,
  gates: readonly string[],
  timeoutSeconds: number,
): Promise<GateRun> {
  const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--check",
      "--allow-read=.",
      "--allow-write=out",
      "main.ts",
      "check",
      ...gates,
      "--json",
      "--workers",
      "1",
    ],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: deadline,
  });
  const output = await command.output().catch((e) => {
    if (deadline.aborted) return undefined;
    throw e;
  });
  if (output === undefined || deadline.aborted) {
    return { ok: false, why: `the gates did not finish in ${timeoutSeconds} s` };
  }
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (output.signal) return { ok: false, why: `the gate run was stopped by ${output.signal}` };
  if (output.code !== 0 && output.code !== 1) {
    return { ok: false, why: `exit ${output.code}: ${firstLines(stderr)}` };
  }
  try {
    const reports = JSON.parse(new TextDecoder().decode(output.stdout)) as GateReport[];
    if (!Array.isArray(reports)) throw new TypeError("not an array");
    return { ok: true, reports };
  } catch {
    return { ok: false, why: `exit ${output.code} without gate results: ${firstLines(stderr)}` };
  }
}

function firstLines(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.slice(0, 3).join(" / ") || "no message";
}
