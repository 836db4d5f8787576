/**
 * Runs the page_ownership reference model under SPIN or Rumur and reports the numbers in hvcheck's terms.
 *
 *   deno run -A bench/reference/run_reference.ts --tool spin|rumur --pages N [--fixed true|false]
 *     [--check true|false] [--bfs] [--threads K] [--symmetry] [--depth D] [--bound B] [--keep]
 *
 * Prints one JSON object (a ReferenceResult). See README.md beside this file for how each tool's
 * counters map to hvcheck's definitions.
 */
import { promela } from "./page_ownership_pml.ts";
import { murphi } from "./page_ownership_murphi.ts";

export type Tool = "spin" | "rumur";

export interface ReferenceOptions {
  readonly tool: Tool;
  readonly pages: number;
  readonly fixed: boolean;
  readonly check: boolean;
  /** SPIN only: breadth-first search (-DBFS). Rumur always searches breadth-first. */
  readonly bfs: boolean;
  /** Rumur only (SPIN runs single-core): verifier threads. */
  readonly threads: number;
  /** Rumur only: pages as a scalarset with exhaustive symmetry reduction. */
  readonly symmetry: boolean;
  /** SPIN only: search depth limit (pan -m); by default the state count bound, within 1e6..2e7. */
  readonly depth?: number;
  /** Rumur only: exploration bound (rumur --bound); 0 is unbounded. */
  readonly bound?: number;
  /** Keep the temporary directory with the model and verifier. */
  readonly keep?: boolean;
}

export interface ReferenceResult {
  tool: Tool;
  version: string;
  pages: number;
  fixed: boolean;
  check: boolean;
  bfs: boolean;
  threads: number;
  symmetry: boolean;
  /** Distinct states stored (with symmetry: orbit representatives). */
  states: number;
  /** Every enabled action fired from every explored state, self-loops included (hvcheck's definition). */
  transitions: number;
  /** The tool's own counter: SPIN "transitions (= stored+matched)", Rumur "rules fired". */
  toolTransitions: number;
  /** Actions on the longest shortest path; null when the tool run cannot tell (see toolDepth). */
  depth: number | null;
  /** SPIN "depth reached" (DFS: deepest stack; BFS: deepest level); Rumur reports none. */
  toolDepth: number | null;
  verdict: "ok" | "violation";
  /** False when the search stopped early: an error, a depth limit or a bound. */
  complete: boolean;
  /** Actions of the counterexample, e.g. ["alloc 0", "share 0", "kexec_start", "kexec_complete"]. */
  trail: string[] | null;
  /** Peak resident memory of the search process (GNU time), or null when /usr/bin/time is missing. */
  peakRssMiB: number | null;
  /** SPIN "total actual memory usage"; Rumur reports none. */
  toolMemoryMiB: number | null;
  /** Generate, write, translate, compile and search. */
  wallSeconds: number;
  compileSeconds: number;
  /** The search process alone, measured from outside. */
  searchSeconds: number;
  /** User + system CPU seconds of the search (GNU time): steadier than wall time on a busy machine. */
  searchCpuSeconds: number | null;
  /** The tool's own elapsed time (Rumur prints whole seconds). */
  toolSeconds: number | null;
  commands: string[];
  warnings: string[];
  dir: string | null;
}

const GNU_TIME = "/usr/bin/time";

/** Whether an executable is on PATH (or, for a path, exists). */
export function onPath(name: string): boolean {
  const dirs = name.includes("/") ? [""] : (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "");
  return dirs.some((dir) => {
    try {
      return Deno.statSync(dir === "" ? name : `${dir}/${name}`).isFile;
    } catch {
      return false;
    }
  });
}

interface Ran {
  stdout: string;
  stderr: string;
  code: number;
  seconds: number;
}

async function run(cwd: string, commands: string[], cmd: string, args: string[]): Promise<Ran> {
  commands.push([cmd, ...args].join(" "));
  const start = performance.now();
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const seconds = (performance.now() - start) / 1000;
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { stdout: decode(out.stdout), stderr: decode(out.stderr), code: out.code, seconds };
}

