import assert from "node:assert/strict";
import { command } from "./command_spec.ts";
import { EXIT } from "./command.ts";

// A handler these tests never run.
// deno-lint-ignore require-yield
const run = async function* () {
  return EXIT.ok;
};

Deno.test("command() derives the usage of the positional arguments and how many there may be", () => {
  const shape = (positionals: Parameters<typeof command>[0]["positionals"]) => {
    const c = command({ name: "c", summary: "s", positionals, options: {}, run });
    return [c.args, c.arity.min, c.arity.max];
  };
  assert.deepEqual(shape([]), ["", 0, 0]);
  assert.deepEqual(shape([{ name: "MODEL" }]), ["MODEL", 1, 1]);
  assert.deepEqual(shape([{ name: "MODEL" }, { name: "TRACE.itf.json" }]), ["MODEL TRACE.itf.json", 2, 2]);
  assert.deepEqual(shape([{ name: "GATE", optional: true, repeated: true }]), ["[GATE...]", 0, Infinity]);
  assert.deepEqual(shape([{ name: "A" }, { name: "B", optional: true }]), ["A [B]", 1, 2]);
  assert.deepEqual(shape([{ name: "A" }, { name: "B", repeated: true }]), ["A B...", 2, Infinity]);
  assert.throws(() => shape([{ name: "A", repeated: true }, { name: "B" }]), /only the last/);
});

Deno.test("command() keeps the handler and the rest of the entry as written", () => {
  const options = { json: { type: "boolean", help: "JSON" } } as const;
  const c = command({ name: "c", summary: "s", positionals: [], options, loadsModelFile: true, run });
  assert.equal(c.run, run);
  assert.equal(c.options, options);
  assert.equal(c.loadsModelFile, true);
});
