/**
 * Runs the command line as a user does, in a process of its own: `deno run <flags> main.ts ...args`.
 * The tests that are about what a whole run does (its exit code, what it prints, the files it leaves,
 * how it takes a signal) share this one way of starting it.
 *
 * @module
 */

/** What a run printed and how it ended. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The run was killed at `timeoutSeconds`. */
  readonly timedOut: boolean;
}

/** A signal sent `afterSeconds` after the run starts, or after the path `whenExists` appears. */
export interface CliSignal {
  readonly signal: "SIGINT" | "SIGKILL";
  readonly afterSeconds: number;
  /** A path relative to the run's folder. */
  readonly whenExists?: string;
}

export interface CliOptions {
  /** The folder the command runs in (default: the repository's root). */
  readonly cwd?: string;
  /** Deno's own flags (default `-A`). */
  readonly deno?: readonly string[];
  /** Kills the run, and everything it started, after this many seconds. */
  readonly timeoutSeconds?: number;
  /**
   * Ctrl-C (SIGINT) goes to the command's own process, as `kill -INT` would send it; SIGKILL goes to
   * everything the command started too, as a machine that kills a job does.
   */
  readonly signal?: CliSignal;
}

/** The repository's root (the folder with main.ts). */
export const repositoryRoot = new URL("../..", import.meta.url).pathname;

/** Runs `deno run <deno> main.ts ...args`; returns the exit code and the output. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const cwd = options.cwd ?? repositoryRoot;
  // setsid: the command gets its own process group, so a timeout or a kill ends what it started too.
  const child = new Deno.Command("setsid", {
    args: [Deno.execPath(), "run", ...(options.deno ?? ["-A"]), `${repositoryRoot}main.ts`, ...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const killGroup = (signal: Deno.Signal) => {
    try {
      Deno.kill(-child.pid, signal);
    } catch {
      try {
        child.kill(signal);
      } catch {
        // it has ended
      }
    }
  };
  let timedOut = false, done = false;
  const timer = options.timeoutSeconds === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    killGroup("SIGKILL");
  }, options.timeoutSeconds * 1000);
  const signalled = options.signal && (async (s: CliSignal) => {
    const started = performance.now();
    const limit = (options.timeoutSeconds ?? 600) * 1000;
    while (s.whenExists && !done && performance.now() - started < limit) {
      if (await Deno.stat(`${cwd}/${s.whenExists}`).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, s.afterSeconds * 1000));
    if (done) return;
    if (s.signal === "SIGKILL") killGroup("SIGKILL");
    else {
      try {
        Deno.kill(child.pid, s.signal);
      } catch {
        // it has ended
      }
    }
  })(options.signal);
  const output = await child.output();
  done = true;
  clearTimeout(timer);
  await signalled;
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr), timedOut };
}
