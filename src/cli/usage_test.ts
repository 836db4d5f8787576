import assert from "node:assert/strict";
import { command, type OptionSpec } from "./command_spec.ts";
import { EXIT } from "./command.ts";
import { commandUsage, optionHelp, synopsisOf, usage } from "./usage.ts";
import { launcher } from "./launcher.ts";

// A handler these tests never run.
// deno-lint-ignore require-yield
const run = async function* () {
  return EXIT.ok;
};
const sample = command({
  name: "sample",
  summary: "do a thing",
  positionals: [{ name: "MODEL" }],
  options: {
    out: { type: "string", value: "DIR", help: "output folder", default: { value: "out" } },
    workers: {
      type: "string",
      value: "N",
      help: "threads",
      number: { kind: "integer", min: 1, max: 8 },
      default: { text: "the number of cores", value: () => 2 },
    },
  },
  notes: ["A note."],
  run,
});
const common = {
  debug: { type: "boolean", help: "stack traces" },
  help: { type: "boolean", help: "usage" },
} as const;

Deno.test("optionHelp() adds what the entry says besides its help", () => {
  const help = (spec: Partial<OptionSpec>) => optionHelp({ type: "string", help: "h", ...spec });
  assert.equal(help({}), "h");
  assert.equal(help({ default: { value: 300 } }), "h (default: 300)");
  assert.equal(help({ default: { text: "OUT/spill" } }), "h (default: OUT/spill)");
  assert.equal(help({ multiple: true }), "h (repeatable)");
  assert.equal(help({ deprecated: true }), "deprecated: h");
  assert.equal(help({ number: { kind: "integer", min: 1, max: 256 } }), "h, at most 256");
  assert.equal(help({ number: { kind: "integer", min: 1 } }), "h", "no limit shown without a maximum");
});

Deno.test("commandUsage() is the synopsis, the summary, every option with its help, then the notes", () => {
  assert.equal(synopsisOf(sample), "sample MODEL");
  assert.equal(
    commandUsage(sample, common),
    [
      `Usage: ${launcher} sample MODEL [options]`,
      "",
      "Do a thing.",
      "",
      "Options:",
      "  --out DIR              output folder (default: out)",
      "  --workers N            threads, at most 8 (default: the number of cores)",
      "  --debug                stack traces",
      "  --help                 usage",
      "",
      "A note.",
    ].join("\n"),
  );
});

Deno.test("usage() lists every command with its synopsis and the options every command takes", () => {
  const text = usage([
    sample,
    command({ name: "list", summary: "list them", positionals: [], options: {}, run }),
  ], common);
  assert.match(text, /^Usage: npx -y deno@2\.9\.6 run .* main\.ts <command> \[options\]$/m);
  assert.match(text, /^ {2}sample MODEL {15}do a thing$/m);
  assert.match(text, /^ {2}list {23}list them$/m);
  assert.match(text, /Every command takes --debug and --help\./);
});
