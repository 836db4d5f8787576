/**
 * Promela twins of small models, and SPIN's verdicts on their liveness properties, to cross-check the
 * naive liveness checker (naive_liveness.ts, whose semantics this follows) and so the engine.
 *
 * A twin is written from data: the random models' recorded structure (random_model.ts) or a
 * hand-written description (the page-sharing model, `pageSharingTwin`). The encoding:
 *
 * - Global variables hold the state, each a byte starting at 0; `ready` is set once the `init` process
 *   has chosen an initial state (the propositions all include it, so the all-zero state before is never
 *   judged).
 * - One process per action instance: `do :: d_step { guard -> effect } od`. A `d_step` is one
 *   indivisible step, so the never claim sees only the model's states. With a process per instance,
 *   SPIN's weak fairness (`pan -f`: a process that stays enabled eventually moves) is weak fairness per
 *   instance.
 * - `pan -f` makes every process weakly fair. When only some instances are, each of the others gets a
 *   no-op option that the unfair ones take in turn (`nop == j -> nop = j + 1`; every real step sets
 *   `nop = 0`): an unfair process may thus "move" once between real steps, so SPIN's fairness asks
 *   nothing of it, while the no-ops, at most one round between real steps, add only finite stutters
 *   (invisible to the next-free LTL formulas) and never an infinite one. With no fair instance, pan runs
 *   without `-f`; the no-ops, if the twin has them, are then harmless, so one compiled pan serves both.
 * - End states: SPIN stutters when no process can move, as the semantics does at a state without
 *   successors. A terminal state where actions are still enabled gets a `stop` process
 *   (`terminal -> halted = 1`; every guard requires `!halted`), so the behaviour may end there. Under
 *   `-f` it is itself weakly fair, which changes no verdict: a fair behaviour that loops through
 *   terminal states without the response can as well stop in one of them.
 * - Properties: `ltl` blocks, one per property, chosen at run time with `pan -N`: eventually p as
 *   `<>(ready && p)`, leadsTo as `[]((ready && t) -> <>(ready && r))`. SPIN negates each into a never
 *   claim; `pan -a` searches for an acceptance cycle ("errors: 1" is a violation).
 *
 * Limits: strong fairness cannot be said with `pan -f` (and would blow up the claim if encoded in the
 * formula), so a twin with a strongly fair instance is refused and those models are not compared with
 * SPIN; the naive checker alone covers strong fairness. Effects that fail an assertion are not
 * modelled (the random and page-sharing models have none). Only verdicts are compared: SPIN's
 * counterexamples are not shortest.
 *
 * @module
 */

import type { Value } from "../state/domain.ts";
import type { Expr, FairnessMode, RandomStructure } from "./random_model.ts";
import { generate } from "./random_model.ts";
import type { Fairness } from "./naive_liveness.ts";

/** One action instance of a twin: Promela guard expression and effect statements. */
export interface TwinInstance {
  readonly name: string;
  readonly guard: string;
  readonly effect: readonly string[];
  readonly fairness: Fairness;
}

/** A liveness property of a twin, its propositions as Promela expressions. */
export type TwinProperty =
  | { readonly name: string; readonly kind: "eventually"; readonly p: string }
  | { readonly name: string; readonly kind: "leadsTo"; readonly t: string; readonly r: string };

/** What a Promela twin is written from. */
export interface Twin {
  readonly name: string;
  /** The global variables (bytes, zero at first). */
  readonly variables: readonly string[];
  /** Each initial state, as assignments from the all-zero one. */
  readonly inits: readonly (readonly string[])[];
  readonly instances: readonly TwinInstance[];
  /** Where the behaviour may end although actions are enabled. */
  readonly terminal?: string;
  readonly properties: readonly TwinProperty[];
}

/** The processes of a twin's Promela text: init, one per instance, and stop when there is a terminal. */
export function processCount(twin: Twin): number {
  return 1 + twin.instances.length + (twin.terminal === undefined ? 0 : 1);
}

/**
 * The Promela text of a twin (see the module's doc). `noops: false` leaves out the unfair instances'
 * no-ops, making every process weakly fair under `-f` (a control: the verdicts should then differ).
 */
