/**
 * Compiles the liveness twin of page_ownership (page_ownership_live_pml.ts) once and runs SPIN's
 * `pan -a -f` on it, as often as asked, each run under a time cap.
 *
 *   deno run -A bench/reference/run_spin_liveness.ts --pages N [--fair-host true|false] [--cap SECONDS]
 *     [--define -DCOLLAPSE]... [--depth D] [--hash-bits W] [--keep]
 *
 * Prints one JSON object: the compilation and a PanRun. The commands are
 * `spin -a model.pml`; `gcc -O2 -w -DNFAIR=<processes + 1> -DNOREDUCE -DMEMLIM=20000 [defines] -o pan pan.c`;
 * `timeout -s INT <cap> ./pan -a -f -m<depth> -w<bits> -n -N p0`, under GNU time when present (peak
 * memory, CPU seconds). At the cap pan is interrupted and prints what it has searched so far; a run
 * stopped by the cap, by -DMEMLIM or by the depth limit without finding a cycle is "incomplete".
 */
import { parseArgs } from "node:util";
import { nfair, promelaLiveness } from "./page_ownership_live_pml.ts";
import { onPath } from "./run_reference.ts";

export interface SpinLivenessOptions {
  readonly pages: number;
  /** The host's unmap is weakly fair (page_ownership's fairHost). */
  readonly fairHost: boolean;
  /** Extra gcc defines, e.g. ["-DCOLLAPSE"] or ["-DMA=600"]. */
  readonly defines?: readonly string[];
  /** pan -m; by default four times the depth extrapolated from N=5..7 (4,746, 16,478, 61,292). */
  readonly depth?: number;
  /** pan -w; by default enough slots for the expected stored states (see hashBits). */
  readonly hashBits?: number;
  /** Keep the temporary directory. */
  readonly keep?: boolean;
}

/** A compiled verifier: run it with runPan, then dispose of it. */
export interface CompiledPan {
  readonly pages: number;
  readonly fairHost: boolean;
  readonly dir: string;
  readonly nfair: number;
  readonly defines: readonly string[];
  readonly depth: number;
  readonly hashBits: number;
  readonly compileSeconds: number;
  readonly commands: readonly string[];
  readonly version: string;
  dispose(): Promise<void>;
}

/** One `pan -a -f` run. */
export interface PanRun {
  readonly verdict: "holds" | "violated" | "incomplete";
  /** What stopped the search before its end without a verdict, if anything did. */
  readonly stopped: "time" | "memory" | "depth" | null;
  /** "states, stored": states of the product with the claim (and the no-op counter), in every copy. */
  readonly storedStates: number;
  /** The number in parentheses after it: state visits over the -f copies. */
  readonly visitedStates: number | null;
  /** "transitions (= visited+matched)". */
  readonly transitions: number;
  readonly depthReached: number;
  readonly stateVectorBytes: number;
  /** Peak resident memory of the search (GNU time), or null without /usr/bin/time. */
  readonly peakRssBytes: number | null;
  /** pan's "total actual memory usage". */
  readonly panMemoryBytes: number | null;
  /** Wall seconds of the search process, measured from outside. */
  readonly seconds: number;
  readonly cpuSeconds: number | null;
  /** pan's "elapsed time". */
  readonly panSeconds: number | null;
  readonly command: string;
}

const GNU_TIME = "/usr/bin/time";
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The model's states with fixed=true, as page_ownership's closed form counts them. */
const modelStates = (n: number) => 2 * 4 ** n + 2 * 3 ** n;

/**
 * Hash slots for the stored states expected: each model state with the claim's two states and the no-op
 * counter's values (at most the unfair instances + 1), measured N=2..7 at 60-90% of this bound.
 */
export function hashBits(n: number, fairHost: boolean): number {
  const unfair = fairHost ? n : 2 * n;
  const expected = 2 * modelStates(n) * (unfair + 1);
  return Math.min(27, Math.max(18, Math.ceil(Math.log2(expected))));
}

/** Four times the DFS depth extrapolated from N=5..7 (it grew 3.5-3.7x per page), within 10^5..2·10^7. */
export function panDepth(n: number): number {
  return Math.min(20_000_000, Math.max(100_000, Math.ceil(4 * 61_292 * 3.8 ** (n - 7))));
}

async function mustRun(dir: string, commands: string[], cmd: string, args: string[]): Promise<string> {
  commands.push([cmd, ...args].join(" "));
  const out = await new Deno.Command(cmd, { args, cwd: dir, stdout: "piped", stderr: "piped" }).output();
  const text = decode(out.stdout) + decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} exited with ${out.code}:\n${text}`);
  return text;
}

/** Writes the twin, translates it and compiles pan. */
export async function compileSpinLiveness(o: SpinLivenessOptions): Promise<CompiledPan> {
  const missing = ["spin", "gcc", "timeout"].filter((name) => !onPath(name));
  if (missing.length > 0) throw new Error(`${missing.join(", ")} not on PATH`);
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "page_ownership_spin_liveness_" });
  const commands: string[] = [];
  try {
    await Deno.writeTextFile(`${dir}/model.pml`, promelaLiveness(o.pages, o));
    await mustRun(dir, commands, "spin", ["-a", "model.pml"]);
    const fair = nfair(o.pages, o);
    const defines = o.defines ?? [];
    await mustRun(dir, commands, "gcc", [
      "-O2",
      "-w",
      `-DNFAIR=${fair}`,
      "-DNOREDUCE",
      "-DMEMLIM=20000",
      ...defines,
      "-o",
      "pan",
      "pan.c",
    ]);
    const version = (await mustRun(dir, [], "spin", ["-V"])).trim();
    return {
      pages: o.pages,
      fairHost: o.fairHost,
      dir,
      nfair: fair,
      defines,
      depth: o.depth ?? panDepth(o.pages),
      hashBits: o.hashBits ?? hashBits(o.pages, o.fairHost),
      compileSeconds: (performance.now() - started) / 1000,
      commands,
      version,
      dispose: async () => {
        if (o.keep) console.error(`run_spin_liveness: kept ${dir}`);
        else await Deno.remove(dir, { recursive: true });
      },
    };
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
}

function counter(out: string, re: RegExp): number | null {
  const text = out.match(re)?.[1];
  return text === undefined ? null : Number(text);
}

function required(out: string, re: RegExp, what: string): number {
  const value = counter(out, re);
  if (value === null) throw new Error(`cannot find ${what} in pan's output:\n${out}`);
  return value;
}

