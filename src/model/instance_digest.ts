/**
 * What one load of a model computes, part by part, so that the threads of a parallel search can check
 * that they run the same model. Each worker thread imports the model file itself (src/model/model_ref.ts):
 * a value the file computes when it loads (Math.random, the clock, a global another module set) can
 * differ per thread, and then the threads would disagree on the state's layout, the actions, or what
 * they do. The digest covers the layout, the action instances, the properties and the flags, the
 * initial states, and their successors and property values (of the first DIGEST_INITS initial states,
 * by the first DIGEST_ACTIONS action instances); a worker compares its digest with the main thread's
 * before it searches. A difference that shows only deeper is left to the sample states that the search
 * expands in two threads (src/search/samples.ts).
 *
 * A part whose model code throws is recorded as throwing (the search then reports the error where it
 * happens, with the run to it), so computing a digest never fails.
 *
 * @module
 */

import { describeDomain } from "../state/domain.ts";
import { fingerprint } from "../state/fingerprint.ts";
import type { ModelInstance } from "./model.ts";
import { createView, toValue } from "../state/state_view.ts";
import { Stepper } from "./step.ts";

/** One part of a digest: what it is, a hash of its content, and the start of the content for a message. */
export interface DigestPart {
  readonly part: string;
  readonly hash: string;
  readonly preview: string;
}

/**
 * Initial states, and action instances per initial state, whose steps a digest covers: every thread
 * computes its digest before it searches, so it stays a small part of the first level's work.
 */
const DIGEST_INITS = 16;
const DIGEST_ACTIONS = 1 << 16;

/** Characters of a part shown in a message. */
const PREVIEW = 160;

/** Words hashed at a time: a part's content is hashed as a chain of blocks, never held whole. */
const BLOCK = 1024;

/** Accumulates a part's content: text for the preview, and a chained hash of everything. */
class Part {
  readonly #block = new Uint32Array(BLOCK + 2);
  #used = 2;
  #preview = "";
  readonly #fp = new Uint32Array(2);
  constructor(readonly name: string) {}

  #push(word: number): void {
    if (this.#used === this.#block.length) this.#fold();
    this.#block[this.#used++] = word;
  }

  /** Replaces the block by its hash, which starts the next block. */
  #fold(): void {
    fingerprint(this.#block, 0, this.#used, this.#fp);
    this.#block[0] = this.#fp[0]!;
    this.#block[1] = this.#fp[1]!;
    this.#used = 2;
  }

  text(text: string): this {
    if (this.#preview.length <= PREVIEW) this.#preview += text;
    for (let i = 0; i < text.length; i++) this.#push(text.charCodeAt(i));
    return this;
  }

  /** Adds `text()` to the preview only, when there is room for it (it is what words() hashes). */
  note(text: () => string): this {
    if (this.#preview.length <= PREVIEW) this.#preview += text();
    return this;
  }

  /** Adds `words` by their fingerprint. */
  words(words: Uint32Array): this {
    const fp = new Uint32Array(2);
    fingerprint(words, 0, words.length, fp);
    this.#push(fp[0]!);
    this.#push(fp[1]!);
    return this;
  }

  done(): DigestPart {
    this.#fold();
    const text = this.#preview.replace(/[;,]?\s*$/, "");
    const preview = text.length > PREVIEW ? `${text.slice(0, PREVIEW)}...` : text;
    return { part: this.name, hash: `${this.#fp[0]!.toString(16)}:${this.#fp[1]!.toString(16)}`, preview };
  }
}

/** A state's plain value as JSON, for a preview. */
function show(instance: ModelInstance, words: Uint32Array): string {
  return JSON.stringify(toValue(createView(words.slice(), instance.shape)));
}

/** Runs `f`; a throw is recorded as the part's content rather than raised. */
function attempt(part: Part, f: () => void): void {
  try {
    f();
  } catch (error) {
    part.text(` throws ${(error as Error)?.message ?? String(error)}`);
  }
}

/** The digest of `instance`: equal for two loads of a deterministic model file with the same parameters. */
export function instanceDigest(instance: ModelInstance): DigestPart[] {
  const layout = new Part("the state's variables").text(describeDomain(instance.domain));
  const actions = new Part("the action instances");
  instance.actions.forEach((a, i) => actions.text(`${i > 0 ? ", " : ""}${a.text}`));
  const properties = new Part("the properties").text(
    instance.properties.map((p) => `${p.kind} ${p.name}`).join(", "),
  );
  const flags = new Part("deadlock, terminal, withinBoundary and symmetry").text(
    [
      instance.properties.some((p) => p.kind === "deadlock"),
      instance.terminal !== undefined,
      instance.withinBoundary !== undefined,
      instance.canonicalize !== undefined,
    ].join(", "),
  );
  const inits = new Part("the initial states");
  const steps = new Part("the successors of the initial states");
  const values = new Part("the properties' values on the initial states");
  const stepper = new Stepper(instance);
  for (let k = 0; k < Math.min(instance.inits.length, DIGEST_INITS); k++) {
    let state: Uint32Array | undefined;
    attempt(inits, () => {
      stepper.init(k);
      state = stepper.next.slice();
      inits.text(k > 0 ? "; " : "").words(state).note(() => show(instance, state!));
    });
    if (state === undefined) continue;
    const from = state;
    for (const act of instance.actions.slice(0, DIGEST_ACTIONS)) {
      steps.text(`${act.text}: `);
      attempt(steps, () => {
        if (!stepper.enabled(from, act, 0)) return void steps.text("disabled; ");
        const effect = stepper.apply(from, act, 0);
        if (effect.asserted) return void steps.text(`fails assertion ${effect.asserted.name}; `);
        steps.words(stepper.next).note(() => `${show(instance, stepper.next)}; `);
      });
    }
    for (const p of instance.properties) {
      if (p.kind !== "always" && p.kind !== "sometimes") continue;
      attempt(values, () => void values.text(`${p.name}=${stepper.holds(p, from, 0)}; `));
    }
  }
  return [layout, actions, properties, flags, inits, steps, values].map((p) => p.done());
}

/**
 * The first part in which two digests differ, described for a message (`mine` is this thread's,
 * `theirs` the other's), or undefined when they agree.
 */
export function digestDifference(
  theirs: readonly DigestPart[],
  mine: readonly DigestPart[],
  theirName: string,
  myName: string,
): string | undefined {
  for (let i = 0; i < Math.max(theirs.length, mine.length); i++) {
    const a = theirs[i], b = mine[i];
    if (a?.hash === b?.hash) continue;
    const part = a?.part ?? b!.part;
    if (a === undefined || b === undefined || a.preview === b.preview) return `${part} differ`;
    return `${part} are ${a.preview} in ${theirName} but ${b.preview} in ${myName}`;
  }
  return undefined;
}
