/**
 * The command table: every command once, with its positional arguments, its options (types, defaults,
 * number rules) and its handler. The parser and every usage text are generated from it (as Quint's
 * CLI does), so they cannot drift apart, and each handler reads its options typed as declared here.
 *
 * @module
 */

import type { Options, OptionSpec, ParsedArgs } from "./command_spec.ts";
import { command, type CommandSpec } from "./command_spec.ts";
import { parseOptions } from "./parse_args.ts";
import { commandUsage as usageOf, usage as usageOfAll } from "./usage.ts";
import { defaultMemoryBudget } from "../store/memory_budget.ts";
import { runCheck } from "./run_check.ts";
import { runExplore } from "./run_explore.ts";
import { runReplay } from "./run_replay.ts";
import { runList } from "./run_list.ts";

/** Options every command accepts. */
export const commonOptions = {
  progress: {
    type: "boolean",
    help: "progress line on stderr",
    default: { text: "when stderr is a terminal", value: () => Deno.stderr.isTerminal() },
  },
  debug: { type: "boolean", help: "stack traces with errors" },
  help: { type: "boolean", help: "this command's usage" },
} as const satisfies Options;

/** The options every command accepts. */
export type CommonOptions = typeof commonOptions;

/** The default output folder, relative to the working folder. */
export const DEFAULT_OUT = "out";

const out = {
  type: "string",
  value: "DIR",
  help: "output folder: counterexamples go to DIR/traces/<name>/",
  default: { value: DEFAULT_OUT },
  output: true,
} as const satisfies OptionSpec;

const workers = {
  type: "string",
  value: "N",
  help: "search threads",
  number: { kind: "integer", min: 1, max: 256 },
  default: {
    text: "the number of cores",
    value: () => Math.max(1, Math.min(256, navigator.hardwareConcurrency || 1)),
  },
} as const satisfies OptionSpec;

const json = (help: string) => ({ type: "boolean", help } as const satisfies OptionSpec);

const html = {
  type: "string",
  value: "FILE",
  help:
    "also write an HTML report (sequence diagrams, coverage) to FILE, and each diagram's Mermaid beside it",
  output: true,
} as const satisfies OptionSpec;

const checkOptions = {
  json: json("print one JSON array of gate results"),
  verbose: {
    type: "boolean",
    help: "show each gate's parameters and every property's expected and actual result",
  },
  slow: { type: "boolean", help: "include gates tagged slow" },
  junit: {
    type: "string",
    value: "FILE",
    help: "also write the gate results as JUnit XML to FILE",
    output: true,
  },
  html,
  out,
  workers,
} as const satisfies Options;

const exploreOptions = {
  dot: {
    type: "string",
    value: "FILE",
    help: "also write the state graph as Graphviz DOT to FILE, counterexamples in red (small models only)",
    output: true,
  },
  set: { type: "string", multiple: true, value: "NAME=VALUE", help: "set a parameter" },
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
  html,
  out,
  "trace-dir": {
    type: "string",
    value: "DIR",
    help: "counterexamples straight into DIR (use --out)",
    deprecated: true,
    output: true,
  },
  workers,
  memory: {
    type: "string",
    value: "SIZE",
    help: "memory budget such as 8G; levels spill to disk past a fifth of it, and a run that cannot fit " +
      "stops with a checkpoint",
    number: { kind: "size" },
    default: { text: "85% of available memory", value: () => defaultMemoryBudget() },
  },
  checkpoint: {
    type: "string",
    value: "DIR",
    help: "write checkpoints there every --checkpoint-every seconds, on a memory stop and on Ctrl-C",
    default: { text: "OUT/checkpoints/<model>/<params>, or the --resume folder" },
    output: true,
  },
  "checkpoint-every": {
    type: "string",
    value: "S",
    help: "seconds between checkpoints",
    number: { kind: "seconds" },
    default: { value: 300 },
  },
  resume: {
    type: "string",
    value: "DIR",
    help: "continue from the latest checkpoint in DIR (same model, parameters, --exact)",
    output: true,
  },
  "spill-dir": {
    type: "string",
    value: "DIR",
    help: "where spilled levels go",
    default: { text: "OUT/spill", value: (o) => `${o.out}/spill` },
    output: true,
  },
  "trust-model": {
    type: "boolean",
    help: "run a model file with hvcheck's own permissions",
    default: {
      text:
        "it may only read its own folder and write the output folders; no network, processes or environment",
    },
  },
  "allow-model-read": {
    type: "string",
    multiple: true,
    value: "DIR",
    help: "let a model file read DIR too",
  },
  "allow-model-write": {
    type: "string",
    multiple: true,
    value: "DIR",
    help: "let a model file write DIR too",
  },
  "no-check": { type: "boolean", help: "do not type-check a model file before running it" },
  json: json("print one JSON object"),
} as const satisfies Options;

const replayOptions = {
  set: {
    type: "string",
    multiple: true,
    value: "NAME=VALUE",
    help: "override a parameter recorded in the trace",
  },
  json: json("print one JSON object"),
} as const satisfies Options;

const listOptions = { json: json("print JSON") } as const satisfies Options;

/** The arguments `check` runs on. */
export type CheckArgs = ParsedArgs<typeof checkOptions>;
/** The arguments `explore` runs on. */
export type ExploreArgs = ParsedArgs<typeof exploreOptions>;
/** The arguments `replay` runs on. */
export type ReplayArgs = ParsedArgs<typeof replayOptions>;
/** The arguments `list` runs on. */
export type ListArgs = ParsedArgs<typeof listOptions>;

/** Every command hvcheck has. */
export const commands: readonly CommandSpec[] = [
  command({
    name: "check",
    positionals: [{ name: "GATE", optional: true, repeated: true }],
    summary: "run the proof gates in checks/ (all but slow ones by default)",
    options: checkOptions,
    run: runCheck,
  }),
  command({
    name: "explore",
    positionals: [{ name: "MODEL" }],
    summary: "explore a registered model, or a .ts file that exports one",
    options: exploreOptions,
    loadsModelFile: true,
    run: runExplore,
  }),
  command({
    name: "replay",
    positionals: [{ name: "MODEL" }, { name: "TRACE.itf.json" }],
    summary: "check that a trace is a run of the model and evaluate its properties along it",
    options: replayOptions,
    run: runReplay,
  }),
  command({
    name: "list",
    positionals: [],
    summary: "the registered models with their parameters",
    options: listOptions,
    run: runList,
  }),
];

/** The command named `name`, if there is one. */
export function commandNamed(name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}

/** Parses `args` for `command` and the common options (src/cli/parse_args.ts). */
export function parseCommandArgs<O extends Options>(
  command: CommandSpec<O>,
  args: readonly string[],
): ParsedArgs<O & CommonOptions> {
  return parseOptions(command, commonOptions, args);
}

/** The usage of one command, as `<command> --help` prints it. */
export function commandUsage(command: CommandSpec): string {
  return usageOf(command, commonOptions);
}

/** The usage of the whole command line. */
export function usage(): string {
  return usageOfAll(commands, commonOptions);
}
