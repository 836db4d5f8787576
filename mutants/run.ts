/**
 * `deno task mutants [MODEL...]`: plants every bug mutant of the named models (all by default) in scratch
 * copies of the repository, runs the model's non-slow gates against each, and reports per model which
 * mutants a property caught and which survived. Exit 0 when every mutant is caught (and every mutant argued
 * equivalent survives), 1 when one is not or the gates fail without any mutant, 2 on bad input.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Gate } from "../src/check/gate.ts";
import { runGates } from "./gate_run.ts";
import type { ModelMutants, Mutant } from "./mutant.ts";
import { ScratchTree } from "./tree.ts";
import { judgeMutant, type MutantVerdict } from "./verdict.ts";

/** The outcome of one mutant. */
export interface MutantResult {
  readonly model: string;
  readonly mutant: Mutant;
  readonly verdict: MutantVerdict;
  /** Whether the verdict is the one wanted: caught, or survived for a mutant argued equivalent. */
  readonly ok: boolean;
  readonly seconds: number;
}

/** The outcome of one model's mutants. */
export interface SuiteResult {
  readonly model: string;
  readonly gates: readonly string[];
  /** Why the unmutated model's gates were not all met (then no mutant was run). */
  readonly baseline: readonly string[];
  readonly results: readonly MutantResult[];
}

/** What a mutation run needs. */
export interface MutationRun {
  /** The repository the scratch trees are copied from. */
  readonly repository: string;
  readonly suites: readonly ModelMutants[];
  readonly gates: readonly Gate[];
  /** Mutants run at once, each on one search thread. */
  readonly jobs: number;
  readonly timeoutSeconds: number;
  /** Called as each mutant's verdict is known. */
  readonly onResult?: (r: MutantResult) => void;
}

/** The non-slow gates of `model`. */
export function gatesOf(model: string, gates: readonly Gate[]): string[] {
  return gates.filter((g) => g.model === model && !(g.tags ?? []).includes("slow")).map((g) => g.name);
}

/** Runs every mutant of every suite and returns the results in declaration order. */
export async function runMutants(run: MutationRun): Promise<SuiteResult[]> {
  const scratch = await Deno.makeTempDir({ prefix: "hvcheck-mutants-" });
  try {
    const trees = await Promise.all(
      Array.from({ length: run.jobs }, (_, i) => ScratchTree.create(run.repository, scratch, `tree-${i}`)),
    );
    const baselines = await Promise.all(run.suites.map(async (suite, i) => {
      const gates = gatesOf(suite.model, run.gates);
      if (gates.length === 0) return [`model ${suite.model} has no gates to run its mutants against`];
      const outcome = await runGates(trees[i % trees.length]!.root, gates, run.timeoutSeconds);
      if (!outcome.ok) return [outcome.why];
      return outcome.reports.flatMap((r) => r.met ? [] : r.problems.map((p) => `${r.gate}: ${p}`));
    }));
    const work = run.suites.flatMap((suite, i) =>
      baselines[i]!.length > 0 ? [] : suite.mutants.map((mutant) => ({ suite, mutant }))
    );
    const results = new Map<Mutant, MutantResult>();
    let next = 0;
    await Promise.all(trees.map(async (tree) => {
      while (next < work.length) {
        const { suite, mutant } = work[next++]!;
        const started = performance.now();
        const verdict = await tree.withMutant(mutant, async () => {
          const outcome = await runGates(tree.root, gatesOf(suite.model, run.gates), run.timeoutSeconds);
          return outcome.ok
            ? judgeMutant(outcome.reports)
            : { kind: "inconclusive", why: outcome.why } as const;
        }).catch((e: unknown): MutantVerdict => ({ kind: "inconclusive", why: String(e) }));
        const ok = mutant.equivalent === undefined ? verdict.kind === "caught" : verdict.kind === "survived";
        const result = {
          model: suite.model,
          mutant,
          verdict,
          ok,
          seconds: (performance.now() - started) / 1000,
        };
        results.set(mutant, result);
        run.onResult?.(result);
      }
    }));
    return run.suites.map((suite, i) => ({
      model: suite.model,
      gates: gatesOf(suite.model, run.gates),
      baseline: baselines[i]!,
      results: suite.mutants.flatMap((m) => results.get(m) ?? []),
    }));
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
}

/** One line per mutant, and a score per model. */
export function formatResults(suites: readonly SuiteResult[]): string {
  const lines: string[] = [];
  for (const suite of suites) {
    if (suite.baseline.length > 0) {
      lines.push(`${suite.model}: the gates fail without a mutant, so no mutant was run`);
      for (const why of suite.baseline) lines.push(`  ${why}`);
      continue;
    }
    const caught = suite.results.filter((r) => r.verdict.kind === "caught").length;
    const equivalent = suite.results.filter((r) => r.mutant.equivalent !== undefined).length;
    lines.push(
      `${suite.model}: ${caught} of ${suite.results.length - equivalent} caught` +
        (equivalent > 0 ? `, ${equivalent} argued equivalent` : "") +
        ` (${suite.gates.length} gates)`,
    );
    for (const r of suite.results) lines.push(`  ${describeResult(r)}`);
  }
  const all = suites.flatMap((s) => s.results);
  const counted = all.filter((r) => r.mutant.equivalent === undefined);
  const failed = all.filter((r) => !r.ok).length + suites.filter((s) => s.baseline.length > 0).length;
  lines.push(
    `mutants: ${counted.filter((r) => r.verdict.kind === "caught").length} of ${counted.length} caught` +
      (failed > 0 ? `; ${failed} not as expected` : "; all as expected"),
  );
  return lines.join("\n");
}

function describeResult(r: MutantResult): string {
  const v = r.verdict;
  const head = `${r.mutant.name}: ${r.mutant.change}`;
  if (r.mutant.equivalent !== undefined) {
    return v.kind === "survived"
      ? `equivalent  ${head} (survives, as argued: ${r.mutant.equivalent})`
      : `WRONG       ${head}: argued equivalent, but ${v.kind === "caught" ? "caught" : v.why}`;
  }
  if (v.kind === "caught") {
    const first = v.by[0]!;
    const more = v.by.length > 1 ? ` and ${v.by.length - 1} more` : "";
    return `caught      ${head}\n              by ${first.gate}: ${first.property} ${first.status}, ` +
      `expected ${first.expected}${more}`;
  }
  if (v.kind === "survived") {
    const noise = v.noise.length > 0 ? `; only: ${v.noise.slice(0, 2).join("; ")}` : "";
    return `SURVIVED    ${head}${noise}`;
  }
  return `UNDECIDED   ${head}: ${v.why}`;
}

const usage = `Usage: deno task mutants [MODEL...] [options]

Plant each bug mutant in mutants/ in a scratch copy of the repository and run the model's non-slow gates
against it; a mutant is caught when a property a gate proves (holds, witnessed, not witnessed) fails.

Options:
  --jobs N        mutants run at once, each on one search thread (default: 2)
  --timeout S     seconds one mutant's gates may take (default: 600)
  --out FILE      the results as JSON (default: out/mutants.json)
  --help          this usage`;

function positiveInteger(text: string, option: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(text)) {
    throw new UsageError(`--${option} takes a positive integer, not "${text}"`);
  }
  return Number(text);
}