/** Runs `pan -a -f` on a compiled twin, interrupted (SIGINT) after capSeconds. */
export async function runPan(pan: CompiledPan, capSeconds: number): Promise<PanRun> {
  const panArgs = ["-a", "-f", `-m${pan.depth}`, `-w${pan.hashBits}`, "-n", "-N", "p0"];
  const timed = ["timeout", "-s", "INT", String(capSeconds), "./pan", ...panArgs];
  const gnuTime = onPath(GNU_TIME);
  const [cmd, ...args] = gnuTime ? [GNU_TIME, "-f", "%M %U %S", "-o", "usage.txt", ...timed] : timed;
  await Deno.remove(`${pan.dir}/usage.txt`).catch(() => {});
  const started = performance.now();
  const ran = await new Deno.Command(cmd!, { args, cwd: pan.dir, stdout: "piped", stderr: "piped" }).output();
  const seconds = (performance.now() - started) / 1000;
  const out = decode(ran.stdout) + decode(ran.stderr);
  let peakRssBytes: number | null = null;
  let cpuSeconds: number | null = null;
  if (gnuTime) {
    const usage = (await Deno.readTextFile(`${pan.dir}/usage.txt`)).trim().split("\n").at(-1) ?? "";
    const [kib, user, system] = usage.split(" ").map(Number);
    if (Number.isFinite(kib)) peakRssBytes = kib! * 1024;
    if (Number.isFinite(user) && Number.isFinite(system)) cpuSeconds = user! + system!;
  }
  // timeout exits 124 when it had to interrupt pan; pan itself exits 0 with or without an error found.
  const timedOut = ran.code === 124;
  if (!timedOut && ran.code !== 0 && !/out of memory|MEMLIM/.test(out)) {
    throw new Error(`pan ${panArgs.join(" ")} exited with ${ran.code}:\n${out}`);
  }
  const errors = required(out, /errors: (\d+)/, "the error count");
  if (errors > 0 && !/acceptance cycle/.test(out)) {
    throw new Error(`pan ${panArgs.join(" ")}: an error that is not an acceptance cycle:\n${out}`);
  }
  const stopped = timedOut
    ? "time"
    : /out of memory|MEMLIM/.test(out)
    ? "memory"
    : /max search depth too small/.test(out)
    ? "depth"
    : null;
  const megabytes = counter(out, /([\d.]+)\s+total actual memory usage/);
  return {
    verdict: errors > 0 ? "violated" : stopped === null ? "holds" : "incomplete",
    stopped: errors > 0 ? null : stopped,
    storedStates: required(out, /([\d.e+]+) states, stored/, "states stored"),
    visitedStates: counter(out, /states, stored \(([\d.e+]+) visited\)/),
    transitions: required(out, /([\d.e+]+) transitions \(= /, "transitions"),
    depthReached: required(out, /depth reached (\d+)/, "depth reached"),
    stateVectorBytes: required(out, /State-vector (\d+) byte/, "the state vector"),
    peakRssBytes,
    panMemoryBytes: megabytes === null ? null : megabytes * 2 ** 20,
    seconds,
    cpuSeconds,
    panSeconds: counter(out, /pan: elapsed time ([\d.e+-]+) seconds/),
    command: ["./pan", ...panArgs].join(" "),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      pages: { type: "string" },
      "fair-host": { type: "string", default: "true" },
      cap: { type: "string", default: "600" },
      define: { type: "string", multiple: true, default: [] },
      depth: { type: "string" },
      "hash-bits": { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  try {
    if (values.pages === undefined) throw new Error("--pages is required");
    if (values["fair-host"] !== "true" && values["fair-host"] !== "false") {
      throw new Error("--fair-host must be true or false");
    }
    const pan = await compileSpinLiveness({
      pages: Number(values.pages),
      fairHost: values["fair-host"] === "true",
      defines: values.define,
      keep: values.keep,
      ...(values.depth === undefined ? {} : { depth: Number(values.depth) }),
      ...(values["hash-bits"] === undefined ? {} : { hashBits: Number(values["hash-bits"]) }),
    });
    try {
      const run = await runPan(pan, Number(values.cap));
      const { dispose: _, ...compiled } = pan;
      console.log(JSON.stringify({ ...compiled, run }, null, 2));
    } finally {
      await pan.dispose();
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(2);
  }
}
