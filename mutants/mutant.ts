/**
 * Bug mutants: plausible kernel changes planted in a model's fixed variants. Each one is a single
 * textual edit of a model file, so what it stands for is visible in a diff, and the gates of the model must
 * catch it by a property (a proved invariant that fails, a witness no longer found, a liveness property
 * violated), never by a state-count floor or a pinned trace length alone.
 *
 * @module
 */

/** One bug mutant of a model. */
export interface Mutant {
  /** Unique within the model, such as `hv_suspend_skips_cpu0`. */
  readonly name: string;
  /** One line: the kernel (or hypervisor) change this mutant stands for. */
  readonly change: string;
  /** The model file edited, relative to the repository root, such as `models/hv_vp_assist.ts`. */
  readonly file: string;
  /** Text that occurs exactly once in `file`. */
  readonly find: string;
  /** What replaces it. */
  readonly replace: string;
  /**
   * Only for a mutant that no gate can catch: one sentence arguing it behaves as the unmutated model does
   * on every variant the gates check. Such a mutant is expected to survive.
   */
  readonly equivalent?: string;
}

/** The mutants of one model. */
export interface ModelMutants {
  /** Registered model name (models/mod.ts); its gates in checks/ are the ones run against each mutant. */
  readonly model: string;
  readonly mutants: readonly Mutant[];
}

/**
 * Declares the mutants of a model, checking their shape.
 *
 * @example
 * ```ts
 * import { mutants } from "./mutant.ts";
 * const m = mutants("page_ownership", [{
 *   name: "kexec_ignores_host_bit",
 *   change: "kexec frees a page the host still maps",
 *   file: "models/page_ownership.ts",
 *   find: "!s.host[p]",
 *   replace: "true",
 * }]);
 * console.assert(m.mutants.length === 1);
 * ```
 */
export function mutants(model: string, list: readonly Mutant[]): ModelMutants {
  const seen = new Set<string>();
  for (const m of list) {
    if (!/^[A-Za-z0-9_]+$/.test(m.name ?? "")) {
      throw new TypeError(
        `Expected a mutant name like hv_suspend_skips_cpu0 but found ${JSON.stringify(m.name)}`,
      );
    }
    if (seen.has(m.name)) throw new TypeError(`Mutant ${model}/${m.name} is declared twice`);
    seen.add(m.name);
    for (const field of ["change", "file", "find"] as const) {
      if (typeof m[field] !== "string" || m[field].trim() === "") {
        throw new TypeError(`Mutant ${model}/${m.name} must set ${field}`);
      }
    }
    if (typeof m.replace !== "string" || m.replace === m.find) {
      throw new TypeError(`Mutant ${model}/${m.name} must replace its text with something else`);
    }
    if (m.equivalent !== undefined && m.equivalent.trim() === "") {
      throw new TypeError(`Mutant ${model}/${m.name}: an equivalent mutant must say why in a sentence`);
    }
  }
  return Object.freeze({ model, mutants: Object.freeze([...list]) });
}

/**
 * The text of a mutant's file with its edit applied; throws a TypeError unless `find` occurs exactly once.
 *
 * @example
 * ```ts
 * import { applyMutant } from "./mutant.ts";
 * const m = { name: "m", change: "c", file: "f.ts", find: "a < n", replace: "a <= n" };
 * console.assert(applyMutant("if (a < n) f();", m) === "if (a <= n) f();");
 * ```
 */
export function applyMutant(text: string, m: Mutant): string {
  const first = text.indexOf(m.find);
  const count = first < 0 ? 0 : text.split(m.find).length - 1;
  if (count !== 1) {
    throw new TypeError(
      `Mutant ${m.name}: its text occurs ${count} times in ${m.file}; it must occur exactly once`,
    );
  }
  return text.slice(0, first) + m.replace + text.slice(first + m.find.length);
}
