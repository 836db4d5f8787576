/**
 * The usage texts, generated from the command table: a command's (`<command> --help`) and the whole
 * command line's (`--help`). Each option's line is its flag, its help, the limit its number rule sets
 * and its default, so the text says what the parser does.
 *
 * @module
 */

import type { CommandSpec, Options, OptionSpec } from "./command_spec.ts";
import { launcher, PROGRAM } from "./launcher.ts";

/** A command and its positional arguments, as the usage shows them: `explore MODEL`. */
export function synopsisOf(command: CommandSpec): string {
  return [command.name, command.args].filter(Boolean).join(" ");
}

/**
 * An option's help with what the table says besides: that it is deprecated or repeatable, the limit its
 * rule sets and its default, as in `search threads, at most 256 (default: the number of cores)`.
 */
export function optionHelp(spec: OptionSpec): string {
  const rule = spec.number;
  const limit = rule?.kind === "integer" && rule.max !== undefined ? `, at most ${rule.max}` : "";
  const given = spec.default;
  const shown = given === undefined ? undefined : "text" in given ? given.text : String(given.value);
  return [
    spec.deprecated ? "deprecated: " : "",
    spec.help,
    limit,
    spec.multiple ? " (repeatable)" : "",
    shown === undefined ? "" : ` (default: ${shown})`,
  ].join("");
}

function optionLines(options: Options, indent: string): string[] {
  return Object.entries(options).map(([name, spec]) => {
    const flag = `--${name}${spec.value ? ` ${spec.value}` : ""}`;
    return `${indent}${flag.padEnd(22)} ${optionHelp(spec)}`;
  });
}

/** The usage of one command, as `<command> --help` prints it; `common` are the options every command takes. */
export function commandUsage(command: CommandSpec, common: Options): string {
  return [
    `Usage: ${launcher} ${synopsisOf(command)} [options]`,
    "",
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    "",
    "Options:",
    ...optionLines(command.options, "  "),
    ...optionLines(common, "  "),
    ...(command.notes ?? []).flatMap((note) => ["", note]),
  ].join("\n");
}

/** The usage of the whole command line. */
export function usage(commands: readonly CommandSpec[], common: Options): string {
  const flags = Object.keys(common).map((name) => `--${name}`);
  return [
    "hvcheck: an explicit-state model checker for hypervisor registrations",
    "",
    `Usage: ${launcher} <command> [options]`,
    `       (deno run ... ${PROGRAM} <command> where deno is on PATH; widen --allow-write for an --out elsewhere)`,
    "",
    "Commands:",
    ...commands.map((c) => `  ${synopsisOf(c).padEnd(26)} ${c.summary}`),
    "",
    `Run <command> --help for a command's options. Every command takes ${flags.slice(0, -1).join(", ")} and ${
      flags.at(-1)
    }.`,
    "",
    "Exit codes: 0 holds / all gates met, 1 violated / a gate missed, 2 usage or input error,",
    "3 incomplete (a limit was hit), 4 internal error.",
  ].join("\n");
}
