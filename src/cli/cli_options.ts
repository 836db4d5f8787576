/**
 * The command table: each command's arguments and options in one place, from which both the `parseArgs`
 * options and the usage text are generated (as Quint's CLI does), so the two cannot drift apart.
 *
 * @module
 */

import { closest } from "../state/names.ts";
import { parseArgs } from "node:util";
import { InputError } from "../errors.ts";
import { type NumberRule, parseOptionNumber } from "./option_numbers.ts";

/** One option of a command. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** May be given more than once (values collect into an array). */
  readonly multiple?: boolean;
  /** The value's placeholder in the usage text, such as `N` or `DIR`. */
  readonly value?: string;
  /** One line (or a few, joined) of help. */
  readonly help: string;
  /** Listed under the command's options but not in the one-line synopsis. */
  readonly deprecated?: boolean;
  /** A numeric value, read by this rule when the arguments are parsed (src/cli/option_numbers.ts). */
  readonly number?: NumberRule;
}

/** One command. */
export interface CommandSpec {
  readonly name: string;
  /** Positional arguments as shown in the usage, such as `MODEL` or `[GATE...]`. */
  readonly args: string;
  /** How many positional arguments it takes (`max` Infinity for a list); others are refused. */
  readonly arity: { readonly min: number; readonly max: number };
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs after the options. */
  readonly notes?: readonly string[];
}

/** Options every command accepts. */
export const commonOptions: Readonly<Record<string, OptionSpec>> = {
  progress: { type: "boolean", help: "progress line on stderr (default when stderr is a terminal)" },
  debug: { type: "boolean", help: "stack traces with errors" },
  help: { type: "boolean", help: "this command's usage" },
};

const out: OptionSpec = {
  type: "string",
  value: "DIR",
  help: "output folder (default out): counterexamples go to DIR/traces/<name>/",
};
const workers: OptionSpec = {
  type: "string",
  value: "N",
  help: "search threads (default: the number of cores, at most 256)",
  number: { kind: "integer", min: 1, max: 256 },
};

/** Every command hvcheck has. */
export const commands: readonly CommandSpec[] = [
  {
    name: "check",
    args: "[GATE...]",
    arity: { min: 0, max: Infinity },
    summary: "run the proof gates in checks/ (all but slow ones by default)",
    options: {
      json: { type: "boolean", help: "print one JSON array of gate results" },
      verbose: {
        type: "boolean",
        help: "show each gate's parameters and every property's expected and actual result",
      },
      slow: { type: "boolean", help: "include gates tagged slow" },
      out,
      workers,
    },
  },
  {
    name: "explore",
    args: "MODEL",
    arity: { min: 1, max: 1 },
    summary: "explore a registered model, or a .ts file that exports one",
    options: {
      set: { type: "string", multiple: true, value: "NAME=VALUE", help: "set a parameter (repeatable)" },
      exact: { type: "boolean", help: "store full states: no fingerprint collision can hide a state" },
      "max-states": {
        type: "string",
        value: "N",
        help: "stop (incomplete) after N distinct states",
        number: { kind: "integer", min: 1 },
      },
      "max-depth": {
        type: "string",
        value: "N",
        help: "explore at most N steps from the initial states (0: the initial states only)",
        number: { kind: "integer", min: 0 },
      },
      "time-limit": {
        type: "string",
        value: "S",
        help: "stop (incomplete) after S seconds",
        number: { kind: "seconds" },
      },
      "stop-on-violation": {
        type: "boolean",
        help: "stop at the first violation instead of deciding every property",
      },
      out,
      "trace-dir": {
        type: "string",
        value: "DIR",
        help: "deprecated: counterexamples straight into DIR (use --out)",
        deprecated: true,
      },
      workers,
      memory: {
        type: "string",
        value: "SIZE",
        help: "memory budget such as 8G (default: 85% of available memory); levels spill to disk past " +
          "a fifth of it, and a run that cannot fit stops with a checkpoint",
        number: { kind: "size" },
      },
      checkpoint: {
        type: "string",
        value: "DIR",
        help:
          "write checkpoints there (default OUT/checkpoints/<model>/<params>) every --checkpoint-every seconds, " +
          "on a memory stop and on Ctrl-C",
      },
      "checkpoint-every": {
        type: "string",
        value: "S",
        help: "seconds between checkpoints (default 300)",
        number: { kind: "seconds" },
      },
      resume: {
        type: "string",
        value: "DIR",
        help: "continue from the latest checkpoint in DIR (same model, parameters, --exact)",
      },
      "spill-dir": { type: "string", value: "DIR", help: "where spilled levels go (default OUT/spill)" },
      "trust-model": {
        type: "boolean",
        help: "run a model file with hvcheck's own permissions (default: it may only read its own folder " +
          "and write the output folders; no network, processes or environment)",
      },
      "allow-model-read": {
        type: "string",
        multiple: true,
        value: "DIR",
        help: "let a model file read DIR too (repeatable)",
      },
      "allow-model-write": {
        type: "string",
        multiple: true,
        value: "DIR",
        help: "let a model file write DIR too (repeatable)",
      },
      "no-check": { type: "boolean", help: "do not type-check a model file before running it" },
      json: { type: "boolean", help: "print one JSON object" },
    },
  },
  {
    name: "replay",
    args: "MODEL TRACE.itf.json",
    arity: { min: 2, max: 2 },
    summary: "check that a trace is a run of the model and evaluate its properties along it",
    options: {
      set: {
        type: "string",
        multiple: true,
        value: "NAME=VALUE",
        help: "override a parameter recorded in the trace (repeatable)",
      },
      json: { type: "boolean", help: "print one JSON object" },
    },
  },
  {
    name: "list",
    args: "",
    arity: { min: 0, max: 0 },
    summary: "the registered models with their parameters",
    options: { json: { type: "boolean", help: "print JSON" } },
  },
];

