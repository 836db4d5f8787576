import assert from "node:assert/strict";
import { command } from "./command_spec.ts";
import { EXIT } from "./command.ts";
import { parseOptions } from "./parse_args.ts";
import { InputError } from "../errors.ts";

let computed = 0;
const sample = command({
  name: "sample",
  summary: "a command for these tests",
  positionals: [{ name: "X", optional: true }],
  options: {
    out: { type: "string", value: "DIR", help: "output", default: { value: "out" } },
    spill: {
      type: "string",
      value: "DIR",
      help: "spill",
      default: { text: "OUT/spill", value: (o) => `${o.out}/spill` },
    },
    budget: {
      type: "string",
      value: "N",
      help: "budget",
      number: { kind: "integer", min: 1 },
      default: { text: "what the machine has", value: () => ++computed },
    },
    limit: { type: "string", value: "N", help: "limit", number: { kind: "integer", min: 0 } },
    every: {
      type: "string",
      value: "S",
      help: "every",
      number: { kind: "seconds" },
      default: { value: 300 },
    },
    set: { type: "string", multiple: true, value: "A=B", help: "set" },
    exact: { type: "boolean", help: "exact" },
    name: { type: "string", value: "NAME", help: "name" },
  },
  // deno-lint-ignore require-yield
  run: async function* () {
    return EXIT.ok;
  },
});
const common = { debug: { type: "boolean", help: "debug" } } as const;
const parse = (...args: string[]) => parseOptions(sample, common, args);

Deno.test("options not given get their default, a flag false, a list [] and the rest undefined", () => {
  const { options, values, numbers } = parse();
  // The types follow the table: a default makes an option always have a value.
  const typed: {
    out: string;
    budget: number;
    limit: number | undefined;
    name: string | undefined;
    set: string[];
    exact: boolean;
  } = options;
  assert.equal(typed.out, "out");
  assert.equal(options.spill, "out/spill");
  assert.equal(options.every, 300);
  assert.equal(options.limit, undefined);
  assert.equal(options.name, undefined);
  assert.deepEqual(options.set, []);
  assert.equal(options.exact, false);
  assert.equal(options.debug, false);
  // values and numbers hold only what was given (the Reproduce line repeats exactly those).
  assert.deepEqual({ ...values }, {});
  assert.deepEqual(numbers, {});
});

Deno.test("given options are typed: a number read by its rule, a list in order, a flag true", () => {
  const { options, values, numbers, positionals } = parse(
    "x",
    "--out=o",
    "--budget",
    "7",
    "--limit",
    "0",
    "--every",
    "0.5",
    "--set",
    "a=1",
    "--set",
    "b=2",
    "--exact",
    "--debug",
  );
  assert.deepEqual(positionals, ["x"]);
  assert.equal(options.out, "o");
  assert.equal(options.spill, "o/spill", "a default computed from another option sees its given value");
  assert.deepEqual([options.budget, options.limit, options.every], [7, 0, 0.5]);
  assert.deepEqual(options.set, ["a=1", "b=2"]);
  assert.equal(options.exact, true);
  assert.equal(options.debug, true);
  assert.equal(values.budget, "7", "values keep the text as given");
  assert.deepEqual(numbers, { budget: 7, limit: 0, every: 0.5 });
});

Deno.test("a computed default is computed when first read, once, and not when the option is given", () => {
  computed = 0;
  const parsed = parse();
  assert.equal(computed, 0, "parsing computes no default");
  assert.equal(parsed.options.budget, 1);
  assert.equal(parsed.options.budget, 1);
  assert.equal(computed, 1);
  assert.equal(parse("--budget", "5").options.budget, 5);
  assert.equal(computed, 1);
  assert.ok(Object.isFrozen(parsed.options));
});

Deno.test("the refusals name the option or the arguments, and the command's --help", () => {
  const refuses = (args: string[], message: RegExp) =>
    assert.throws(
      () => parse(...args),
      (e: unknown) => e instanceof InputError && message.test(e.message) && /"sample --help"/.test(e.message),
      args.join(" "),
    );
  refuses(["--exat"], /Unknown option --exat for sample\. Did you mean --exact\?/);
  refuses(["--out", "a", "--out", "b"], /--out is given twice, as "a" and as "b"/);
  refuses(["--limit", "-1"], /--limit/);
  refuses(["x", "y"], /sample expects \[X\] but got "x", "y" \(unexpected: "y"\)/);
  refuses(["--name"], /--name/);
  assert.equal(parse("--out", "a", "--out=a").options.out, "a", "the same value twice is fine");
});
