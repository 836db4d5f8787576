/**
 * Orbit counts of page_ownership (fixed=true) under symmetry reduction: hvcheck with the pages declared
 * symmetric against Rumur with the pages as a scalarset under --symmetry-reduction=exhaustive, and the
 * closed form 2*C(N+3, 3) + 2*C(N+2, 2) (a state is a multiset of per-page values: 4 while running, 3
 * while a kexec is pending, times two generations).
 *
 *   deno run -A bench/symmetry_orbits.ts [--from 3] [--to 8] [--rumur-max 6]
 *
 * Rumur is skipped, with a message, when `rumur` is not on PATH, and above --rumur-max pages: its
 * exhaustive reduction tries all N! permutations of every state it generates (N=6: 3.8 s; N=7 did not
 * finish in 5 minutes on 2 shared cores).
 */
import { checkSync } from "../mod.ts";
import pageOwnership from "../models/page_ownership.ts";
import { onPath, runReference } from "./reference/run_reference.ts";

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

/** The number of orbits of page_ownership with fixed=true and N pages. */
export function pageOwnershipOrbits(n: number): number {
  return 2 * binomial(n + 3, 3) + 2 * binomial(n + 2, 2);
}

function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

if (import.meta.main) {
  const from = flag("--from", 3), to = flag("--to", 8), rumurMax = flag("--rumur-max", 6);
  const rumur = onPath("rumur");
  if (!rumur) console.log("rumur is not on PATH: Rumur's columns are skipped.");
  const rows: Record<string, unknown>[] = [];
  for (let pages = from; pages <= to; pages++) {
    const plain = checkSync(pageOwnership, { params: { pages, fixed: true } });
    const reduced = checkSync(pageOwnership, { params: { pages, fixed: true, symmetry: true } });
    const row: Record<string, unknown> = {
      N: pages,
      states: plain.distinctStates,
      "hvcheck orbits": reduced.distinctStates,
      formula: pageOwnershipOrbits(pages),
      "hvcheck s": Number(reduced.seconds.toFixed(3)),
      "hvcheck s (no symmetry)": Number(plain.seconds.toFixed(3)),
    };
    if (rumur && pages > rumurMax) {
      console.log(`N=${pages}: Rumur skipped (above --rumur-max ${rumurMax}).`);
      row.match = reduced.distinctStates === pageOwnershipOrbits(pages);
    } else if (rumur) {
      const r = await runReference({
        tool: "rumur",
        pages,
        fixed: true,
        check: true,
        bfs: true,
        threads: 1,
        symmetry: true,
      });
      row["rumur orbits"] = r.states;
      row["rumur search s"] = r.searchSeconds;
      row["rumur compile s"] = r.compileSeconds;
      row.match = r.states === reduced.distinctStates && r.states === pageOwnershipOrbits(pages);
    } else {
      row.match = reduced.distinctStates === pageOwnershipOrbits(pages);
    }
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  console.table(rows);
  if (rows.some((row) => row.match !== true)) {
    console.log("MISMATCH: the orbit counts differ");
    Deno.exit(1);
  }
}
