/**
 * Symmetry reduction: the engine stores one canonical representative per orbit of the declared
 * symmetric index sets, so the distinct-state count is the number of orbits.
 *
 * A permutation π of a set acts on a state by moving every array indexed by the set (new[π(i)] =
 * old[i]) and by mapping every `elementOf` value v >= 0 to π(v), in nested records and arrays too.
 * Several sets permute independently (the group is their product).
 *
 * Two canonical forms, both exact (two states get the same form iff a permutation maps one onto the
 * other):
 * - sorting, for a set that no `elementOf` value names and whose arrays hold nothing another symmetric
 *   set moves (and no array of the set inside another): the set's rows (the per-index tuples of every
 *   array indexed by it) are sorted. Equal rows are interchangeable, so the sorted rows name the orbit.
 * - exhaustive, for every other set: the lexicographically least packed words over every permutation
 *   of those sets, refused beyond MAX_PERMUTATIONS.
 * The two kinds of set move disjoint bit fields, so sorting the first and then minimising over the
 * second is a canonical form of the product group.
 *
 * The hot path allocates nothing: every scalar's (word, shift, mask) is precomputed, and the
 * permutations of the exhaustive sets are tabulated as slot-to-slot maps.
 *
 * @module
 */

import type { ArrayDomain, Domain, RecordDomain, Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import type { RecordShape, Shape } from "../state/layout.ts";
import type { ActionInstance, ModelInstance } from "./model.ts";
import type { ActionLabel } from "./properties.ts";
import { createReadonlyView, createView } from "../state/state_view.ts";
import { Stepper } from "./step.ts";

/** Most permutations the exhaustive canonical form enumerates per state (7!). */
export const MAX_PERMUTATIONS = 5040;

/** One symmetric set as the state uses it. */
interface SymmetricSet {
  readonly name: string;
  readonly size: number;
  /** Whether some elementOf value names it. */
  named: boolean;
}

/** Every scalar of the state, in layout tree order, and how the symmetric sets move it. */
interface Analysis {
  readonly sets: readonly SymmetricSet[];
  readonly slots: number;
  readonly word: Int32Array;
  readonly shift: Int32Array;
  readonly mask: Int32Array;
  /** Symmetric set an elementOf slot names, or -1. */
  readonly elementSet: Int32Array;
  /** Raw value of element 0 in an elementOf slot: 1 when -1 (none) is allowed, else 0. */
  readonly elementBase: Int32Array;
  /** Enclosing arrays indexed by a symmetric set: `pathStart[j]..pathStart[j + 1]` into the path arrays. */
  readonly pathStart: Int32Array;
  readonly pathSet: Int32Array;
  readonly pathIndex: Int32Array;
  /** Slots per element of that array: moving element i to π(i) moves the slot by (π(i) - i) * stride. */
  readonly pathStride: Int32Array;
}

interface SlotBuilder {
  word: number[];
  shift: number[];
  mask: number[];
  elementSet: number[];
  elementBase: number[];
  paths: { set: number; index: number; stride: number }[][];
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (2 ** bits - 1) | 0;
}

/** Number of scalars in a domain. */
function scalarCount(domain: Domain): number {
  switch (domain.kind) {
    case "array":
      return domain.length * scalarCount(domain.element);
    case "record":
      return Object.values(domain.fields).reduce((sum, d) => sum + scalarCount(d), 0);
    default:
      return 1;
  }
}

/** Index sets used by a domain (arrays and elementOf values), with their sizes. */
function usedSets(domain: Domain, out: Map<string, number>, where: string): void {
  const note = (name: string, size: number) => {
    const known = out.get(name);
    if (known !== undefined && known !== size) {
      throw new InputError(
        `${where}: index set "${name}" is used with sizes ${known} and ${size}; one name must mean one set.`,
      );
    }
    out.set(name, size);
  };
  switch (domain.kind) {
    case "int":
      if (domain.elementOf !== undefined) note(domain.elementOf, domain.max + 1);
      return;
    case "array":
      if (domain.indexedBy !== undefined) note(domain.indexedBy, domain.length);
      usedSets(domain.element, out, where);
      return;
    case "record":
      for (const field of Object.values(domain.fields)) usedSets(field, out, where);
      return;
    default:
      return;
  }
}

function analyse(
  domain: RecordDomain,
  shape: RecordShape,
  symmetric: readonly string[],
  where: string,
): Analysis {
  const used = new Map<string, number>();
  usedSets(domain, used, where);
  const sets: SymmetricSet[] = [];
  for (const name of new Set(symmetric)) {
    const size = used.get(name);
    if (size === undefined) {
      throw new InputError(
        `${where} declares symmetry on "${name}", but no state variable uses an index set of that name ` +
          `(declare arrays with arrayOf(indexSet("${name}", n), ...) or values with elementOf(set)).`,
      );
    }
    sets.push({ name, size, named: false });
  }
  const setIndex = new Map(sets.map((s, i) => [s.name, i]));
  const b: SlotBuilder = { word: [], shift: [], mask: [], elementSet: [], elementBase: [], paths: [] };
  const walk = (
    d: Domain,
    s: Shape,
    word: number,
    shift: number,
    path: { set: number; index: number; stride: number }[],
  ): void => {
    if (s.kind === "scalar") {
      b.word.push(word);
      b.shift.push(shift);
      b.mask.push(maskOf(s.bits));
      const named = d.kind === "int" && d.elementOf !== undefined ? setIndex.get(d.elementOf) : undefined;
      b.elementSet.push(named ?? -1);
      b.elementBase.push(d.kind === "int" ? -d.min : 0);
      if (named !== undefined) sets[named]!.named = true;
      b.paths.push(path);
      return;
    }
    if (s.kind === "record") {
      const fields = (d as RecordDomain).fields;
      for (const f of s.fields) walk(fields[f.name]!, f.shape, word + f.word, shift + f.shift, path);
      return;
    }
    const array = d as ArrayDomain;
    const symmetricSet = array.indexedBy === undefined ? undefined : setIndex.get(array.indexedBy);
    const stride = scalarCount(array.element);
    for (let i = 0; i < s.length; i++) {
      const w = s.element.small ? word + ((i / s.perWord) | 0) : word + i * s.elementWords;
      const sh = s.element.small ? shift + (i % s.perWord) * s.element.size : shift;
      walk(
        array.element,
        s.element,
        w,
        sh,
        symmetricSet === undefined ? path : [...path, {
          set: symmetricSet,
          index: i,
          stride,
        }],
      );
    }
  };
  walk(domain, shape, 0, 0, []);
  const slots = b.word.length;
  const pathStart = new Int32Array(slots + 1);
  const flat = b.paths.flat();
  let at = 0;
  b.paths.forEach((p, j) => {
    pathStart[j] = at;
    at += p.length;
  });
  pathStart[slots] = at;
  return {
    sets,
    slots,
    word: Int32Array.from(b.word),
    shift: Int32Array.from(b.shift),
    mask: Int32Array.from(b.mask),
    elementSet: Int32Array.from(b.elementSet),
    elementBase: Int32Array.from(b.elementBase),
    pathStart,
    pathSet: Int32Array.from(flat, (p) => p.set),
    pathIndex: Int32Array.from(flat, (p) => p.index),
    pathStride: Int32Array.from(flat, (p) => p.stride),
  };
}

/** Whether slot j is moved or mapped by some symmetric set. */
function affected(a: Analysis, j: number): boolean {
  return a.elementSet[j]! >= 0 || a.pathStart[j + 1]! > a.pathStart[j]!;
}

/**
 * Writes π(src) into dst, where `perms[k]` is the permutation of symmetric set k (new position of element
 * i is perms[k][i]); an undefined entry leaves that set alone.
 */
function permuteWords(
  a: Analysis,
  src: Uint32Array,
  dst: Uint32Array,
  perms: readonly (Int32Array | undefined)[],
): void {
  dst.set(src);
  for (let j = 0; j < a.slots; j++) {
    if (!affected(a, j)) continue;
    const mask = a.mask[j]!;
    let raw = (src[a.word[j]!]! >>> a.shift[j]!) & mask;
    const e = a.elementSet[j]!;
    if (e >= 0) {
      const base = a.elementBase[j]!;
      const perm = perms[e];
      if (perm !== undefined && raw >= base) raw = perm[raw - base]! + base;
    }
    let target = j;
    for (let k = a.pathStart[j]!; k < a.pathStart[j + 1]!; k++) {
      const perm = perms[a.pathSet[k]!];
      if (perm !== undefined) target += (perm[a.pathIndex[k]!]! - a.pathIndex[k]!) * a.pathStride[k]!;
    }
    const w = a.word[target]!, sh = a.shift[target]!;
    dst[w] = (dst[w]! & ~(a.mask[target]! << sh)) | (raw << sh);
  }
}

/** Every permutation of 0..n-1 in lexicographic order (the identity first), flattened. */
function allPermutations(n: number): Int32Array[] {
  const out: Int32Array[] = [];
  const current = Int32Array.from({ length: n }, (_, i) => i);
  while (true) {
    out.push(current.slice());
    let i = n - 2;
    while (i >= 0 && current[i]! > current[i + 1]!) i--;
    if (i < 0) return out;
    let j = n - 1;
    while (current[j]! < current[i]!) j--;
    [current[i], current[j]] = [current[j]!, current[i]!];
    current.subarray(i + 1).reverse();
  }
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** A set can be canonicalised by sorting its rows (see the module comment). */
function sortable(a: Analysis, set: number): boolean {
  if (a.sets[set]!.named) return false;
  for (let j = 0; j < a.slots; j++) {
    const start = a.pathStart[j]!, end = a.pathStart[j + 1]!;
    let mentions = false;
    for (let k = start; k < end; k++) if (a.pathSet[k] === set) mentions = true;
    if (!mentions) continue;
    if (end - start !== 1 || a.elementSet[j]! >= 0) return false;
  }
  return true;
}

/** The sorting canonicaliser of one set: rows[i * width + k] is the k-th slot of element i. */
function sorter(a: Analysis, set: number): (words: Uint32Array) => void {
  const n = a.sets[set]!.size;
  const perIndex: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < a.slots; j++) {
    const k = a.pathStart[j]!;
    if (a.pathStart[j + 1]! - k === 1 && a.pathSet[k] === set) perIndex[a.pathIndex[k]!]!.push(j);
  }
  const width = perIndex[0]!.length;
  const rows = Int32Array.from(perIndex.flat());
  const word = Int32Array.from(rows, (j) => a.word[j]!);
  const shift = Int32Array.from(rows, (j) => a.shift[j]!);
  const mask = Int32Array.from(rows, (j) => a.mask[j]!);
  const values = new Int32Array(rows.length);
  const order = new Int32Array(n);
  const less = (x: number, y: number): boolean => {
    for (let k = 0, px = x * width, py = y * width; k < width; k++) {
      const d = values[px + k]! - values[py + k]!;
      if (d !== 0) return d < 0;
    }
    return false;
  };
  return (words) => {
    for (let r = 0; r < rows.length; r++) values[r] = (words[word[r]!]! >>> shift[r]!) & mask[r]!;
    for (let i = 0; i < n; i++) {
      // Insertion sort: n is small, and it needs no comparator closure per call.
      let p = i;
      while (p > 0 && less(i, order[p - 1]!)) {
        order[p] = order[p - 1]!;
        p--;
      }
      order[p] = i;
    }
    for (let i = 0; i < n; i++) {
      const from = order[i]! * width, to = i * width;
      for (let k = 0; k < width; k++) {
        const w = word[to + k]!, sh = shift[to + k]!;
        words[w] = (words[w]! & ~(mask[to + k]! << sh)) | (values[from + k]! << sh);
      }
    }
  };
}

/** The exhaustive canonicaliser over the product of the given sets' permutation groups. */
function minimiser(a: Analysis, sets: readonly number[], words: number): (words: Uint32Array) => void {
  const perSet = sets.map((s) => allPermutations(a.sets[s]!.size));
  // The product group, as one table of per-set permutations per element (identity first).
  const group: (Int32Array | undefined)[][] = [];
  const pick = new Array<number>(sets.length).fill(0);
  while (true) {
    const perms: (Int32Array | undefined)[] = a.sets.map(() => undefined);
    sets.forEach((s, k) => perms[s] = perSet[k]![pick[k]!]!);
    group.push(perms);
    let k = sets.length - 1;
    while (k >= 0 && ++pick[k]! === perSet[k]!.length) pick[k--] = 0;
    if (k < 0) break;
  }
  const moved: number[] = [];
  for (let j = 0; j < a.slots; j++) {
    let mine = a.elementSet[j]! >= 0 && sets.includes(a.elementSet[j]!);
    for (let k = a.pathStart[j]!; k < a.pathStart[j + 1]!; k++) if (sets.includes(a.pathSet[k]!)) mine = true;
    if (mine) moved.push(j);
  }
  const m = moved.length;
  const srcWord = Int32Array.from(moved, (j) => a.word[j]!);
  const srcShift = Int32Array.from(moved, (j) => a.shift[j]!);
  const srcMask = Int32Array.from(moved, (j) => a.mask[j]!);
  const elementSet = Int32Array.from(moved, (j) => a.elementSet[j]!);
  const elementBase = Int32Array.from(moved, (j) => a.elementBase[j]!);
  // Per group element g and moved slot: target word, shift and mask; per group element and set: the map
  // of raw elementOf values (offset setOffset[set]).
  const g = group.length;
  const dstWord = new Int32Array(g * m), dstShift = new Int32Array(g * m), dstMask = new Int32Array(g * m);
  const setOffset = new Int32Array(a.sets.length);
  let totalSize = 0;
  a.sets.forEach((s, k) => {
    setOffset[k] = totalSize;
    totalSize += s.size;
  });
  const valueMap = new Int32Array(g * totalSize);
  group.forEach((perms, p) => {
    a.sets.forEach((s, k) => {
      for (let i = 0; i < s.size; i++) valueMap[p * totalSize + setOffset[k]! + i] = perms[k]?.[i] ?? i;
    });
    moved.forEach((j, x) => {
      let target = j;
      for (let k = a.pathStart[j]!; k < a.pathStart[j + 1]!; k++) {
        const perm = perms[a.pathSet[k]!];
        if (perm !== undefined) target += (perm[a.pathIndex[k]!]! - a.pathIndex[k]!) * a.pathStride[k]!;
      }
      dstWord[p * m + x] = a.word[target]!;
      dstShift[p * m + x] = a.shift[target]!;
      dstMask[p * m + x] = a.mask[target]!;
    });
  });
  const raw = new Int32Array(m);
  const best = new Uint32Array(words);
  const image = new Uint32Array(words);
  return (state) => {
    for (let x = 0; x < m; x++) raw[x] = (state[srcWord[x]!]! >>> srcShift[x]!) & srcMask[x]!;
    best.set(state);
    let changed = false;
    for (let p = 1; p < g; p++) {
      image.set(state);
      const at = p * m, values = p * totalSize;
      for (let x = 0; x < m; x++) {
        let v = raw[x]!;
        const e = elementSet[x]!;
        if (e >= 0) {
          const base = elementBase[x]!;
          if (v >= base) v = valueMap[values + setOffset[e]! + v - base]! + base;
        }
        const w = dstWord[at + x]!, sh = dstShift[at + x]!;
        image[w] = (image[w]! & ~(dstMask[at + x]! << sh)) | (v << sh);
      }
      for (let w = 0; w < words; w++) {
        const d = image[w]! - best[w]!;
        if (d === 0) continue;
        if (d < 0) {
          best.set(image);
          changed = true;
        }
        break;
      }
    }
    if (changed) state.set(best);
  };
}

/**
 * Compiles the canonicaliser of a state layout for the given symmetric sets: a function rewriting
 * packed words in place into the canonical representative of their orbit, or undefined when no set is
 * declared symmetric. Throws an InputError for a set no state variable uses, or when the exhaustive
 * form would need more than MAX_PERMUTATIONS permutations per state.
 */
export function compileCanonicalizer(
  domain: RecordDomain,
  shape: RecordShape,
  symmetric: readonly string[],
  modelName = "the model",
): ((words: Uint32Array) => void) | undefined {
  const where = modelName === "the model" ? "The model" : `Model ${modelName}`;
  if (!Array.isArray(symmetric) || symmetric.some((name) => typeof name !== "string")) {
    throw new InputError(`${where}: symmetry must be an array of index set names.`);
  }
  if (symmetric.length === 0) return undefined;
  const a = analyse(domain, shape, symmetric, where);
  const steps: ((words: Uint32Array) => void)[] = [];
  const exhaustive: number[] = [];
  a.sets.forEach((s, k) => {
    if (s.size < 2) return;
    if (sortable(a, k)) steps.push(sorter(a, k));
    else exhaustive.push(k);
  });
  if (exhaustive.length > 0) {
    const count = exhaustive.reduce((product, k) => product * factorial(a.sets[k]!.size), 1);
    if (count > MAX_PERMUTATIONS) {
      const names = exhaustive.map((k) => `"${a.sets[k]!.name}" (${a.sets[k]!.size} elements)`).join(", ");
      throw new InputError(
        `${where}: symmetry on ${names} needs the exhaustive canonical form over ${count} permutations per ` +
          `state, more than the limit of ${MAX_PERMUTATIONS}. The fast form (sorting) applies only to a set ` +
          `that no elementOf value names, whose arrays are not nested in one another, and whose array ` +
          `elements hold nothing another symmetric set moves. Use fewer elements or drop the declaration.`,
      );
    }
    steps.push(minimiser(a, exhaustive, shape.small ? 1 : shape.size));
  }
  if (steps.length === 0) return undefined;
  if (steps.length === 1) return steps[0]!;
  return (words) => {
    for (const step of steps) step(words);
  };
}

/** The symmetric set names a model spec declares for these parameter values. */
export function declaredSymmetry(
  spec: { readonly name: string; readonly symmetry?: unknown },
  params: unknown,
): readonly string[] {
  const declared = spec.symmetry;
  if (declared === undefined) return [];
  if (typeof declared !== "function") return declared as readonly string[];
  try {
    return (declared as (p: unknown) => readonly string[])(params);
  } catch (error) {
    throw new InputError(`Model ${spec.name}: symmetry() failed: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
}

/** The analysis of an instance's symmetry declaration, or undefined when it declares none. */
function analysisOf(instance: ModelInstance): Analysis | undefined {
  const symmetric = instance.symmetry;
  if (symmetric.length === 0) return undefined;
  return analyse(instance.domain, instance.shape, symmetric, `Model ${instance.name}`);
}

/** The sample permutations of one set: the adjacent transpositions and the full cycle. */
function samplePermutations(size: number): { perm: Int32Array; text: (set: string) => string }[] {
  const out: { perm: Int32Array; text: (set: string) => string }[] = [];
  for (let i = 0; i + 1 < size; i++) {
    const perm = Int32Array.from({ length: size }, (_, k) => k);
    perm[i] = i + 1;
    perm[i + 1] = i;
    out.push({ perm, text: (set) => `swapping ${set} ${i} and ${i + 1}` });
  }
  if (size > 2) {
    out.push({
      perm: Int32Array.from({ length: size }, (_, k) => (k + 1) % size),
      text: (set) => `rotating ${set} i to i+1 (mod ${size})`,
    });
  }
  return out;
}

function key(words: Uint32Array): string {
  return words.join(",");
}

/** The action label with its elementOf parameters of set `set` mapped by `perm`. */
function mapLabel(
  act: ActionInstance,
  setName: string,
  perm: Int32Array,
): ActionLabel {
  const domains = act.paramDomains;
  const params: Record<string, Value> = {};
  for (const [name, value] of Object.entries(act.label.params)) {
    const d = domains[name];
    params[name] = d?.kind === "int" && d.elementOf === setName && typeof value === "number" && value >= 0
      ? perm[value]!
      : value;
  }
  return { name: act.label.name, params };
}

function sameLabel(a: ActionLabel, b: ActionLabel): boolean {
  if (a.name !== b.name) return false;
  const keys = Object.keys(a.params);
  return keys.length === Object.keys(b.params).length && keys.every((k) => a.params[k] === b.params[k]);
}

/**
 * Checks, on sample states and sample permutations, that the model treats its declared symmetric sets
 * symmetrically; returns one warning per problem found (empty when none, or no symmetry is declared).
 *
 * The permutations are the adjacent transpositions and the full cycle of each set. The samples are the
 * initial states, `sampleWords`, and the first few hundred states of a breadth-first walk of the model
 * (without reduction). Checked: the initial states are closed under each permutation; every `always` and
 * `sometimes` property, `terminal` and `withinBoundary` give the same answer on a state and its image;
 * the successors of the image are the images of the successors; and each transition property gives the
 * same answer on a transition and its image (elementOf action parameters are mapped too). A warning
 * means the reduction may hide violations or report wrong ones.
 */
export function checkSymmetry(
  instance: ModelInstance,
  sampleWords: readonly Uint32Array[] = [],
  options: { maxSamples?: number } = {},
): string[] {
  const a = analysisOf(instance);
  if (!a) return [];
  const maxSamples = options.maxSamples ?? 300;
  const width = instance.words;
  const warnings: string[] = [];
  const reported = new Set<string>();
  const warn = (what: string, message: string) => {
    if (reported.has(what)) return;
    reported.add(what);
    warnings.push(message);
  };
  const scratch = new Uint32Array(width);
  const view = createView(scratch, instance.shape);
  const before = new Uint32Array(width);
  const beforeView = createReadonlyView(before, instance.shape);
  const other = new Uint32Array(width);
  const otherView = createReadonlyView(other, instance.shape);

  // Initial states and a breadth-first sample, concrete (no canonical forms).
  const inits: Uint32Array[] = [];
  try {
    for (const init of instance.inits) {
      scratch.fill(0);
      init(view, instance.params);
      inits.push(scratch.slice());
    }
  } catch {
    return warnings; // the search reports the model's own error
  }
  const stepper = new Stepper(instance);
  const successors = (state: Uint32Array): { act: ActionInstance; next: Uint32Array }[] => {
    const out: { act: ActionInstance; next: Uint32Array }[] = [];
    for (const act of instance.actions) {
      if (!stepper.enabled(state, act, 0) || stepper.apply(state, act, 0).asserted) continue;
      out.push({ act, next: stepper.next.slice() });
    }
    return out;
  };
  const samples: Uint32Array[] = [];
  const seen = new Set<string>();
  const add = (w: Uint32Array) => {
    const k = key(w);
    if (seen.has(k) || samples.length >= maxSamples + sampleWords.length) return;
    seen.add(k);
    samples.push(w);
  };
  for (const w of inits) add(w);
  for (const w of sampleWords) add(w.slice(0, width));
  try {
    for (let i = 0; i < samples.length && samples.length < maxSamples; i++) {
      for (const { next } of successors(samples[i]!)) add(next);
    }
  } catch {
    // A model error: the search reports it; check what was sampled.
  }

  const initKeys = new Set(inits.map(key));
  const image = new Uint32Array(width);
  const perms: (Int32Array | undefined)[] = a.sets.map(() => undefined);
  const predicate = (p: { predicate: unknown }, w: Uint32Array) => {
    other.set(w);
    return Boolean((p.predicate as (s: unknown) => boolean)(otherView));
  };
  const stateProperties = instance.properties.filter((p) => p.kind === "always" || p.kind === "sometimes");
  const transitionProperties = instance.properties.filter((p) => p.kind === "transition");
  const transitionSamples = Math.min(samples.length, 100);

  a.sets.forEach((set, k) => {
    const unsound = "the symmetry reduction is unsound";
    for (const { perm, text } of samplePermutations(set.size)) {
      perms.fill(undefined);
      perms[k] = perm;
      const how = text(set.name);
      inits.forEach((w, i) => {
        permuteWords(a, w, image, perms);
        if (!initKeys.has(key(image))) {
          warn(
            `init:${set.name}`,
            `Symmetry on "${set.name}": the initial states are not closed under ${how} (init${
              inits.length > 1 ? ` #${i}` : ""
            } maps to a state that is no initial state); ${unsound}.`,
          );
        }
      });
      try {
        samples.forEach((w, si) => {
          permuteWords(a, w, image, perms);
          for (const p of stateProperties) {
            if (predicate(p, w) !== predicate(p, image)) {
              warn(
                `property:${p.name}:${set.name}`,
                `Symmetry on "${set.name}": ${p.kind} property ${p.name} gives a different answer on a state ` +
                  `and on its image under ${how}, so it singles out some ${set.name}; ${unsound}.`,
              );
            }
          }
          for (
            const [name, f] of [["terminal", instance.terminal], [
              "withinBoundary",
              instance.withinBoundary,
            ]] as const
          ) {
            if (!f) continue;
            other.set(w);
            const x = f(otherView);
            other.set(image);
            if (x !== f(otherView)) {
              warn(
                `${name}:${set.name}`,
                `Symmetry on "${set.name}": ${name} gives a different answer on a state and on its image ` +
                  `under ${how}; ${unsound}.`,
              );
            }
          }
          const from = successors(w);
          const imageCopy = image.slice();
          const to = successors(imageCopy);
          const toKeys = new Set(to.map((s) => key(s.next)));
          const mapped = from.map((s) => {
            const m = new Uint32Array(width);
            permuteWords(a, s.next, m, perms);
            return m;
          });
          const mappedKeys = new Set(mapped.map(key));
          if (mappedKeys.size !== toKeys.size || [...mappedKeys].some((x) => !toKeys.has(x))) {
            const culprit = from.find((_, i) => !toKeys.has(key(mapped[i]!)))?.act.text ??
              to.find((s) => !mappedKeys.has(key(s.next)))?.act.text ?? "some action";
            warn(
              `actions:${set.name}`,
              `Symmetry on "${set.name}": the actions are not symmetric under ${how} (the successors of a ` +
                `state's image are not the images of its successors; see ${culprit}); ${unsound}.`,
            );
          }
          if (si >= transitionSamples || transitionProperties.length === 0) return;
          from.forEach((s, i) => {
            const label = mapLabel(s.act, set.name, perm);
            const target = to.find((t) => sameLabel(t.act.label, label) && key(t.next) === key(mapped[i]!));
            for (const p of transitionProperties) {
              const pred = p.predicate as (b: unknown, l: ActionLabel, n: unknown) => boolean;
              before.set(w);
              other.set(s.next);
              const x = pred(beforeView, s.act.label, otherView);
              before.set(imageCopy);
              other.set(mapped[i]!);
              const y = pred(beforeView, label, otherView);
              if (x !== y || target === undefined && !x) {
                warn(
                  `property:${p.name}:${set.name}`,
                  `Symmetry on "${set.name}": transition property ${p.name} gives a different answer on ` +
                    `${s.act.text} and on its image under ${how} (declare action parameters that name a ` +
                    `${set.name} with elementOf); ${unsound}.`,
                );
              }
            }
          });
        });
      } catch {
        // A model error on a sample: the search reports it.
      }
    }
  });
  return warnings;
}

/** Applies one permutation per symmetric set (by name) to packed words; for tests and tools. */
export function permuteState(
  instance: ModelInstance,
  words: Uint32Array,
  perms: Readonly<Record<string, readonly number[]>>,
): Uint32Array {
  const a = analysisOf(instance);
  const out = new Uint32Array(words.length);
  if (!a) {
    out.set(words);
    return out;
  }
  permuteWords(a, words, out, a.sets.map((s) => perms[s.name] ? Int32Array.from(perms[s.name]!) : undefined));
  return out;
}

/** The symmetric sets an instance declares, with their sizes. */
export function symmetricSets(instance: ModelInstance): { name: string; size: number }[] {
  return (analysisOf(instance)?.sets ?? []).map((s) => ({ name: s.name, size: s.size }));
}
