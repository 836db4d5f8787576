/**
 * Runs one command of the table in this process, as the driver does, but with a trace writer that
 * writes nothing: what the command handed back, in order, is the result. For the tests of the command
 * stages (src/cli/run_*.ts).
 *
 * @module
 */

import type { Library } from "../check/library.ts";
import { writesTrace } from "../check/trace_folder.ts";
import { commandNamed, parseCommandArgs } from "../cli/cli_options.ts";
import type { ExitCode, Output, TracePaths } from "../cli/command.ts";
import { perform, type TraceWriter } from "../cli/perform.ts";

/** What a command handed back. */
export interface Driven {
  /** Its exit code, or undefined when it ended with `error`. */
  readonly code: ExitCode | undefined;
  readonly error?: unknown;
  /** Everything, in order (a `traces` output where the driver was asked to write a folder). */
  readonly outputs: readonly Output[];
  readonly stdout: string;
  readonly stderr: string;
}

/** The paths a trace folder would get: `<dir>/<property>.itf.json` for each trace. */
export const pretendWriter: TraceWriter = (dir, result) =>
  Promise.resolve(
    Object.fromEntries(
      result.properties.filter(writesTrace).map((p) => [p.name, `${dir}/${p.name}.itf.json`]),
    ) as TracePaths,
  );

/** Runs `name args` on `library`; `write` stands in for the trace folder (default: pretendWriter). */
export async function driveCommand(
  name: string,
  args: readonly string[],
  library: Library,
  write: TraceWriter = pretendWriter,
): Promise<Driven> {
  const spec = commandNamed(name);
  if (!spec) throw new TypeError(`no command ${name}`);
  const outputs: Output[] = [];
  const io = {
    out: (text: string) => void outputs.push({ kind: "out", text }),
    err: (text: string) => void outputs.push({ kind: "err", text }),
  };
  const recording: TraceWriter = (dir, result) => {
    outputs.push({ kind: "traces", dir, result });
    return write(dir, result);
  };
  const parsed = parseCommandArgs(spec, args);
  const text = (kind: "out" | "err") => outputs.flatMap((o) => o.kind === kind ? [o.text] : []).join("\n");
  try {
    const code = await perform(spec.run(parsed, { library, notice: io.err }), io, recording);
    return { code, outputs, stdout: text("out"), stderr: text("err") };
  } catch (error) {
    return { code: undefined, error, outputs, stdout: text("out"), stderr: text("err") };
  }
}
