/**
 * The scaling benchmark: page_ownership (fixed=true) at several sizes, hvcheck with 1 and 2 workers
 * beside SPIN (-DBFS -DNOREDUCE) and Rumur, each a whole process, timed in the same run so the ratios
 * hold on a noisy machine. Prints a Markdown table (or JSON with --json).
 *
 *   deno task bench [--pages 8,9,10] [--workers 1,2] [--tools hvcheck,spin,rumur] [--repeat 1]
 *     [--domain-frames 4,5,6,7] [--ceiling] [--json]
 *
 * Times are medians of --repeat runs, which alternate between worker counts. With 1 and 2 workers
 * and --repeat above 1, a table of the pairs follows: each repeat runs a compute probe
 * (bench/cpu_probe.ts: what two cores give right now, which swings on this cloud host), then the two
 * worker counts back to back, in alternating order, so each speedup is measured within minutes of
 * its ceiling. --ceiling also starts two 1-worker runs at once, in each repeat right after its pair:
 * their throughput against that repeat's run alone is what this machine gives two independent copies
 * of this workload at that moment, whose two cores share caches and memory bandwidth (with other
 * tenants of the host), which the compute probe does not measure.
 *
 * A second table follows one domain model as it grows: xen_kexec (the atomic kexec_is_safe gate,
 * 3 PIRQs, ballooning on) with more and more guest frames, for each worker count.
 *
 * Bytes per state are hvcheck's peak resident memory minus the resident memory of the same command on
 * a one-page model with the same number of workers (the runtime's own baseline), over the distinct
 * states.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parallelCeiling } from "./cpu_probe.ts";
import { runReference } from "./reference/run_reference.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    pages: { type: "string", default: "8,9,10" },
    workers: { type: "string", default: "1,2" },
    tools: { type: "string", default: "hvcheck,spin,rumur" },
    "max-rumur": { type: "string", default: "10" },
    "domain-frames": { type: "string", default: "4,5,6,7" },
    "max-spin": { type: "string", default: "11" },
    repeat: { type: "string", default: "1" },
    ceiling: { type: "boolean" },
    json: { type: "boolean" },
  },
});

const list = (text: string) => text.split(",").map((s) => s.trim()).filter(Boolean);
const sizes = list(values.pages).map(Number);
const workerCounts = list(values.workers).map(Number);
const tools = new Set(list(values.tools));
const repeat = Number(values.repeat);
const root = new URL("../", import.meta.url).pathname;

interface Row {
  tool: string;
  pages: number;
  workers: number;
  states: number;
  transitions: number;
  depth: number | null;
  seconds: number;
  peakMiB: number | null;
  bytesPerState: number | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function hvcheck(
  pages: number,
  workers: number,
  model = "page_ownership",
  sets = [`pages=${pages}`],
): Promise<{ seconds: number; result: Record<string, number> }> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${root}main.ts`,
      "explore",
      model,
      ...sets.flatMap((set) => ["--set", set]),
      "--workers",
      String(workers),
      "--json",
      "--trace-dir",
      `${root}out/bench-traces`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`hvcheck exited ${code}: ${new TextDecoder().decode(stderr)}`);
  return { seconds, result: JSON.parse(new TextDecoder().decode(stdout)) };
}

const rows: Row[] = [];
// The runtime's own baseline, per worker count: each worker thread is a V8 isolate of its own.
const baselines = new Map<number, number>();
if (tools.has("hvcheck")) {
  for (const workers of workerCounts) {
    baselines.set(workers, (await hvcheck(1, workers)).result.peakMemoryBytes!);
  }
}
/** Two single-worker runs at once, each timed: what this machine gives two independent copies. */
interface CeilingRow {
  pages: number;
  soloSeconds: number;
  pairSeconds: number[];
  /** The speedup of 2 workers over 1 in the same repeat. */
  twoWorkerSpeedup: number | undefined;
}
const ceilingRows: CeilingRow[] = [];
/** One repeat of 1 and 2 workers, with the compute probe taken just before. */
interface PairRow {
  pages: number;
  oneWorker: number;
  twoWorkers: number;
  computeCeiling: number;
}
const pairRows: PairRow[] = [];
const pairs = repeat > 1 && workerCounts.includes(1) && workerCounts.includes(2);
for (const pages of sizes) {
  if (tools.has("hvcheck")) {
    // Repeats alternate between worker counts, so a slow spell of the machine hits each alike.
    const runsOf = new Map(workerCounts.map((w) => [w, [] as Awaited<ReturnType<typeof hvcheck>>[]]));
    for (let r = 0; r < repeat; r++) {
      const computeCeiling = pairs ? await parallelCeiling() : 0;
      const order = r % 2 === 0 ? workerCounts : [...workerCounts].reverse();
      for (const workers of order) runsOf.get(workers)!.push(await hvcheck(pages, workers));
      if (pairs) {
        pairRows.push({
          pages,
          oneWorker: runsOf.get(1)![r]!.seconds,
          twoWorkers: runsOf.get(2)![r]!.seconds,
          computeCeiling,
        });
      }
      if (values.ceiling && workerCounts.includes(1)) {
        const pair = await Promise.all([hvcheck(pages, 1), hvcheck(pages, 1)]);
        const soloSeconds = runsOf.get(1)![r]!.seconds;
        const two = runsOf.get(2)?.[r];
        ceilingRows.push({
          pages,
          soloSeconds,
          pairSeconds: pair.map((run) => run.seconds),
          twoWorkerSpeedup: two ? soloSeconds / two.seconds : undefined,
        });
      }
    }
    for (const workers of workerCounts) {
      const runs = runsOf.get(workers)!;
      const { result } = runs[0]!;
      const peak = Math.max(...runs.map((r) => r.result.peakMemoryBytes!));
      rows.push({
        tool: "hvcheck",
        pages,
        workers,
        states: result.distinctStates!,
        transitions: result.transitions!,
        depth: result.depth!,
        seconds: median(runs.map((r) => r.seconds)),
        peakMiB: peak / 2 ** 20,
        bytesPerState: (peak - baselines.get(workers)!) / result.distinctStates!,
      });
    }
  }
  for (const tool of ["spin", "rumur"] as const) {
    if (!tools.has(tool)) continue;
    // Rumur takes minutes beyond N=10 here, SPIN beyond N=11: only on request.
    if (pages > Number(tool === "rumur" ? values["max-rumur"] : values["max-spin"])) continue;
    const threads = tool === "rumur" ? workerCounts : [1];
    for (const t of threads) {
      try {
        const runs = [];
        for (let r = 0; r < repeat; r++) {
          runs.push(
            await runReference({
              tool,
              pages,
              fixed: true,
              check: true,
              bfs: true,
              threads: t,
              symmetry: false,
            }),
          );
        }
        const result = runs[0]!;
        rows.push({
          tool: tool === "spin" ? "SPIN -DBFS" : "Rumur",
          pages,
          workers: t,
          states: result.states,
          transitions: result.transitions,
          depth: result.depth,
          seconds: median(runs.map((r) => r.wallSeconds)),
          peakMiB: result.peakRssMiB,
          bytesPerState: result.peakRssMiB === null ? null : (result.peakRssMiB * 2 ** 20) / result.states,
        });
      } catch (error) {
        console.error(`${tool} N=${pages}: ${(error as Error).message}`);
      }
    }
  }
}

