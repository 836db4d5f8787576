/**
 * Promela twin of page_ownership's liveness variant (`liveness=true`), for SPIN's `pan -a -f`.
 *
 * Written as a Twin of src/crosscheck/spin_liveness.ts and printed by its `promela(twin)`, so the
 * encoding is the one the liveness cross-check already holds to the naive checker: one process per action
 * instance (alloc i, share i, unmap i, revoke i, free i, host_write i, kexec_start, kexec_complete), each
 * `do :: d_step { guard -> effect } od`, so that `pan -f` (every process weakly fair) is weak fairness per
 * instance; the unfair instances (host_write i, and unmap i when `fairHost` is false) each get a no-op in a
 * rotation, so `-f` asks nothing of them; an `init` process sets `ready` and the formula only judges states
 * where it is set. The model's initial state is the all-zero vector, so `init` assigns nothing else.
 *
 * The property is page_ownership's shared_page_is_taken_back,
 * `[] ((ready && owner[0] == SHARED) -> <> (ready && owner[0] != SHARED))`.
 *
 * What the encoding costs SPIN beside the model's own states: the never claim (the product with the
 * negated formula), the no-op rotation (the `nop` byte takes up to one more value than there are unfair
 * instances at each model state), and `-f` itself, which runs the search over up to (processes + 2)
 * copies of the product.
 */
import { processCount, promela, type Twin, type TwinInstance } from "../../src/crosscheck/spin_liveness.ts";
import { assertPages } from "./page_ownership_pml.ts";

/** Parameters of the liveness twin (the model's `fixed` and `check` are those of its default: true). */
export interface LivenessTwinOptions {
  /** The host's unmap is weakly fair (page_ownership's `fairHost`, default true). */
  readonly fairHost: boolean;
}

/** The Twin of page_ownership with `liveness=true` and `fairHost` as given, `n` pages. */
export function pageOwnershipTwin(n: number, options: LivenessTwinOptions): Twin {
  assertPages(n);
  const pages = Array.from({ length: n }, (_, i) => i);
  const instances: TwinInstance[] = pages.flatMap((i): TwinInstance[] => {
    const o = `owner[${i}]`;
    const h = `host[${i}]`;
    return [
      { name: `alloc ${i}`, guard: `!pending && ${o} == FREE`, effect: [`${o} = GUEST`], fairness: "weak" },
      {
        name: `share ${i}`,
        guard: `!pending && ${o} == GUEST`,
        effect: [`${o} = SHARED`, `${h} = 1`],
        fairness: "weak",
      },
      { name: `unmap ${i}`, guard: h, effect: [`${h} = 0`], fairness: options.fairHost ? "weak" : "none" },
      {
        name: `revoke ${i}`,
        guard: `!pending && ${o} == SHARED && !${h}`,
        effect: [`${o} = GUEST`],
        fairness: "weak",
      },
      { name: `free ${i}`, guard: `!pending && ${o} == GUEST`, effect: [`${o} = FREE`], fairness: "weak" },
      // A self-loop while the page is mapped; never fair.
      { name: `host_write ${i}`, guard: h, effect: [], fairness: "none" },
    ];
  });
  instances.push(
    {
      name: "kexec_start",
      guard: ["!pending", ...pages.map((i) => `!host[${i}]`)].join(" && "),
      effect: ["pending = 1"],
      fairness: "weak",
    },
    {
      name: "kexec_complete",
      guard: "pending",
      effect: [...pages.map((i) => `owner[${i}] = FREE`), "gen = 1 - gen", "pending = 0"],
      fairness: "weak",
    },
  );
  return {
    name: `page_ownership pages=${n} liveness=true fairHost=${options.fairHost}`,
    // Byte arrays are zero at first like the twin's scalar variables.
    variables: [`owner[${n}]`, `host[${n}]`, "gen", "pending"],
    inits: [[]],
    instances,
    properties: [{
      name: "shared_page_is_taken_back",
      kind: "leadsTo",
      t: "owner[0] == SHARED",
      r: "owner[0] != SHARED",
    }],
  };
}

/** The Promela text of the twin: the owner constants, then spin_liveness.ts's `promela(twin)`. */
export function promelaLiveness(n: number, options: LivenessTwinOptions): string {
  return [
    `/* page_ownership: pages=${n} fixed=true liveness=true fairHost=${options.fairHost} */`,
    "#define FREE 0",
    "#define GUEST 1",
    "#define SHARED 2",
    "",
    promela(pageOwnershipTwin(n, options)),
  ].join("\n");
}

/**
 * The `-DNFAIR` the verifier is compiled with, as spin_liveness.ts computes it (one more than the
 * processes; pan needs only 4·NFAIR - 2 of them, so this is ample).
 */
export function nfair(n: number, options: LivenessTwinOptions): number {
  return processCount(pageOwnershipTwin(n, options)) + 1;
}
