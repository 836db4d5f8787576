import assert from "node:assert/strict";
import { leastPrivilegeRefusal, parseRefusal, reportedRefusal } from "./permission_error.ts";

Deno.test("parseRefusal() reads Deno's wording of every kind of refusal", () => {
  const said: [string, string, string][] = [
    ['Requires read access to "/etc/passwd", run again with the --allow-read flag', "read", "/etc/passwd"],
    ['Requires write access to "out/x.txt", run again with the --allow-write flag', "write", "out/x.txt"],
    ['Requires net access to "127.0.0.1:9", run again with the --allow-net flag', "net", "127.0.0.1:9"],
    ['Requires env access to "HOME", run again with the --allow-env flag', "env", "HOME"],
    ['Requires run access to "true", run again with the --allow-run flag', "run", "true"],
    ['Requires sys access to "osRelease", run again with the --allow-sys flag', "sys", "osRelease"],
    ['Requires ffi access to "/tmp/libx.so", run again with the --allow-ffi flag', "ffi", "/tmp/libx.so"],
    // Without the hint, unquoted, or inside a longer message (a worker thread relays it so).
    ['Requires read access to "/m"', "read", "/m"],
    ["Requires read access to <CWD>, run again with the --allow-read flag", "read", "<CWD>"],
    ['Uncaught (in worker "") NotCapable: Requires env access to "HOME", run again', "env", "HOME"],
  ];
  for (const [message, kind, target] of said) {
    assert.deepEqual(parseRefusal(message), { kind, target }, message);
  }
  assert.equal(parseRefusal("Permission denied (os error 13)"), undefined);
  assert.equal(parseRefusal("Requires a name"), undefined);
});

Deno.test("a quoted target keeps its commas and spaces, which Deno's flags cannot express", () => {
  const refusal = parseRefusal(
    'Requires write access to "/tmp/a b,c.txt", run again with the --allow-write flag',
  );
  assert.deepEqual(refusal, { kind: "write", target: "/tmp/a b,c.txt" });
});

Deno.test("the least-privilege child's wording names the model file and is read back by its parent", () => {
  const refusal = { kind: "read", target: 'odd "name", with\\ a comma' };
  const message = leastPrivilegeRefusal("models/m.ts", refusal);
  assert.match(
    message,
    /^The run of model file models\/m\.ts needs read access to ".*", which a least-privilege/,
  );
  assert.deepEqual(reportedRefusal(`hvcheck: ${message}\n`), refusal);
  // The parent also recognises Deno's own wording, printed by a child that did not word it.
  assert.deepEqual(reportedRefusal('error: Requires net access to "x:1", run again'), {
    kind: "net",
    target: "x:1",
  });
  assert.equal(reportedRefusal("hvcheck: Model bad: state() failed"), undefined);
});