interface DomainRow {
  frames: number;
  workers: number;
  states: number;
  transitions: number;
  depth: number;
  seconds: number;
  peakMiB: number;
  bytesPerState: number;
}
const domainRows: DomainRow[] = [];
for (const frames of list(values["domain-frames"]).map(Number)) {
  for (const workers of workerCounts) {
    const sets = ["variant=kexec_is_safe_atomic", "pirqs=3", `frames=${frames}`];
    const { seconds, result } = await hvcheck(0, workers, "xen_kexec", sets);
    domainRows.push({
      frames,
      workers,
      states: result.distinctStates!,
      transitions: result.transitions!,
      depth: result.depth!,
      seconds,
      peakMiB: result.peakMemoryBytes! / 2 ** 20,
      bytesPerState: (result.peakMemoryBytes! - (baselines.get(workers) ?? 0)) / result.distinctStates!,
    });
  }
}

/** Prints a Markdown table: an optional title line, the header, the rows. */
function printTable(
  title: string | null,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  if (title !== null) console.log(`\n${title}`);
  for (const cells of [header, header.map(() => "---"), ...rows]) console.log(`| ${cells.join(" | ")} |`);
}

const count = (n: number) => n.toLocaleString("en-US");
const ratio = (x: number) => `${x.toFixed(2)}x`;

