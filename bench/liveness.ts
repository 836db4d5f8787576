/**
 * The liveness benchmark: page_ownership with one leadsTo property under weak fairness
 * (`liveness=true`: shared_page_is_taken_back, guest actions and the host's unmap weakly fair) against the
 * safety-only run of the same model (`liveness=false`), and against SPIN's `pan -a -f` on the Promela
 * twin (bench/reference/page_ownership_live_pml.ts), each a whole process, side by side in one run.
 *
 *   deno task bench-liveness [--pages 10] [--pairs 5] [--tools hvcheck,spin] [--spin-cap 600]
 *     [--spin-define -DCOLLAPSE]... [--spin-depth D] [--json] [--save FILE]
 *
 * For each N, --pairs repeats of: hvcheck safety-only, hvcheck with liveness, SPIN, in that order on
 * even repeats and reversed on odd ones, so a slow spell of the machine hits each alike. hvcheck runs
 * with 1 worker, under GNU time for its peak resident memory (hvcheck's own peakMemoryBytes is taken
 * during the search and leaves out the liveness pass). pan is compiled once per N; a SPIN run stopped by
 * the cap (SIGINT: pan reports what it had searched) or by memory is not repeated at that N.
 *
 * Prints Markdown tables (JSON with --json); --save also writes the JSON to FILE.
 *
 * The targets: the whole liveness run at most 2.5x the safety-only run, and faster than SPIN.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { onPath } from "./reference/run_reference.ts";
import { type CompiledPan, compileSpinLiveness, type PanRun, runPan } from "./reference/run_spin_liveness.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    pages: { type: "string", default: "10" },
    pairs: { type: "string", default: "5" },
    tools: { type: "string", default: "hvcheck,spin" },
    "spin-cap": { type: "string", default: "600" },
    "spin-define": { type: "string", multiple: true, default: [] },
    "spin-depth": { type: "string" },
    json: { type: "boolean" },
    save: { type: "string" },
  },
});

const list = (text: string) => text.split(",").map((s) => s.trim()).filter(Boolean);
const sizes = list(values.pages).map(Number);
const pairs = Number(values.pairs);
const tools = new Set(list(values.tools));
const spinCap = Number(values["spin-cap"]);
const root = new URL("../", import.meta.url).pathname;
const GNU_TIME = "/usr/bin/time";

/** One hvcheck process. */
interface HvRun {
  liveness: boolean;
  /** The whole process, from outside. */
  wallSeconds: number;
  /** The search, as hvcheck reports it. */
  searchSeconds: number;
  /** The liveness pass (graph and fair cycles), as hvcheck reports it; 0 without liveness. */
  livenessSeconds: number;
  /** GNU time's maximum resident set, or hvcheck's own peak without /usr/bin/time. */
  peakRssBytes: number;
  /** hvcheck's own peakMemoryBytes (taken during the search). */
  reportedPeakBytes: number;
  states: number;
  transitions: number;
  verdict: string;
  livenessGraph: { states: number; transitions: number; bytes: number; seconds: number } | null;
}

