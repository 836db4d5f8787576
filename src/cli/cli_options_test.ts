import assert from "node:assert/strict";
import { commandNamed, commands, parseCommandArgs } from "./cli_options.ts";
import { InputError } from "../errors.ts";

const parse = (command: string, args: string[]) => parseCommandArgs(commandNamed(command)!, args);
const refuses = (command: string, args: string[], message: RegExp) =>
  assert.throws(
    () => parse(command, args),
    (e: unknown) => e instanceof InputError && message.test(e.message),
    `${command} ${args.join(" ")}`,
  );

Deno.test("every command refuses positional arguments it does not take, naming them", () => {
  refuses("list", ["x"], /list takes no arguments but got "x"/);
  refuses("explore", [], /explore expects MODEL but got none/);
  refuses("explore", ["page_ownership", "--workers", "1", "extra"], /\(unexpected: "extra"\)/);
  refuses("replay", ["page_ownership"], /replay expects MODEL TRACE\.itf\.json but got "page_ownership"/);
  refuses("replay", ["m", "a.itf.json", "b.itf.json"], /\(unexpected: "b\.itf\.json"\)/);
  assert.deepEqual(parse("check", ["a", "b", "c"]).positionals, ["a", "b", "c"]);
  assert.deepEqual(parse("list", ["--json"]).positionals, []);
  // The table says how many each command takes, so no command is left unchecked.
  for (const command of commands) assert.ok(command.arity.min <= command.arity.max, command.name);
});

Deno.test("numeric options are read by their rule when the arguments are parsed", () => {
  const parsed = parse("explore", [
    "m",
    "--max-states=10",
    "--max-depth",
    "0",
    "--time-limit",
    "1.5",
    "--checkpoint-every",
    "0.001",
    "--workers",
    "2",
    "--memory",
    "1G",
  ]);
  assert.deepEqual(parsed.numbers, {
    "max-states": 10,
    "max-depth": 0,
    "time-limit": 1.5,
    "checkpoint-every": 0.001,
    workers: 2,
    memory: 2 ** 30,
  });
  refuses("explore", ["m", "--max-states=1e20"], /--max-states expects a positive integer .* but got "1e20"/);
  refuses("explore", ["m", "--max-depth=-2"], /--max-depth/);
  refuses("explore", ["m", "--workers=100000"], /--workers expects a positive integer no larger than 256/);
  refuses("explore", ["m", "--time-limit=Infinity"], /--time-limit .*"Infinity"/);
  refuses("check", ["--workers", "0"], /--workers/);
  // Every option whose value is a number says how it is read.
  for (const command of commands) {
    for (const [name, spec] of Object.entries(command.options)) {
      if (spec.value === "N" || spec.value === "S" || spec.value === "SIZE") assert.ok(spec.number, name);
    }
  }
});

Deno.test("an option that takes one value is refused when given twice with different values", () => {
  refuses(
    "explore",
    ["m", "--max-states", "5", "--max-states=6"],
    /--max-states is given twice, as "5" and as "6"/,
  );
  refuses("explore", ["m", "--out", "a", "--out", "b"], /--out is given twice/);
  assert.equal(parse("explore", ["m", "--workers", "2", "--workers", "2"]).numbers.workers, 2);
  assert.deepEqual(parse("explore", ["m", "--set", "a=1", "--set", "b=2"]).values.set, ["a=1", "b=2"]);
});
