/**
 * What the search has found so far: per property, its first finding (a counterexample or a witness),
 * the one with the smallest key among those of the shallowest level. Which properties are still
 * undecided, and whether a finding is a failure, are read from the kinds table (src/model/properties.ts).
 *
 * @module
 */

import type { ChunkedArray } from "../store/chunked_array.ts";
import { type Finding, keyOf } from "../store/keys.ts";
import {
  type CheckedProperty,
  isSafety,
  PROPERTY_KINDS,
  type PropertyKindRule,
} from "../model/properties.ts";

/** The findings of one search, indexed like the instance's properties. */
export class Findings {
  readonly #properties: readonly CheckedProperty[];
  readonly #found: (Finding | undefined)[];
  readonly #deadlock: number;

  constructor(properties: readonly CheckedProperty[]) {
    this.#properties = properties;
    this.#found = new Array(properties.length);
    this.#deadlock = properties.findIndex((p) => p.kind === "deadlock");
  }

  /** Per property index, its finding or undefined (what the outcome and a checkpoint keep). */
  get list(): readonly (Finding | undefined)[] {
    return this.#found;
  }

  /** Restores findings from a checkpoint. */
  restore(saved: readonly (Finding | null)[]): void {
    saved.forEach((f, i) => this.#found[i] = f ?? undefined);
  }

  /** Undecided properties checked on `on`, those whose finding is a `finding` when it is given. */
  undecided(on: PropertyKindRule["checkedOn"], finding?: PropertyKindRule["finding"]): number[] {
    return this.#properties.flatMap((p, i) => {
      const rule = PROPERTY_KINDS[p.kind];
      const wanted = rule.checkedOn === on && (finding === undefined || rule.finding === finding);
      return wanted && this.#found[i] === undefined ? [i] : [];
    });
  }

  /** Keeps, per property still undecided, the candidate with the smallest key. */
  decide(candidates: readonly Finding[]): void {
    const best = new Map<number, Finding>();
    for (const f of candidates) {
      const known = best.get(f.property);
      if (!known || keyOf(f.parent, f.action) < keyOf(known.parent, known.action)) best.set(f.property, f);
    }
    for (const [property, finding] of best) this.#found[property] ??= finding;
  }

  /**
   * Decides deadlock by the deadlocked states the workers report (their ids, -1 for none): the one with
   * the smallest id, named by its own key, as every finding is.
   */
  decideDeadlock(ids: readonly number[], parents: ChunkedArray, actions: ChunkedArray, depth: number): void {
    const deadlocked = ids.filter((id) => id >= 0);
    if (deadlocked.length === 0 || this.#deadlock < 0 || this.#found[this.#deadlock] !== undefined) return;
    const id = Math.min(...deadlocked);
    this.#found[this.#deadlock] = {
      property: this.#deadlock,
      parent: parents.get(id),
      action: actions.get(id),
      length: depth,
    };
  }

  /** Whether some safety property is violated. */
  violationFound(): boolean {
    return this.#found.some((f, i) => f !== undefined && isSafety(this.#properties[i]!.kind));
  }

  /** Whether every property is decided, so that searching on can change no result. */
  allDecided(): boolean {
    return this.#found.length > 0 && [...this.#found.keys()].every((i) => this.#found[i] !== undefined);
  }
}
