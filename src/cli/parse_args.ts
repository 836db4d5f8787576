/**
 * Parsing a command's arguments, generated from its entry in the command table: the `parseArgs` options,
 * the refusals (an unknown option, with the closest known one; one value given twice; a number its rule
 * refuses; positional arguments the command does not take) and the typed values with their defaults.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { closest } from "../state/names.ts";
import { InputError } from "../errors.ts";
import { parseOptionNumber } from "./option_numbers.ts";
import type { CommandSpec, Options, OptionSpec, OptionValues, ParsedArgs } from "./command_spec.ts";

/**
 * Parses `args` for `command`, whose options are its own and `common`. Unknown options are an
 * InputError that suggests the closest known one; so are an option that takes one value given twice
 * with different values (one of them would be ignored), a numeric value its rule refuses, and
 * positional arguments the command does not take. Whether `--help` was asked is in `values.help`.
 */
export function parseOptions<O extends Options, C extends Options>(
  command: CommandSpec<O>,
  common: C,
  args: readonly string[],
): ParsedArgs<O & C> {
  const all: Options = { ...command.options, ...common };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[]; tokens: Token[] };
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, tokens: true }) as typeof parsed;
  } catch (error) {
    const code = (error as { code?: string })?.code;
    const message = (error as Error)?.message ?? String(error);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = /'(-[^']*)'/.exec(message)?.[1] ?? "?";
      const name = option.replace(/^-+/, "").replace(/=.*$/, "");
      const guess = closest(name, Object.keys(all));
      throw new InputError(
        `Unknown option ${option} for ${command.name}.${guess ? ` Did you mean --${guess}?` : ""} ` +
          `Run "${command.name} --help" for its options.`,
      );
    }
    if (code?.startsWith("ERR_PARSE_ARGS")) {
      throw new InputError(`${message.replace(/\.$/, "")}. Run "${command.name} --help" for its options.`);
    }
    throw error;
  }
  const { values, positionals, tokens } = parsed;
  refuseRepeats(command, all, tokens);
  const numbers: Record<string, number> = {};
  for (const [name, spec] of Object.entries(all)) {
    const value = values[name];
    if (spec.number && typeof value === "string") numbers[name] = parseOptionNumber(name, spec.number, value);
  }
  checkArity(command, positionals);
  return {
    values: values as ParsedArgs["values"],
    positionals,
    numbers,
    options: typedValues(all, values, numbers) as OptionValues<O & C>,
  };
}

/**
 * Every option's value: a number read by its rule, or as given; else its default, computed when first
 * read (a budget that reads the machine's memory is read only by a run that uses it, and where it
 * would have been read before); else false for a flag, [] for a list, or undefined.
 */
function typedValues(
  all: Options,
  values: Readonly<Record<string, unknown>>,
  numbers: Readonly<Record<string, number>>,
): Readonly<Record<string, unknown>> {
  const typed: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(all)) {
    if (values[name] !== undefined) typed[name] = Object.hasOwn(numbers, name) ? numbers[name] : values[name];
    else if (spec.default && typeof spec.default.value === "function") {
      const compute = spec.default.value;
      let cached: { value: unknown } | undefined;
      Object.defineProperty(typed, name, {
        enumerable: true,
        get: () => (cached ??= { value: compute(typed) }).value,
      });
    } else if (spec.default?.value !== undefined) typed[name] = spec.default.value;
    else typed[name] = emptyValue(spec);
  }
  return Object.freeze(typed);
}

function emptyValue(spec: OptionSpec): unknown {
  return spec.type === "boolean" ? false : spec.multiple ? [] : undefined;
}

/** The part of a parseArgs token that the checks below read. */
interface Token {
  readonly kind: string;
  readonly name?: string;
  readonly value?: string | undefined;
}

/** Refuses an option that takes one value given again with another: parseArgs would keep the last. */
function refuseRepeats(command: CommandSpec, all: Options, tokens: readonly Token[]): void {
  const seen = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === undefined || token.value === undefined) continue;
    const spec = Object.hasOwn(all, token.name) ? all[token.name] : undefined;
    if (!spec || spec.multiple || spec.type !== "string") continue;
    const before = seen.get(token.name);
    if (before !== undefined && before !== token.value) {
      throw new InputError(
        `--${token.name} is given twice, as "${before}" and as "${token.value}"; give it once. ` +
          `Run "${command.name} --help" for its options.`,
      );
    }
    seen.set(token.name, token.value);
  }
}

/** Refuses too few or too many positional arguments, naming the ones that are too many. */
function checkArity(command: CommandSpec, positionals: readonly string[]): void {
  const { min, max } = command.arity;
  if (positionals.length >= min && positionals.length <= max) return;
  const quoted = (list: readonly string[]) => list.map((p) => JSON.stringify(p)).join(", ");
  const expects = max === 0 ? "takes no arguments" : `expects ${command.args}`;
  const got = positionals.length === 0 ? "got none" : `got ${quoted(positionals)}`;
  const extra = positionals.slice(max);
  const tooMany = max > 0 && extra.length > 0 ? ` (unexpected: ${quoted(extra)})` : "";
  throw new InputError(
    `${command.name} ${expects} but ${got}${tooMany}. Run "${command.name} --help" for its usage.`,
  );
}
