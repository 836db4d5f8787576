/**
 * The nondeterminism check during the search: a few states of every segment (the samples) are
 * expanded a second time, by another worker when there are several, and the two expansions must
 * agree. A guard, effect or property that depends on anything but the state (Math.random, a mutable
 * global, a module-level value that differs per thread) is caught while the search runs, whether or not
 * a trace is ever rebuilt through the state where it shows.
 *
 * The expand phase records what it found for each sample (`record`); the next insert phase hands the
 * records to another worker, which expands the states again through the Stepper and compares
 * (`recheck`). The choice of samples depends on the state's id alone, so it is the same for any number
 * of workers.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { ModelInstance } from "../model/model.ts";
import { modelFailure } from "../model/model_failure.ts";
import { Stepper } from "../model/step.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { createReadonlyView, createView, toValue } from "../state/state_view.ts";
import { GrowableUint32Array } from "../store/growable_array.ts";
import type { Records } from "../store/keys.ts";
import { atSite } from "../trace/failure_site.ts";

/** Every state with a smaller id is a sample: all of the first levels of most models, where a mistake shows first. */
const SAMPLE_FIRST = 4096;

/** Past SAMPLE_FIRST, a state is a sample when the top bits of its id's hash are zero: 1 in 1024. */
const SAMPLE_SHIFT = 22;

/** Whether state `id` is expanded twice: deterministic, and the same for any number of workers. */
export function sampled(id: number): boolean {
  return id < SAMPLE_FIRST || (Math.imul(id, 0x9e3779b1) >>> SAMPLE_SHIFT) === 0;
}

/** Sample records (see `Samples.record`) from the expand phase of worker `worker`. */
export interface SampleBatch extends Records {
  readonly worker: number;
}

/** One worker's samples: those it expanded in this segment, and the checks of another's. */
export class Samples {
  readonly #instance: ModelInstance;
  readonly #worker: number;
  readonly #width: number;
  readonly #records: GrowableUint32Array;
  /** The state properties, whose values a record keeps, in the order it keeps them. */
  readonly #stateProperties;
  /** Made when first needed: most segments of a large run have only a few samples. */
  #stepper: Stepper | undefined;
  /** Id of the sample state being checked again, for the error that names it. */
  #checking = 0;
  /** A read-only view for the terminal predicate, made when first needed. */
  #terminalWords: Uint32Array | undefined;
  #terminalView: unknown;