export function promela(twin: Twin, options: { noops?: boolean } = {}): string {
  if (twin.instances.some((a) => a.fairness === "strong")) {
    throw new Error(`${twin.name}: strong fairness has no Promela twin here (pan -f is weak fairness)`);
  }
  if (twin.inits.length === 0) throw new Error(`${twin.name}: no initial state`);
  const fair = twin.instances.filter((a) => a.fairness === "weak").length;
  const mixed = (options.noops ?? true) && fair > 0 && fair < twin.instances.length;
  const lines = [
    `/* Promela twin of ${twin.name}: one process per action instance (see spin_liveness.ts). */`,
    "bit ready;  /* the initial state is set */",
    "bit halted; /* the behaviour ended at a terminal state */",
    ...(mixed ? ["byte nop;   /* how far the no-op round of the unfair instances has got */"] : []),
    ...twin.variables.map((v) => `byte ${v};`),
    "",
  ];
  const choice = twin.inits.map((sets) => sets.length === 0 ? "skip" : sets.join("; "));
  lines.push(
    choice.length === 1
      ? `init { atomic { ${choice[0]}; ready = 1 } }`
      : `init { atomic { if ${choice.map((c) => `:: ${c}`).join(" ")} fi; ready = 1 } }`,
    "",
  );
  let unfair = 0;
  twin.instances.forEach((a, i) => {
    const reset = mixed ? "; nop = 0" : "";
    const effect = a.effect.length === 0 ? "skip" : a.effect.join("; ");
    lines.push(
      `active proctype a${i}() { /* ${a.name}, ${a.fairness} */`,
      "end:",
      "  do",
      `  :: d_step { ready && !halted && (${a.guard}) -> ${effect}${reset} }`,
    );
    if (mixed && a.fairness === "none") {
      lines.push(`  :: d_step { ready && !halted && nop == ${unfair} -> nop = ${unfair + 1} }`);
      unfair++;
    }
    lines.push("  od", "}");
  });
  if (twin.terminal !== undefined) {
    lines.push(`active proctype stop() { d_step { ready && !halted && (${twin.terminal}) -> halted = 1 } }`);
  }
  lines.push("");
  twin.properties.forEach((p, i) => {
    lines.push(
      p.kind === "eventually"
        ? `ltl p${i} { <> (ready && (${p.p})) } /* ${p.name} */`
        : `ltl p${i} { [] ((ready && (${p.t})) -> <> (ready && (${p.r}))) } /* ${p.name} */`,
    );
  });
  return lines.join("\n") + "\n";
}

/** Whether spin and gcc are on PATH. */
export function spinAvailable(): { available: boolean; missing: string[] } {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "");
  const onPath = (name: string) =>
    dirs.some((dir) => {
      try {
        return Deno.statSync(`${dir}/${name}`).isFile;
      } catch {
        return false;
      }
    });
  const missing = ["spin", "gcc"].filter((name) => !onPath(name));
  return { available: missing.length === 0, missing };
}