async function mustRun(cwd: string, commands: string[], cmd: string, args: string[]): Promise<Ran> {
  const ran = await run(cwd, commands, cmd, args);
  if (ran.code !== 0) {
    throw new Error(`${cmd} exited with ${ran.code}:\n${ran.stdout}${ran.stderr}`);
  }
  return ran;
}

/** Runs the search, under GNU time when present so that peak memory is known without the tool's help. */
async function search(
  cwd: string,
  commands: string[],
  cmd: string,
  args: string[],
): Promise<Ran & { peakRssMiB: number | null; cpuSeconds: number | null }> {
  if (!onPath(GNU_TIME)) {
    return { ...(await run(cwd, commands, cmd, args)), peakRssMiB: null, cpuSeconds: null };
  }
  const ran = await run(cwd, commands, GNU_TIME, ["-f", "%M %U %S", "-o", "usage.txt", cmd, ...args]);
  const usage = (await Deno.readTextFile(`${cwd}/usage.txt`)).trim().split("\n").at(-1) ?? "";
  const [kib, user, system] = usage.split(" ").map(Number);
  const known = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
  return {
    ...ran,
    peakRssMiB: known(kib) ? round(kib / 1024, 1) : null,
    cpuSeconds: known(user) && known(system) ? round(user + system, 2) : null,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function num(text: string, re: RegExp, what: string): number {
  const m = text.match(re);
  if (m?.[1] === undefined) throw new Error(`cannot find ${what} in tool output:\n${text}`);
  return Number(m[1]);
}

/** SPIN prints its counters with printf %9.8g: from 1e8 on they come rounded, e.g. 1.3912062e+08. */
function spinCounter(out: string, re: RegExp, what: string): { value: number; rounded: boolean } {
  const text = out.match(re)?.[1];
  if (text === undefined) throw new Error(`cannot find ${what} in SPIN output:\n${out}`);
  return { value: Number(text), rounded: text.includes("e") };
}

function optNum(text: string, re: RegExp): number | null {
  const m = text.match(re);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** Upper bound on reachable states, used to size SPIN's hash table. */
function stateHint(pages: number, fixed: boolean): number {
  return fixed ? 2 * 4 ** pages + 2 * 3 ** pages : 4 * 6 ** pages;
}

async function runSpin(
  o: ReferenceOptions,
  dir: string,
  commands: string[],
  warnings: string[],
): Promise<Omit<ReferenceResult, "wallSeconds" | "compileSeconds" | "commands" | "warnings" | "dir">> {
  if (o.symmetry) throw new Error("--symmetry is only implemented for rumur");
  if (o.threads !== 1) warnings.push("SPIN runs single-core here; --threads ignored");
  const model = promela(o.pages, o);
  await Deno.writeTextFile(`${dir}/model.pml`, model);
  await mustRun(dir, commands, "spin", ["-a", "model.pml"]);
  const defines = ["-DNOREDUCE", ...(o.bfs ? ["-DBFS"] : []), "-DMEMLIM=20000"];
  await mustRun(dir, commands, "gcc", ["-O2", ...defines, "-o", "pan", "pan.c"]);
  // About twice as many hash slots as reachable states, capped to stay well inside -DMEMLIM.
  const hashBits = Math.min(28, Math.max(18, Math.ceil(Math.log2(stateHint(o.pages, o.fixed))) + 1));
  // A DFS stack can get nearly as deep as there are states (N=8: 110,119 of 144,194); every level costs
  // about 56 bytes up front, hence the cap. BFS levels stay at 3N+3.
  const maxDepth = o.depth ?? Math.min(20_000_000, Math.max(1_000_000, stateHint(o.pages, o.fixed)));
  const ran = await search(dir, commands, "./pan", [`-m${maxDepth}`, `-w${hashBits}`]);
  const out = ran.stdout + ran.stderr;
  const errors = num(out, /errors: (\d+)/, "errors");
  const toolDepth = num(out, /depth reached (\d+)/, "depth reached");
  const truncated = /max search depth too small/.test(out);
  if (truncated) warnings.push(`pan -m${maxDepth} was too small: search truncated, raise --depth`);
  const complete = errors === 0 && !truncated;
  const stored = spinCounter(out, /([\d.e+]+) states, stored/, "states stored");
  const fired = spinCounter(out, /([\d.e+]+) transitions \(= stored\+matched\)/, "transitions");
  if (stored.rounded || fired.rounded) {
    warnings.push("SPIN printed a counter rounded to 8 significant digits");
  }
  const toolTransitions = fired.value;
  return {
    tool: "spin",
    version: (await mustRun(dir, [], "spin", ["-V"])).stdout.trim(),
    pages: o.pages,
    fixed: o.fixed,
    check: o.check,
    bfs: o.bfs,
    threads: 1,
    symmetry: false,
    states: stored.value,
    // "stored" counts the initial state, which no transition reaches; a rounded counter is left as it is.
    transitions: fired.rounded ? toolTransitions : toolTransitions - 1,
    toolTransitions,
    depth: o.bfs && complete ? toolDepth : null,
    toolDepth,
    verdict: errors === 0 ? "ok" : "violation",
    complete,
    trail: errors === 0 ? null : await spinTrail(dir, model),
    peakRssMiB: ran.peakRssMiB,
    toolMemoryMiB: optNum(out, /([\d.]+)\s+total actual memory usage/),
    searchSeconds: round(ran.seconds, 3),
    searchCpuSeconds: ran.cpuSeconds,
    toolSeconds: optNum(out, /pan: elapsed time ([\d.e+-]+) seconds/),
  };
}

/** Replays model.pml.trail; each step names its action by the comment on the generated source line. */
async function spinTrail(dir: string, model: string): Promise<string[]> {
  const replay = await mustRun(dir, [], "spin", ["-t", "-p", "model.pml"]);
  const lines = model.split("\n");
  const steps = new Map<number, string>();
  for (const m of replay.stdout.matchAll(/^\s*(\d+):\s+proc\s+\d+ \(\S+\) model\.pml:(\d+)/gm)) {
    // The first line of a step is the executed statement; a later one can be the final process location.
    if (steps.has(Number(m[1]))) continue;
    const source = lines[Number(m[2]) - 1] ?? "";
    steps.set(Number(m[1]), source.match(/\/\* (\S+(?: \d+)?)/)?.[1] ?? `line ${m[2]}`);
  }
  return [...steps.values()];
}

async function runRumur(
  o: ReferenceOptions,
  dir: string,
  commands: string[],
  warnings: string[],
): Promise<Omit<ReferenceResult, "wallSeconds" | "compileSeconds" | "commands" | "warnings" | "dir">> {
  await Deno.writeTextFile(`${dir}/model.m`, murphi(o.pages, o));
  const bound = o.bound ?? 0;
  await mustRun(dir, commands, "rumur", [
    "--quiet",
    // The model has no deadlocks; the check would only cost time and hvcheck does not make it.
    "--deadlock-detection",
    "off",
    "--symmetry-reduction",
    o.symmetry ? "exhaustive" : "off",
    "--threads",
    String(o.threads),
    ...(bound > 0 ? ["--bound", String(bound)] : []),
    "--output",
    "x.c",
    "model.m",
  ]);
  // -march=native: the verifier's lock-free structures need 16-byte compare-and-swap (cmpxchg16b).
  await mustRun(dir, commands, "gcc", ["-O3", "-march=native", "-o", "x", "x.c", "-lpthread"]);
  const ran = await search(dir, commands, "./x", []);
  const out = ran.stdout + ran.stderr;
  const summary = [...out.matchAll(/(\d+) states, (\d+) rules fired in (\d+(?:\.\d+)?)s\./g)].at(-1);
  if (summary === undefined) throw new Error(`cannot find the summary in Rumur output:\n${out}`);
  const violation = !/No error found\./.test(out);
  if (violation && !/error\(s\) found/.test(out)) throw new Error(`unexpected Rumur output:\n${out}`);
  if (bound > 0) warnings.push(`bounded at ${bound} steps: states beyond are not seen`);
  const trail = [...out.matchAll(/^Rule "([^"]+)"(?:, p: (\S+))? fired\./gm)].map((m) =>
    m[2] === undefined ? `${m[1]}` : `${m[1]} ${m[2]}`
  );
  const toolTransitions = Number(summary[2]);
  return {
    tool: "rumur",
    version: (await mustRun(dir, [], "rumur", ["--version"])).stdout.trim(),
    pages: o.pages,
    fixed: o.fixed,
    check: o.check,
    bfs: true,
    threads: o.threads,
    symmetry: o.symmetry,
    states: Number(summary[1]),
    transitions: toolTransitions,
    toolTransitions,
    depth: null,
    toolDepth: null,
    verdict: violation ? "violation" : "ok",
    complete: !violation && bound === 0,
    trail: violation ? trail : null,
    peakRssMiB: ran.peakRssMiB,
    toolMemoryMiB: null,
    searchSeconds: round(ran.seconds, 3),
    searchCpuSeconds: ran.cpuSeconds,
    toolSeconds: Number(summary[3]),
  };
}

export async function runReference(options: ReferenceOptions): Promise<ReferenceResult> {
  const start = performance.now();
  const dir = await Deno.makeTempDir({ prefix: `page_ownership_${options.tool}_` });
  const commands: string[] = [];
  const warnings: string[] = [];
  try {
    const result = options.tool === "spin"
      ? await runSpin(options, dir, commands, warnings)
      : await runRumur(options, dir, commands, warnings);
    const wallSeconds = (performance.now() - start) / 1000;
    return {
      ...result,
      wallSeconds: round(wallSeconds, 3),
      compileSeconds: round(wallSeconds - result.searchSeconds, 3),
      commands,
      warnings,
      dir: options.keep ? dir : null,
    };
  } finally {
    if (!options.keep) await Deno.remove(dir, { recursive: true });
  }
}

/** Parses the command line; flags without a value are booleans. */
export function parseArgs(args: readonly string[]): ReferenceOptions {
  const values = new Map<string, string>();
  const flags = new Set(["--bfs", "--symmetry", "--keep"]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const [key = "", inline] = arg.split("=", 2);
    if (!key.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    if (inline !== undefined) values.set(key, inline);
    else if (flags.has(key)) values.set(key, "true");
    else {
      const next = args[++i];
      if (next === undefined) throw new Error(`${key} needs a value`);
      values.set(key, next);
    }
  }
  const known = ["--tool", "--pages", "--fixed", "--check", "--threads", "--depth", "--bound", ...flags];
  for (const key of values.keys()) if (!known.includes(key)) throw new Error(`unknown option ${key}`);
  const bool = (key: string, fallback: boolean): boolean => {
    const v = values.get(key);
    if (v === undefined) return fallback;
    if (v !== "true" && v !== "false") throw new Error(`${key} must be true or false`);
    return v === "true";
  };
  const int = (key: string): number | undefined => {
    const v = values.get(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${key} must be a non-negative integer`);
    return n;
  };
  const tool = values.get("--tool");
  if (tool !== "spin" && tool !== "rumur") throw new Error("--tool must be spin or rumur");
  const pages = int("--pages");
  if (pages === undefined) throw new Error("--pages is required");
  const depth = int("--depth");
  const bound = int("--bound");
  return {
    tool,
    pages,
    fixed: bool("--fixed", true),
    check: bool("--check", true),
    bfs: bool("--bfs", false),
    threads: int("--threads") ?? 1,
    symmetry: bool("--symmetry", false),
    keep: bool("--keep", false),
    ...(depth === undefined ? {} : { depth }),
    ...(bound === undefined ? {} : { bound }),
  };
}

if (import.meta.main) {
  try {
    console.log(JSON.stringify(await runReference(parseArgs(Deno.args)), null, 2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(2);
  }
}
