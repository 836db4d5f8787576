import assert from "node:assert/strict";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { libraryOf } from "../testdata/library.ts";
import { driveCommand } from "../testdata/drive_command.ts";

Deno.test("list shows each model with its parameters, defaults and allowed values", async () => {
  const run = await driveCommand("list", [], counterLibrary);
  assert.equal(run.code, 0);
  assert.equal(
    run.stdout,
    [
      "counter: A counter that counts up to a limit.",
      "  limit = 3  (1..100)  top value",
      "  wrap = false  (true|false)  go back to 0 after the limit",
      "  terminalAtLimit = false  (true|false)  the limit is a fine end state",
    ].join("\n"),
  );
  const [counter] = JSON.parse((await driveCommand("list", ["--json"], counterLibrary)).stdout);
  assert.deepEqual(counter.params[0], {
    name: "limit",
    kind: "int",
    default: 3,
    allowed: "1..100",
    description: "top value",
  });
});

Deno.test("list of no models prints nothing, and --json an empty array", async () => {
  const none = libraryOf(new Map());
  assert.deepEqual((await driveCommand("list", [], none)).outputs, []);
  assert.equal((await driveCommand("list", ["--json"], none)).stdout, "[]");
});