if (values.json) {
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        baselineBytes: Object.fromEntries(baselines),
        rows,
        pairs: pairRows,
        ceiling: ceilingRows,
        domain: domainRows,
      },
      null,
      2,
    ),
  );
} else {
  const baselineText = [...baselines]
    .map(([w, b]) => `${(b / 2 ** 20).toFixed(0)} MiB (${w} worker${w > 1 ? "s" : ""})`)
    .join(", ");
  console.log(
    `page_ownership fixed=true, ${new Date().toISOString().slice(0, 10)}, ${navigator.hardwareConcurrency} ` +
      `cores; hvcheck baseline ${baselineText}`,
  );
  printTable(
    null,
    [
      "tool",
      "N",
      "workers",
      "states",
      "transitions",
      "depth",
      "seconds",
      "time / hvcheck 1 worker",
      "peak MiB",
      "bytes/state",
    ],
    rows.map((row) => {
      const base = rows.find((r) => r.tool === "hvcheck" && r.pages === row.pages && r.workers === 1);
      return [
        row.tool,
        `${row.pages}`,
        `${row.workers}`,
        count(row.states),
        count(row.transitions),
        `${row.depth ?? "-"}`,
        row.seconds.toFixed(2),
        base ? ratio(row.seconds / base.seconds) : "-",
        row.peakMiB?.toFixed(0) ?? "-",
        row.bytesPerState?.toFixed(1) ?? "-",
      ];
    }),
  );
  if (pairRows.length) {
    printTable(
      "Two workers against one, in pairs of runs, each beside what two cores gave just before",
      ["N", "1 worker (s)", "2 workers (s)", "speedup", "compute probe: two cores / one", "speedup / probe"],
      sizes.flatMap((pages) => {
        const mine = pairRows.filter((row) => row.pages === pages);
        if (mine.length === 0) return [];
        const speedups = mine.map((row) => row.oneWorker / row.twoWorkers);
        const line = (
          label: string,
          one: number,
          two: number,
          speedup: number,
          probe: number,
          share: number,
        ) => [
          label,
          one.toFixed(2),
          two.toFixed(2),
          ratio(speedup),
          ratio(probe),
          share.toFixed(2),
        ];
        return [
          ...mine.map((row, i) =>
            line(
              `${pages}`,
              row.oneWorker,
              row.twoWorkers,
              speedups[i]!,
              row.computeCeiling,
              speedups[i]! / row.computeCeiling,
            )
          ),
          line(
            `${pages}, median`,
            median(mine.map((row) => row.oneWorker)),
            median(mine.map((row) => row.twoWorkers)),
            median(speedups),
            median(mine.map((row) => row.computeCeiling)),
            median(mine.map((row, i) => speedups[i]! / row.computeCeiling)),
          ),
        ];
      }),
    );
  }
  if (ceilingRows.length) {
    const gain = (row: CeilingRow) => (2 * row.soloSeconds) / Math.max(...row.pairSeconds);
    const speedup = (row: CeilingRow) =>
      row.twoWorkerSpeedup === undefined ? "-" : ratio(row.twoWorkerSpeedup);
    printTable(
      "The machine's own ceiling: two independent 1-worker runs started together, against the repeat's run alone",
      [
        "N",
        "1 worker alone (s)",
        "each of two at once (s)",
        "throughput of the pair / one alone",
        "2 workers / 1",
      ],
      [
        ...ceilingRows.map((row) => [
          `${row.pages}`,
          row.soloSeconds.toFixed(2),
          row.pairSeconds.map((s) => s.toFixed(2)).join(", "),
          ratio(gain(row)),
          speedup(row),
        ]),
        ...sizes.flatMap((pages) => {
          const mine = ceilingRows.filter((row) => row.pages === pages);
          if (mine.length < 2) return [];
          const speedups = mine.flatMap((row) =>
            row.twoWorkerSpeedup === undefined ? [] : [row.twoWorkerSpeedup]
          );
          return [[
            `${pages}, median`,
            median(mine.map((row) => row.soloSeconds)).toFixed(2),
            "",
            ratio(median(mine.map(gain))),
            speedups.length ? ratio(median(speedups)) : "-",
          ]];
        }),
      ],
    );
  }
  if (domainRows.length) {
    printTable(
      "xen_kexec variant=kexec_is_safe_atomic pirqs=3 balloon=true, growing frames",
      [
        "frames",
        "workers",
        "states",
        "transitions",
        "depth",
        "seconds",
        "time / 1 worker",
        "peak MiB",
        "bytes/state",
      ],
      domainRows.map((row) => {
        const base = domainRows.find((r) => r.frames === row.frames && r.workers === 1);
        return [
          `${row.frames}`,
          `${row.workers}`,
          count(row.states),
          count(row.transitions),
          `${row.depth}`,
          row.seconds.toFixed(2),
          base ? ratio(row.seconds / base.seconds) : "-",
          row.peakMiB.toFixed(0),
          row.bytesPerState.toFixed(1),
        ];
      }),
    );
  }
}
