/**
 * How large a model's state may be, checked on the layout before anything of that size is allocated.
 *
 * The layout (src/state/layout.ts) is computed from the domains alone, in time proportional to the number of
 * variables and fields, whatever the array lengths: sizes are plain numbers (doubles, which reach
 * Infinity rather than wrap), so `arrayOf(2 ** 31, bool)` or nested arrays of 2^53 elements are measured
 * exactly enough to refuse them. What a search allocates per state (packed words, and one view object per
 * record or array of composites in each of a worker's views) is then bounded here.
 *
 * @module
 */

import { describeDomain, type Domain, type RecordDomain } from "./domain.ts";
import { InputError } from "../errors.ts";
import { type RecordShape, type Shape, wordsOf } from "./layout.ts";
import { MIN_BUDGET } from "../store/memory_budget.ts";

/** States a search keeps in memory at once, at least (see MIN_STATES_IN_BUDGET in src/search/run_control.ts). */
const STATES_AT_ONCE = 256;

/**
 * Most 32-bit words a packed state may take: 65,536 (256 KiB), so that the smallest memory budget
 * (64 MiB) holds the 256 states a search keeps at once.
 */
export const MAX_STATE_WORDS = MIN_BUDGET / 4 / STATES_AT_ONCE;

/**
 * Most view objects a state may need: each worker builds a few views of the state, each with an object
 * per record and per array (an array of a million records would take a million objects per view).
 */
export const MAX_VIEW_NODES = 2 ** 16;

/** Words a block takes: a small block shares a word (counted as the fraction of it it uses). */
function wordsOfBlock(shape: Shape): number {
  return shape.small ? shape.size / 32 : shape.size;
}

/** View objects a view of `shape` builds (a scalar is an accessor of its record, not an object). */
export function viewNodes(shape: Shape): number {
  switch (shape.kind) {
    case "scalar":
      return 0;
    case "record":
      return 1 + shape.fields.reduce((sum, f) => sum + viewNodes(f.shape), 0);
    case "array":
      return shape.element.kind === "scalar" ? 1 : 1 + shape.length * viewNodes(shape.element);
  }
}

/** A number for a message: `3,125,000`, or a power of two when it is too large to write exactly. */
export function count(n: number): string {
  if (!Number.isFinite(n)) return "more than 2^1023";
  if (n >= 2 ** 53) return `about 2^${Math.round(Math.log2(n))}`;
  return Math.ceil(n).toLocaleString("en-US");
}

/** Bytes in binary units: `256 KiB`, `11.9 MiB`. */
function bytes(n: number): string {
  if (!Number.isFinite(n) || n >= 2 ** 60) return `${count(n)} bytes`;
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 ? n : Number.isInteger(n) ? n : n.toFixed(1)} ${units[unit]}`;
}

/**
 * Throws an InputError when a state of `shape` (the layout of `domain`) is too large to search: more
 * words than MAX_STATE_WORDS or more view objects than MAX_VIEW_NODES. The message names the size, the
 * limit and the variable that takes the most.
 */
export function checkStateSize(modelName: string, domain: RecordDomain, shape: RecordShape): void {
  const words = wordsOf(shape);
  const nodes = viewNodes(shape);
  if (words <= MAX_STATE_WORDS && nodes <= MAX_VIEW_NODES) return;
  const fields = domain.fields as Readonly<Record<string, Domain>>;
  const largest = (measure: (s: Shape) => number) =>
    shape.fields.reduce((best, f) => (measure(f.shape) > measure(best.shape) ? f : best));
  if (words > MAX_STATE_WORDS) {
    const variable = largest(wordsOfBlock);
    throw new InputError(
      `Model ${modelName}: a state takes ${count(words)} words (${bytes(4 * words)}), more than the ` +
        `${count(MAX_STATE_WORDS)} words (${bytes(4 * MAX_STATE_WORDS)}) a state may take, so that the ` +
        `smallest memory budget (${bytes(MIN_BUDGET)}) holds the ${STATES_AT_ONCE} states a search keeps ` +
        `at once. Variable ${variable.name}, ${describeDomain(fields[variable.name]!)}, takes ` +
        `${count(wordsOfBlock(variable.shape))} words of it: make the array shorter or split the model.`,
    );
  }
  const variable = largest(viewNodes);
  throw new InputError(
    `Model ${modelName}: a state has ${count(nodes)} records and arrays, more than the ${
      count(MAX_VIEW_NODES)
    } a state may have (every worker builds an object for each, in each of its views of the state). ` +
      `Variable ${variable.name}, ${describeDomain(fields[variable.name]!)}, has ${
        count(viewNodes(variable.shape))
      } of them: make the array shorter or split the model.`,
  );
}
