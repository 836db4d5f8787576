/**
 * The values of numeric command-line options (`--max-states`, `--max-depth`, `--workers`, `--time-limit`,
 * `--checkpoint-every`, `--memory`), read by one set of rules that the command table names per option.
 * A value is written in plain decimal and must lie in a range where the engine computes with it exactly:
 * `1e20`, `0x10`, `Infinity` or a count beyond 2^53 would otherwise be rounded or misread without a word.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { parseMemorySize } from "../store/memory_budget.ts";

/** How a numeric option's value is read. */
export type NumberRule =
  /** A count: decimal digits only, a safe integer from `min` to `max` (default 2^53 - 1). */
  | { readonly kind: "integer"; readonly min: number; readonly max?: number }
  /** A duration in seconds: a positive decimal such as 30 or 0.5, a safe number of milliseconds. */
  | { readonly kind: "seconds" }
  /** A memory size such as 512M or 8G (src/store/memory_budget.ts). */
  | { readonly kind: "size" };

/** The most seconds a duration may have: its milliseconds stay a safe integer. */
export const MAX_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

function describeInteger(min: number, max: number): string {
  const base = min === 1
    ? "a positive integer"
    : min === 0
    ? "a whole number (0 or more)"
    : `an integer >= ${min}`;
  return max < Number.MAX_SAFE_INTEGER ? `${base} no larger than ${max}` : `${base} below 2^53`;
}

/**
 * Reads `text` as the value of `--option` under `rule`; anything else is an InputError naming the
 * option and the value.
 *
 * @example
 * ```ts
 * import { parseOptionNumber } from "./option_numbers.ts";
 * console.assert(parseOptionNumber("max-depth", { kind: "integer", min: 0 }, "0") === 0);
 * console.assert(parseOptionNumber("time-limit", { kind: "seconds" }, "0.5") === 0.5);
 * ```
 */
export function parseOptionNumber(option: string, rule: NumberRule, text: string): number {
  switch (rule.kind) {
    case "integer": {
      const max = rule.max ?? Number.MAX_SAFE_INTEGER;
      const n = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < rule.min || n > max) {
        throw new InputError(`--${option} expects ${describeInteger(rule.min, max)} but got "${text}".`);
      }
      return n;
    }
    case "seconds": {
      const n = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0) || n > MAX_SECONDS) {
        throw new InputError(
          `--${option} expects a positive number of seconds (such as 30 or 0.5, at most ${MAX_SECONDS}) ` +
            `but got "${text}".`,
        );
      }
      return n;
    }
    case "size":
      return parseMemorySize(text, `--${option}`);
  }
}