async function run(cwd: string, cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} exited with ${out.code}:\n${text}`);
  return text;
}

/** SPIN's verdicts on a twin's properties, under weak fairness (`pan -f`) or none. */
export interface SpinVerdicts {
  /** By property name. */
  readonly properties: Readonly<Record<string, "holds" | "violated">>;
  /** Whether pan ran with -f. */
  readonly fair: boolean;
}

/**
 * Writes the twin, translates and compiles it once, and runs pan on every property for each fairness
 * in `runs` (true: `-f`; false: none). `keep` leaves the directory (with model.pml) and names it.
 */
export async function spinVerdicts(
  twin: Twin,
  runs: readonly boolean[],
  options: { keep?: boolean; depth?: number; noops?: boolean } = {},
): Promise<SpinVerdicts[]> {
  const dir = await Deno.makeTempDir({ prefix: "hvcheck_spin_liveness_" });
  try {
    await Deno.writeTextFile(`${dir}/model.pml`, promela(twin, options));
    await run(dir, "spin", ["-a", "model.pml"]);
    const nfair = processCount(twin) + 1; // pan needs fewer (4 * NFAIR - 2 processes); this is ample
    await run(dir, "gcc", [
      "-O0",
      "-w",
      `-DNFAIR=${nfair}`,
      "-DNOREDUCE",
      "-DMEMLIM=512",
      "-o",
      "pan",
      "pan.c",
    ]);
    const results: SpinVerdicts[] = [];
    for (const fair of runs) {
      const properties = new Map<string, "holds" | "violated">();
      for (let i = 0; i < twin.properties.length; i++) {
        const args = [
          "-a",
          ...(fair ? ["-f"] : []),
          `-m${options.depth ?? 100_000}`,
          "-w18",
          "-n",
          "-N",
          `p${i}`,
        ];
        const out = await run(dir, "./pan", args);
        if (/max search depth too small/.test(out)) throw new Error(`pan ${args.join(" ")}: depth too small`);
        const errors = Number(out.match(/errors: (\d+)/)?.[1] ?? NaN);
        if (!Number.isFinite(errors)) throw new Error(`pan ${args.join(" ")}: no error count in\n${out}`);
        if (errors > 0 && !/acceptance cycle/.test(out)) {
          throw new Error(`pan ${args.join(" ")}: an error that is not an acceptance cycle:\n${out}`);
        }
        properties.set(twin.properties[i]!.name, errors === 0 ? "holds" : "violated");
      }
      results.push({ properties: Object.fromEntries(properties), fair });
    }
    return results;
  } finally {
    if (options.keep) console.log(`spin_liveness: kept ${dir}`);
    else await Deno.remove(dir, { recursive: true });
  }
}

/** A Promela expression for a random model's predicate. */
function expression(structure: RandomStructure, e: Expr): string {
  if ("not" in e) return `!(${expression(structure, e.not)})`;
  if ("and" in e) return `(${expression(structure, e.and[0])} && ${expression(structure, e.and[1])})`;
  if ("or" in e) return `(${expression(structure, e.or[0])} || ${expression(structure, e.or[1])})`;
  const terms = e.any.map((i) => {
    const leaf = structure.leaves[i]!;
    const index = leaf.values.indexOf(e.value as Value);
    if (!leaf.active) return index === 0 ? "1" : "0"; // never written: always its zero
    return index < 0 ? "0" : `v${i} == ${index}`;
  });
  return `(${terms.join(" || ")})`;
}

/**
 * The twin of the random model with liveness of `seed` (random_model.ts's `randomLivenessCase`, same
 * arguments): each active leaf a variable holding the index of its value in the leaf's value list.
 * Fairness is worked out from the structure, as model.ts does it (an action's own, else the default).
 */
export function randomTwin(seed: number, names = 0, mode: FairnessMode = "generated"): Twin {
  const structure = generate(seed, names, true).structure;
  const adjust = (f: "weak" | "strong" | undefined) =>
    mode === "none" ? undefined : mode === "weak" && f === "strong" ? "weak" : f;
  const variables = structure.leaves.flatMap((l, i) => l.active ? [`v${i}`] : []);
  const inits = structure.inits.map((sets) =>
    sets.map(({ leaf, value }) => `v${leaf} = ${structure.leaves[leaf]!.values.indexOf(value)}`)
  );
  const instances: TwinInstance[] = [];
  for (const a of structure.actions) {
    const fairness: Fairness = adjust(a.fair) ?? adjust(structure.fairness) ?? "none";
    const guard = a.guard ? expression(structure, a.guard) : "1";
    const variants: { k: number; by: number; label: string }[] = a.k > 0
      ? Array.from({ length: a.k }, (_, k) => ({ k, by: 1, label: `${a.name}(k=${k})` }))
      : a.twice
      ? [false, true].map((twice) => ({ k: 0, by: twice ? 2 : 1, label: `${a.name}(twice=${twice})` }))
      : [{ k: 0, by: 1, label: a.name }];
    for (const { k, by, label } of variants) {
      const effect = a.writes.map((w) => {
        const leaf = w.param ? w.leaves[k]! : w.leaves[0]!;
        const n = structure.leaves[leaf]!.values.length;
        return w.constant >= 0 ? `v${leaf} = ${w.constant % n}` : `v${leaf} = (v${leaf} + ${by}) % ${n}`;
      });
      instances.push({ name: label, guard, effect, fairness });
    }
  }
  return {
    name: `random_liveness seed=${seed} names=${names} fairness=${mode}`,
    variables,
    inits: inits.length === 0 ? [[]] : inits,
    instances,
    ...(structure.terminal ? { terminal: expression(structure, structure.terminal) } : {}),
    properties: structure.liveness.map((p) =>
      p.kind === "eventually"
        ? { name: p.name, kind: "eventually", p: expression(structure, p.p) }
        : { name: p.name, kind: "leadsTo", t: expression(structure, p.t), r: expression(structure, p.r) }
    ),
  };
}

/**
 * The hand-written twin of page_sharing.ts with `pages` pages, its revoke weakly fair: run with `-f`
 * it is the model with `revoke: "weak"`, without it the model with `revoke: "none"`.
 */
export function pageSharingTwin(pages: number): Twin {
  const each = <T>(f: (i: number) => T): T[] => Array.from({ length: pages }, (_, i) => f(i));
  return {
    name: `page_sharing pages=${pages}`,
    variables: [...each((i) => `shared${i}`), ...each((i) => `data${i}`)],
    inits: [[]],
    instances: [
      ...each((i): TwinInstance => ({
        name: `share(page=${i})`,
        guard: `!shared${i}`,
        effect: [`shared${i} = 1`],
        fairness: "none",
      })),
      ...each((i): TwinInstance => ({
        name: `revoke(page=${i})`,
        guard: `shared${i}`,
        effect: [`shared${i} = 0`],
        fairness: "weak",
      })),
      ...each((i): TwinInstance => ({
        name: `host_write(page=${i})`,
        guard: `shared${i}`,
        effect: [`data${i} = 1 - data${i}`],
        fairness: "none",
      })),
    ],
    properties: [
      ...each((i): TwinProperty => ({
        name: `page${i}_revoked`,
        kind: "leadsTo",
        t: `shared${i}`,
        r: `!shared${i}`,
      })),
      { name: "host_writes", kind: "eventually", p: each((i) => `data${i}`).join(" || ") },
    ],
  };
}