  constructor(instance: ModelInstance, worker: number, options: { shared: boolean }) {
    this.#instance = instance;
    this.#worker = worker;
    this.#width = instance.words;
    this.#records = new GrowableUint32Array(1 << 10, options);
    this.#stateProperties = instance.properties.flatMap((p) =>
      p.kind === "always" || p.kind === "sometimes" ? [p] : []
    );
  }

  /** This segment's records so far. */
  get records(): Records {
    return { data: this.#records.data, length: this.#records.length };
  }

  /** Drops the records of the previous segment. */
  clear(): void {
    this.#records.clear();
  }

  /**
   * Records what expanding sample state `id` (its words at `at` in `frontier`) gave: the first
   * `enabledCount` entries of `enabled`, the action and fingerprint of each successor (entries `from`
   * to `to` of `batch`, W words, fp (2), parent, action each) and the state properties' values.
   * Record: id, enabled count, successor count, W words, the enabled action indices, then action,
   * fp[0], fp[1] per successor, then one word per state property.
   */
  record(
    frontier: Uint32Array,
    at: number,
    id: number,
    enabled: Int32Array,
    enabledCount: number,
    batch: Uint32Array,
    from: number,
    to: number,
  ): void {
    const records = this.#records, width = this.#width, stride = width + 4;
    records.push(id);
    records.push(enabledCount);
    records.push(to - from);
    records.pushWords(frontier, at, width);
    for (let e = 0; e < enabledCount; e++) records.push(enabled[e]!);
    for (let k = from; k < to; k++) {
      const entry = k * stride;
      records.push(batch[entry + width + 3]!);
      records.push(batch[entry + width]!);
      records.push(batch[entry + width + 1]!);
    }
    const state = frontier.subarray(at, at + width);
    const stepper = this.#stepper ??= new Stepper(this.#instance);
    for (const p of this.#stateProperties) records.push(stepper.holds(p, state, 0) ? 1 : 0);
  }

  /**
   * Expands the sample states of `batch` (states of depth `depth`) again and compares with what their
   * first expansion gave. An error names the sample state, so that the run to it is written.
   */
  recheck(batch: SampleBatch, depth: number): void {
    try {
      this.#recheck(batch, depth);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw atSite(error, { state: this.#checking });
    }
  }

  #recheck(batch: SampleBatch, depth: number): void {
    const instance = this.#instance, width = this.#width, data = batch.data;
    const stepper = this.#stepper ??= new Stepper(instance);
    const state = new Uint32Array(width), fp = new Uint32Array(2);
    const stateProperties = this.#stateProperties;
    for (let at = 0; at < batch.length;) {
      const id = this.#checking = data[at]!, enabledCount = data[at + 1]!, successors = data[at + 2]!;
      at += 3;
      state.set(data.subarray(at, at + width));
      at += width;
      const enabled = Array.from(data.subarray(at, at + enabledCount));
      at += enabledCount;
      const first = new Map<number, string>();
      for (let k = 0; k < successors; k++, at += 3) first.set(data[at]!, `${data[at + 1]}:${data[at + 2]}`);
      const values = Array.from(data.subarray(at, at + stateProperties.length));
      at += stateProperties.length;
      const seen = (what: string): never => {
        throw nondeterminism(instance, id, depth, state, what, batch.worker, this.#worker);
      };
      for (const act of instance.actions) {
        const now = stepper.enabled(state, act, depth);
        if (now !== enabled.includes(act.index)) {
          seen(
            `action ${act.text} was ${now ? "disabled" : "enabled"} the first time and is ${
              now ? "enabled" : "disabled"
            } the second`,
          );
        }
        if (!now) continue;
        const effect = stepper.apply(state, act, depth);
        const before = first.get(act.index);
        if (effect.asserted) {
          if (before !== undefined) {
            seen(
              `action ${act.text} made a state the first time and fails assertion ${effect.asserted.name} the second`,
            );
          }
          continue;
        }
        if (before === undefined) {
          seen(
            `action ${act.text} failed an assertion the first time and makes ${
              show(instance, stepper.next)
            } the second`,
          );
        }
        const successor = stepper.next.slice();
        instance.canonicalize?.(stepper.next);
        fingerprint(stepper.next, 0, width, fp);
        if (before !== `${fp[0]}:${fp[1]}`) {
          // A transition property that writes the successor it is given also changes what is stored:
          // say so rather than call it nondeterminism (the stepper throws when one writes).
          for (const p of instance.properties) {
            if (p.kind === "transition") stepper.transitionHolds(p, state, act, successor, depth);
          }
          seen(
            `action ${act.text} leads to different states the two times (the second time to ${
              show(instance, stepper.next)
            })`,
          );
        }
      }
      stateProperties.forEach((p, k) => {
        const now = stepper.holds(p, state, depth);
        if ((values[k] === 1) !== now) {
          seen(`property ${p.name} was ${!now} the first time and is ${now} the second`);
        }
      });
      if (instance.terminal !== undefined) this.#terminal(state, depth);
    }
  }

  /**
   * Evaluates the terminal predicate on sample state `state`. The search asks it only of states where
   * no action is enabled, so a terminal that writes the state, throws or returns a non-boolean would go
   * unseen in a model that never deadlocks; on the samples it is seen and named.
   */
  #terminal(state: Uint32Array, depth: number): void {
    const words = this.#terminalWords ??= new Uint32Array(this.#width);
    const view = this.#terminalView ??= createReadonlyView(words, this.#instance.shape);
    words.set(state);
    try {
      this.#instance.terminal!(view);
    } catch (error) {
      throw modelFailure(this.#instance, "terminal predicate", depth, error);
    }
  }
}

/** The state `words` as JSON. */
function show(instance: ModelInstance, words: Uint32Array): string {
  const copy = words.slice();
  return JSON.stringify(toValue(createView(copy, instance.shape)));
}

/** What a second expansion of sample state `id` showed: the model is not a function of the state. */
function nondeterminism(
  instance: ModelInstance,
  id: number,
  depth: number,
  state: Uint32Array,
  what: string,
  first: number,
  second: number,
): InputError {
  const who = (w: number) => (w === 0 ? "the main thread" : `worker thread ${w}`);
  const where = first === second
    ? `two evaluations in ${who(first)}`
    : `evaluations in ${who(first)}, then in ${who(second)}`;
  return atSite(
    new InputError(
      `Model ${instance.name} is nondeterministic: expanding state #${id} (depth ${depth}), ${
        show(instance, state)
      }, twice (${where}), ${what}. Guards, effects and properties must depend only on the state and ` +
        `the action's parameters: not on Math.random, a global or closure variable that changes, or a ` +
        `module-level value that differs between worker threads.`,
    ),
    { state: id },
  );
}
