/**
 * Proof gates: a model, its parameters, the expected verdict of every property, a floor on the number
 * of distinct states (so a gate fails when a model silently shrinks), and one sentence on why the gate
 * exists. `deno task check` runs them all; CI fails when one misses its expectation.
 *
 * @module
 */

/** What a gate expects of one property. `{ violated: n }`: violated, shortest trace of n actions. */
export type Expectation = "holds" | "witnessed" | "not witnessed" | { readonly violated: number };

/** One proof gate. */
export interface Gate {
  /** Unique name, such as `page_ownership_fixed_n6`. */
  readonly name: string;
  /** Registered model name (models/mod.ts). */
  readonly model: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Every property of the model (and `deadlock` unless the model turns it off) must be listed. */
  readonly expect: Readonly<Record<string, Expectation>>;
  /** The search must store at least this many distinct states. */
  readonly minStates: number;
  /** One sentence: why the gate exists, and why these bounds are enough to trust it. */
  readonly why: string;
  /** `slow` gates run only when named or with `check --slow`. */
  readonly tags?: readonly string[];
  /** Search limits for the gate; hitting one makes the gate fail (a proof must be complete). */
  readonly maxStates?: number;
}

/**
 * Declares a gate, checking its shape.
 *
 * @example
 * ```ts
 * import { gate } from "./gate.ts";
 * const g = gate({
 *   name: "page_ownership_buggy_n2",
 *   model: "page_ownership",
 *   params: { pages: 2, fixed: false },
 *   expect: { host_mapped_implies_shared: { violated: 4 }, deadlock: "holds" },
 *   minStates: 40,
 *   why: "Without the fix the host keeps writing a page the next kernel allocates.",
 * });
 * ```
 */
export function gate(spec: Gate): Gate {
  if (!/^[A-Za-z0-9_.-]+$/.test(spec.name ?? "")) {
    throw new TypeError(
      `Expected a gate name like page_ownership_fixed_n6 but found ${JSON.stringify(spec.name)}`,
    );
  }
  if (typeof spec.why !== "string" || spec.why.trim() === "") {
    throw new TypeError(`Gate ${spec.name} must say why it exists`);
  }
  if (!Number.isInteger(spec.minStates) || spec.minStates < 1) {
    throw new TypeError(`Gate ${spec.name} must set minStates to a positive integer`);
  }
  for (const [name, e] of Object.entries(spec.expect ?? {})) {
    const ok = e === "holds" || e === "witnessed" || e === "not witnessed" ||
      (typeof e === "object" && e !== null && Number.isInteger(e.violated) && e.violated >= 0);
    if (!ok) throw new TypeError(`Gate ${spec.name}: bad expectation for ${name}: ${JSON.stringify(e)}`);
  }
  return Object.freeze({ ...spec });
}
