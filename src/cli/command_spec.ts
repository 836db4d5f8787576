/**
 * The shape of the command table (src/cli/cli_options.ts). A command is written there once: its name and
 * summary, its positional arguments, its options with their types, defaults and number rules, and its
 * handler. The parser (src/cli/parse_args.ts) and every usage text (src/cli/usage.ts) are generated
 * from it, and the handler gets the options typed as the table declares them.
 *
 * @module
 */

import type { NumberRule } from "./option_numbers.ts";
import type { CommandContext, CommandRun } from "./command.ts";

/**
 * What an option gets when it is not given. A value of its own is shown as it is in the usage; one that
 * depends on the machine or on other options is a function with the text the usage shows, and is
 * computed when the command first reads it. A default with text alone is decided by the command (or the
 * engine) and only shown.
 */
export type OptionDefault =
  | { readonly value: string | number }
  | { readonly text: string; readonly value?: (options: Readonly<Record<string, unknown>>) => unknown };

/** One option of a command. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** May be given more than once (values collect into an array). */
  readonly multiple?: boolean;
  /** The value's placeholder in the usage text, such as `N` or `DIR`. */
  readonly value?: string;
  /** One line of help; the usage adds what the rest of the entry says (src/cli/usage.ts). */
  readonly help: string;
  /** Still accepted, but replaced by another option (the help says which). */
  readonly deprecated?: boolean;
  /** A numeric value, read by this rule when the arguments are parsed (src/cli/option_numbers.ts). */
  readonly number?: NumberRule;
  readonly default?: OptionDefault;
  /** Names a folder the run writes (and reads back: earlier traces, checkpoints). */
  readonly output?: boolean;
}

/** A command's options by name (without the leading `--`). */
export type Options = Readonly<Record<string, OptionSpec>>;

/** One positional argument, as the usage names it. */
export interface PositionalSpec {
  readonly name: string;
  /** May be left out (shown in brackets). */
  readonly optional?: boolean;
  /** May be given any number of times (shown with `...`); only the last positional may be. */
  readonly repeated?: boolean;
}

/** The type of an option's value as its command reads it. */
export type OptionValue<S extends OptionSpec> = S["type"] extends "boolean" ? boolean
  : S extends { readonly multiple: true } ? string[]
  : S extends { readonly number: NumberRule }
    ? (S extends { readonly default: { readonly value: unknown } } ? number
      : number | undefined)
  : S extends { readonly default: { readonly value: unknown } } ? string
  : string | undefined;

/** Every option's value, typed. */
export type OptionValues<O extends Options> = { readonly [K in keyof O]: OptionValue<O[K]> };

/** The parsed arguments of a command. */
export interface ParsedArgs<O extends Options = Options> {
  /** The options given, as given: a string, `true` for a flag, an array for a repeatable option. */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: string[];
  /** The value of every numeric option given, read by its rule. */
  readonly numbers: Readonly<Record<string, number>>;
  /**
   * Every option's value: as given (a number read by its rule), else its default (computed when first
   * read), else `undefined` (`false` for a flag, `[]` for a repeatable option).
   */
  readonly options: OptionValues<O>;
}

/** One command of the table. */
export interface CommandSpec<O extends Options = Options> {
  readonly name: string;
  readonly summary: string;
  readonly positionals: readonly PositionalSpec[];
  /** The positional arguments as the usage shows them, such as `MODEL` or `[GATE...]`. */
  readonly args: string;
  /** How many positional arguments it takes (`max` Infinity for a list); others are refused. */
  readonly arity: { readonly min: number; readonly max: number };
  readonly options: O;
  /** Paragraphs after the options. */
  readonly notes?: readonly string[];
  /** Its first argument may be a model file, which runs with least privilege (src/cli/sandbox.ts). */
  readonly loadsModelFile?: boolean;
  /** Runs the command on its parsed arguments. */
  run(args: ParsedArgs<O>, context: CommandContext): CommandRun;
}

/** A command of the table: the usage of its positional arguments and their number follow from them. */
export function command<const O extends Options>(
  spec: Omit<CommandSpec<O>, "args" | "arity">,
): CommandSpec<O> {
  const { positionals } = spec;
  positionals.forEach((p, i) => {
    if (p.repeated && i !== positionals.length - 1) {
      throw new TypeError(`${spec.name}: only the last positional argument may repeat (${p.name})`);
    }
  });
  const args = positionals.map((p) => {
    const shown = p.repeated ? `${p.name}...` : p.name;
    return p.optional ? `[${shown}]` : shown;
  }).join(" ");
  const min = positionals.filter((p) => !p.optional).length;
  const max = positionals.at(-1)?.repeated ? Infinity : positionals.length;
  return { ...spec, args, arity: { min, max } };
}