class UsageError extends Error {}

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        jobs: { type: "string", default: "2" },
        timeout: { type: "string", default: "600" },
        out: { type: "string", default: "out/mutants.json" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage);
    return 0;
  }
  const repository = join(dirname(fileURLToPath(import.meta.url)), "..");
  const { suites } = await import("./mod.ts");
  const { gates } = await import("../checks/mod.ts");
  let jobs: number, timeoutSeconds: number;
  try {
    jobs = positiveInteger(parsed.values.jobs, "jobs");
    timeoutSeconds = positiveInteger(parsed.values.timeout, "timeout");
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const known = new Set(suites.map((s) => s.model));
  const unknown = parsed.positionals.filter((m) => !known.has(m));
  if (unknown.length > 0) {
    console.error(
      `No mutants for model ${unknown.join(", ")}; models with mutants: ${[...known].join(", ")}`,
    );
    return 2;
  }
  const chosen = parsed.positionals.length === 0
    ? suites
    : suites.filter((s) => parsed.positionals.includes(s.model));
  const total = chosen.reduce((n, s) => n + s.mutants.length, 0);
  let done = 0;
  const results = await runMutants({
    repository,
    suites: chosen,
    gates,
    jobs,
    timeoutSeconds,
    onResult: (r) => {
      done++;
      if (Deno.stderr.isTerminal()) {
        console.error(
          `[${done}/${total}] ${r.model}/${r.mutant.name}: ${r.verdict.kind} (${r.seconds.toFixed(1)} s)`,
        );
      }
    },
  });
  console.log(formatResults(results));
  await writeWhole(join(repository, parsed.values.out), JSON.stringify(results, null, 2) + "\n");
  const failed = results.some((s) => s.baseline.length > 0 || s.results.some((r) => !r.ok));
  return failed ? 1 : 0;
}

/** Writes `text` to a temporary file beside `path` and renames it, so the file is whole or absent. */
async function writeWhole(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temporary, text);
  await Deno.rename(temporary, path);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