async function hvcheck(pages: number, liveness: boolean): Promise<HvRun> {
  const out = await Deno.makeTempDir({ prefix: "hvcheck_bench_liveness_" });
  try {
    const explore = [
      Deno.execPath(),
      "run",
      "-A",
      `${root}mod.ts`,
      "explore",
      "page_ownership",
      "--set",
      `pages=${pages}`,
      "--set",
      `liveness=${liveness}`,
      "--workers",
      "1",
      "--json",
      "--out",
      out,
    ];
    const gnuTime = onPath(GNU_TIME);
    const [cmd, ...args] = gnuTime ? [GNU_TIME, "-f", "%M", "-o", `${out}/usage.txt`, ...explore] : explore;
    const started = performance.now();
    const { code, stdout, stderr } = await new Deno.Command(cmd!, { args, stdout: "piped", stderr: "piped" })
      .output();
    const wallSeconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`hvcheck exited ${code}: ${new TextDecoder().decode(stderr)}`);
    const result = JSON.parse(new TextDecoder().decode(stdout));
    const kib = gnuTime
      ? Number((await Deno.readTextFile(`${out}/usage.txt`)).trim().split("\n").at(-1))
      : NaN;
    return {
      liveness,
      wallSeconds,
      searchSeconds: result.seconds,
      livenessSeconds: result.livenessGraph?.seconds ?? 0,
      peakRssBytes: Number.isFinite(kib) ? kib * 1024 : result.peakMemoryBytes,
      reportedPeakBytes: result.peakMemoryBytes,
      states: result.distinctStates,
      transitions: result.transitions,
      verdict: result.verdict,
      livenessGraph: result.livenessGraph ?? null,
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** One repeat at one N: the two hvcheck runs and SPIN's, with the order they ran in. */
interface Pair {
  pages: number;
  repeat: number;
  /** The one-minute load average when the repeat began. */
  load: number;
  order: string[];
  safety: HvRun | null;
  liveness: HvRun | null;
  spin: PanRun | null;
  /** Why SPIN did not run in this repeat, if it did not. */
  spinSkipped: string | null;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const log = (text: string) => console.error(`bench/liveness: ${text}`);

// The runtime's own resident memory: the same commands on one page.
const baselines = tools.has("hvcheck")
  ? { safety: (await hvcheck(1, false)).peakRssBytes, liveness: (await hvcheck(1, true)).peakRssBytes }
  : null;
const results: Pair[] = [];
const compiled: Omit<CompiledPan, "dispose">[] = [];
for (const pages of sizes) {
  let pan: CompiledPan | null = null;
  if (tools.has("spin")) {
    pan = await compileSpinLiveness({
      pages,
      fairHost: true,
      defines: values["spin-define"],
      ...(values["spin-depth"] === undefined ? {} : { depth: Number(values["spin-depth"]) }),
    });
    const { dispose: _, ...described } = pan;
    compiled.push(described);
  }
  let spinStop: string | null = null;
  try {
    for (let repeat = 0; repeat < pairs; repeat++) {
      const forward = ["safety", "liveness", "spin"];
      const order = (repeat % 2 === 0 ? forward : [...forward].reverse()).filter((step) =>
        step === "spin" ? pan !== null : tools.has("hvcheck")
      );
      const pair: Pair = {
        pages,
        repeat,
        load: Deno.loadavg()[0] ?? 0,
        order,
        safety: null,
        liveness: null,
        spin: null,
        spinSkipped: null,
      };
      for (const step of order) {
        log(
          `N=${pages} repeat ${repeat + 1}/${pairs}: ${step} (load ${(Deno.loadavg()[0] ?? 0).toFixed(2)})`,
        );
        if (step === "spin") {
          if (spinStop !== null) pair.spinSkipped = spinStop;
          else {
            pair.spin = await runPan(pan!, spinCap);
            if (pair.spin.stopped === "time") {
              spinStop = `stopped by the ${spinCap} s cap in an earlier repeat`;
            }
            if (pair.spin.stopped === "memory") spinStop = "out of memory in an earlier repeat";
          }
        } else {
          const run = await hvcheck(pages, step === "liveness");
          if (run.verdict !== "holds") throw new Error(`hvcheck ${step} N=${pages}: ${run.verdict}`);
          pair[step as "safety" | "liveness"] = run;
        }
      }
      results.push(pair);
    }
  } finally {
    await pan?.dispose();
  }
}

const MiB = 2 ** 20;
const fixed = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);
const count = (n: number) => n.toLocaleString("en-US");
const ratio = (x: number) => Number.isFinite(x) ? `${x.toFixed(2)}x` : "-";

/** What the medians say at one N. */
interface Summary {
  pages: number;
  pairs: number;
  safetyWall: number;
  livenessWall: number;
  safetySearch: number;
  livenessSearch: number;
  livenessPass: number;
  /** The median over the pairs of liveness wall / safety wall. */
  livenessOverSafety: number;
  spinRuns: number;
  /** Median wall seconds of SPIN's runs that finished (null when none did). */
  spinWall: number | null;
  spinVerdicts: string[];
  /** The median over repeats with a finished SPIN run of hvcheck liveness wall / SPIN wall. */
  livenessOverSpin: number | null;
  /** When SPIN stopped at the cap: hvcheck's median liveness wall over the cap, an upper bound. */
  livenessOverSpinBound: number | null;
  states: number;
  transitions: number;
  graphBytes: number;
  graphBytesPerState: number;
  graphBytesPerTransition: number;
  livenessPeakBytes: number;
  safetyPeakBytes: number;
  peakPerState: number;
  peakOverBaselinePerState: number;
  /** (liveness peak - safety peak) / states: what the liveness pass adds. */
  addedPerState: number;
}

function summarize(pages: number): Summary | null {
  const mine = results.filter((p) => p.pages === pages && p.safety !== null && p.liveness !== null);
  if (mine.length === 0) return null;
  const live = mine.map((p) => p.liveness!);
  const safe = mine.map((p) => p.safety!);
  const spins = results.filter((p) => p.pages === pages && p.spin !== null);
  const finished = spins.filter((p) => p.spin!.stopped === null);
  const graph = live[0]!.livenessGraph!;
  const livenessPeak = median(live.map((r) => r.peakRssBytes));
  const safetyPeak = median(safe.map((r) => r.peakRssBytes));
  const capped = spins.some((p) => p.spin!.stopped === "time");
  return {
    pages,
    pairs: mine.length,
    safetyWall: median(safe.map((r) => r.wallSeconds)),
    livenessWall: median(live.map((r) => r.wallSeconds)),
    safetySearch: median(safe.map((r) => r.searchSeconds)),
    livenessSearch: median(live.map((r) => r.searchSeconds)),
    livenessPass: median(live.map((r) => r.livenessSeconds)),
    livenessOverSafety: median(mine.map((p) => p.liveness!.wallSeconds / p.safety!.wallSeconds)),
    spinRuns: spins.length,
    spinWall: finished.length ? median(finished.map((p) => p.spin!.seconds)) : null,
    spinVerdicts: spins.map((p) =>
      p.spin!.stopped ? `${p.spin!.verdict} (${p.spin!.stopped})` : p.spin!.verdict
    ),
    livenessOverSpin: finished.some((p) => p.liveness)
      ? median(finished.filter((p) => p.liveness).map((p) => p.liveness!.wallSeconds / p.spin!.seconds))
      : null,
    livenessOverSpinBound: capped ? median(live.map((r) => r.wallSeconds)) / spinCap : null,
    states: live[0]!.states,
    transitions: live[0]!.transitions,
    graphBytes: graph.bytes,
    graphBytesPerState: graph.bytes / graph.states,
    graphBytesPerTransition: graph.bytes / graph.transitions,
    livenessPeakBytes: livenessPeak,
    safetyPeakBytes: safetyPeak,
    peakPerState: livenessPeak / live[0]!.states,
    peakOverBaselinePerState: (livenessPeak - baselines!.liveness) / live[0]!.states,
    addedPerState: (livenessPeak - safetyPeak) / live[0]!.states,
  };
}

const summaries = sizes.flatMap((pages) => summarize(pages) ?? []);

function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  console.log(`\n${title}\n`);
  for (const cells of [header, header.map(() => "---"), ...rows]) console.log(`| ${cells.join(" | ")} |`);
}

const report = JSON.stringify(
  { date: new Date().toISOString(), spinCap, baselines, compiled, pairs: results, summaries },
  null,
  2,
);
if (values.save !== undefined) await Deno.writeTextFile(values.save, report + "\n");
if (values.json) {
  console.log(report);
} else {
  const base = baselines
    ? `; hvcheck baseline on one page ${fixed(baselines.safety / MiB, 0)} MiB safety-only, ` +
      `${fixed(baselines.liveness / MiB, 0)} MiB with liveness`
    : "";
  console.log(
    `page_ownership liveness=true (fairHost=true) against liveness=false, 1 worker, and SPIN pan -a -f; ` +
      `${new Date().toISOString().slice(0, 10)}, ${navigator.hardwareConcurrency} cores${base}`,
  );
  printTable(
    "Each repeat (seconds; wall is the whole process, search and liveness pass as hvcheck reports them)",
    [
      "N",
      "repeat",
      "load",
      "order",
      "safety wall",
      "safety search",
      "safety peak MiB",
      "liveness wall",
      "liveness search",
      "liveness pass",
      "liveness peak MiB",
      "liveness / safety",
      "SPIN wall",
      "SPIN peak MiB",
      "SPIN verdict",
      "hvcheck liveness / SPIN",
    ],
    results.map((p) => {
      const spin = p.spin;
      const spinWall = spin === null ? "-" : `${spin.stopped === "time" ? ">" : ""}${fixed(spin.seconds)}`;
      const overSpin = spin === null || p.liveness === null
        ? "-"
        : `${spin.stopped === "time" ? "<" : ""}${ratio(p.liveness.wallSeconds / spin.seconds)}`;
      return [
        `${p.pages}`,
        `${p.repeat + 1}`,
        fixed(p.load, 1),
        p.order.join(", "),
        fixed(p.safety?.wallSeconds),
        fixed(p.safety?.searchSeconds),
        fixed(p.safety && p.safety.peakRssBytes / MiB, 0),
        fixed(p.liveness?.wallSeconds),
        fixed(p.liveness?.searchSeconds),
        fixed(p.liveness?.livenessSeconds),
        fixed(p.liveness && p.liveness.peakRssBytes / MiB, 0),
        p.safety && p.liveness ? ratio(p.liveness.wallSeconds / p.safety.wallSeconds) : "-",
        spinWall,
        fixed(spin && spin.peakRssBytes !== null ? spin.peakRssBytes / MiB : null, 0),
        spin ? (spin.stopped ? `${spin.verdict} (${spin.stopped})` : spin.verdict) : p.spinSkipped ?? "-",
        overSpin,
      ];
    }),
  );
  printTable(
    "Medians and targets",
    [
      "N",
      "pairs",
      "safety wall",
      "liveness wall",
      "liveness search",
      "liveness pass",
      "liveness / safety (target <= 2.5x)",
      "SPIN wall",
      "hvcheck liveness / SPIN (target < 1)",
    ],
    summaries.map((s) => [
      `${s.pages}`,
      `${s.pairs}`,
      fixed(s.safetyWall),
      fixed(s.livenessWall),
      fixed(s.livenessSearch),
      fixed(s.livenessPass),
      `${ratio(s.livenessOverSafety)} (${s.livenessOverSafety <= 2.5 ? "met" : "not met"})`,
      s.spinWall !== null ? fixed(s.spinWall) : s.livenessOverSpinBound !== null ? `> ${spinCap}` : "-",
      s.livenessOverSpin !== null
        ? `${ratio(s.livenessOverSpin)} (${s.livenessOverSpin < 1 ? "met" : "not met"})`
        : s.livenessOverSpinBound !== null
        ? `< ${ratio(s.livenessOverSpinBound)} (met: SPIN stopped at the cap)`
        : "-",
    ]),
  );
  printTable(
    "hvcheck's memory with liveness (peaks are medians of GNU time's maximum resident set)",
    [
      "N",
      "states",
      "transitions",
      "liveness graph MiB",
      "graph bytes / state",
      "graph bytes / transition",
      "peak MiB",
      "peak / state",
      "(peak - baseline) / state",
      "safety-only peak MiB",
      "(peak - safety peak) / state",
    ],
    summaries.map((s) => [
      `${s.pages}`,
      count(s.states),
      count(s.transitions),
      fixed(s.graphBytes / MiB, 0),
      fixed(s.graphBytesPerState, 1),
      fixed(s.graphBytesPerTransition, 2),
      fixed(s.livenessPeakBytes / MiB, 0),
      fixed(s.peakPerState, 1),
      fixed(s.peakOverBaselinePerState, 1),
      fixed(s.safetyPeakBytes / MiB, 0),
      fixed(s.addedPerState, 1),
    ]),
  );
  const spinRows = results.filter((p) => p.spin !== null);
  if (spinRows.length) {
    printTable(
      "SPIN's runs (stored: product states over the -f copies; visited: state visits, as pan prints them)",
      [
        "N",
        "repeat",
        "verdict",
        "stopped",
        "stored",
        "visited",
        "transitions",
        "depth reached",
        "state vector B",
        "pan memory MiB",
        "peak MiB",
        "wall s",
        "CPU s",
      ],
      spinRows.map((p) => {
        const s = p.spin!;
        return [
          `${p.pages}`,
          `${p.repeat + 1}`,
          s.verdict,
          s.stopped ?? "-",
          count(s.storedStates),
          s.visitedStates === null ? "-" : count(s.visitedStates),
          count(s.transitions),
          count(s.depthReached),
          `${s.stateVectorBytes}`,
          fixed(s.panMemoryBytes === null ? null : s.panMemoryBytes / MiB, 0),
          fixed(s.peakRssBytes === null ? null : s.peakRssBytes / MiB, 0),
          fixed(s.seconds),
          fixed(s.cpuSeconds),
        ];
      }),
    );
    for (const c of compiled) {
      console.log(
        `\nSPIN N=${c.pages}: ${c.version}; ${c.commands.join("; ")}; ` +
          `${results.find((p) => p.pages === c.pages && p.spin)?.spin?.command ?? "(not run)"}` +
          ` under timeout -s INT ${spinCap}`,
      );
    }
  }
}
