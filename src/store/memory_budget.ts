/**
 * The memory budget of a run: `--memory SIZE` parsed and checked, or most of the machine's available
 * memory. A budget that cannot be determined is an error rather than no budget: a run without
 * permission to read the machine's memory (`--allow-sys`) would otherwise grow until the system kills
 * it.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * Below this a run cannot even hold its runtime: Deno and V8 take about 40 MiB resident before the
 * search allocates anything, and the frontier keeps at least 1 MiB per level.
 */
export const MIN_BUDGET = 64 * 2 ** 20;

/** Above this the number is a typo: no machine hvcheck runs on has a pebibyte. */
export const MAX_BUDGET = 2 ** 50;

const UNITS = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 } as const;

/**
 * Parses `--memory`: 512M, 4G, 2.5GiB or a number of bytes, between MIN_BUDGET and MAX_BUDGET.
 *
 * @example
 * ```ts
 * import { parseMemorySize } from "./memory_budget.ts";
 * console.assert(parseMemorySize("1.5G") === 1.5 * 2 ** 30);
 * ```
 */
export function parseMemorySize(text: string, option = "--memory"): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new InputError(`${option} expects a size such as 512M or 8G but got "${text}".`);
  const bytes = Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase() as keyof typeof UNITS]);
  if (!(bytes >= MIN_BUDGET) || !(bytes <= MAX_BUDGET)) {
    throw new InputError(
      `${option} expects a size between 64M and 1P but got "${text}" (${bytes} bytes): ` +
        `hvcheck and its runtime alone take about 40 MiB.`,
    );
  }
  return bytes;
}

/** 85% of the memory the machine has available now: the default budget. */
export function defaultMemoryBudget(): number {
  let available: number;
  try {
    available = Deno.systemMemoryInfo().available;
  } catch (error) {
    throw new InputError(
      `hvcheck cannot read how much memory the machine has (${(error as Error).message.split("\n")[0]}), ` +
        `so it cannot pick a memory budget: give one with --memory SIZE (such as --memory 4G), or allow ` +
        `reading it with --allow-sys=systemMemoryInfo.`,
      { cause: error },
    );
  }
  return Math.max(MIN_BUDGET, Math.floor(available * 0.85));
}

/** The budget of a run: `--memory` when given, else the default. */
export function memoryBudget(text: string | undefined): number {
  return text === undefined ? defaultMemoryBudget() : parseMemorySize(text);
}