/** The command named `name`, if there is one. */
export function commandNamed(name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}

/** How a machine set up by README (Node and npm, no deno on PATH) runs hvcheck. */
export const launcher = "npx -y deno@2.9.6 run --allow-read=. --allow-write=out main.ts";

function synopsisOf(command: CommandSpec): string {
  return [command.name, command.args].filter(Boolean).join(" ");
}

function optionLines(options: Readonly<Record<string, OptionSpec>>, indent: string): string[] {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(options)) {
    const flag = `--${name}${spec.value ? ` ${spec.value}` : ""}`;
    const head = `${indent}${flag.padEnd(22)} `;
    lines.push(`${head}${spec.help}`);
  }
  return lines;
}

/** The usage of one command, as `<command> --help` prints it. */
export function commandUsage(command: CommandSpec): string {
  return [
    `Usage: ${launcher} ${synopsisOf(command)} [options]`,
    "",
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    "",
    "Options:",
    ...optionLines(command.options, "  "),
    ...optionLines(commonOptions, "  "),
    ...(command.notes ?? []).flatMap((note) => ["", note]),
  ].join("\n");
}

/** The usage of the whole command line. */
export function usage(): string {
  return [
    "hvcheck: an explicit-state model checker for hypervisor registrations",
    "",
    `Usage: ${launcher} <command> [options]`,
    "       (deno run ... main.ts <command> where deno is on PATH; widen --allow-write for an --out elsewhere)",
    "",
    "Commands:",
    ...commands.flatMap((c) => [`  ${synopsisOf(c).padEnd(26)} ${c.summary}`]),
    "",
    "Run <command> --help for a command's options. Every command takes --progress, --debug and --help.",
    "",
    "Exit codes: 0 holds / all gates met, 1 violated / a gate missed, 2 usage or input error,",
    "3 incomplete (a limit was hit), 4 internal error.",
  ].join("\n");
}

/** The parsed arguments of a command. */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  /** The value of every numeric option given, read by its rule. */
  readonly numbers: Readonly<Record<string, number>>;
}

/**
 * Parses `args` for `command`. Unknown options are an InputError that suggests the closest known one;
 * so are an option that takes one value given twice with different values (one of them would be
 * ignored), a numeric value its rule refuses, and positional arguments the command does not take.
 * Whether `--help` was asked is in `values.help`.
 */
export function parseCommandArgs(command: CommandSpec, args: readonly string[]): ParsedArgs {
  const all = { ...command.options, ...commonOptions };
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
  return { values: values as ParsedArgs["values"], positionals, numbers };
}

/** The part of a parseArgs token that the checks below read. */
interface Token {
  readonly kind: string;
  readonly name?: string;
  readonly value?: string | undefined;
}

/** Refuses an option that takes one value given again with another: parseArgs would keep the last. */
function refuseRepeats(
  command: CommandSpec,
  all: Readonly<Record<string, OptionSpec>>,
  tokens: readonly Token[],
): void {
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
