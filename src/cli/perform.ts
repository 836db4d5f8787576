/**
 * Carrying out what a command hands back (src/cli/command.ts): its text goes to the Io in order, its
 * report files and trace folders are written, each write's paths are handed back to it and a failed write is thrown into
 * it, and its exit code is returned. This is the one place where a command's results reach the screen
 * and the disk.
 *
 * @module
 */

import type { CommandRun, ExitCode, Output, TracePaths } from "./command.ts";
import type { Io } from "./io.ts";
import { replaceTraces } from "../check/trace_folder.ts";
import { writeFileAtomic } from "../store/write_atomic.ts";

/** Writes a run's traces to a folder; returns the ITF path of each by property name. */
export type TraceWriter = (
  dir: string,
  result: (Output & { kind: "traces" })["result"],
) => Promise<TracePaths>;

/** Runs `run` to its end, printing to `io` and writing traces with `write`; returns its exit code. */
export async function perform(
  run: CommandRun,
  io: Io,
  write: TraceWriter = replaceTraces,
): Promise<ExitCode> {
  let step = await run.next();
  while (!step.done) {
    const output = step.value;
    if (output.kind === "traces") {
      let paths: TracePaths;
      try {
        paths = await write(output.dir, output.result);
      } catch (error) {
        step = await run.throw(error);
        continue;
      }
      step = await run.next(paths);
      continue;
    }
    if (output.kind === "file") {
      try {
        await writeFileAtomic(output.path, output.text);
      } catch (error) {
        step = await run.throw(error);
        continue;
      }
      step = await run.next();
      continue;
    }
    if (output.kind === "out") io.out(output.text);
    else io.err(output.text);
    step = await run.next();
  }
  return step.value;
}
