import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { MAX_SECONDS, parseOptionNumber } from "./option_numbers.ts";

const refused = (option: string, rule: Parameters<typeof parseOptionNumber>[1], text: string) =>
  assert.throws(
    () => parseOptionNumber(option, rule, text),
    (e: unknown) =>
      e instanceof InputError && e.message.includes(`--${option}`) && e.message.includes(`"${text}"`),
    `${option}=${text}`,
  );

Deno.test("a count is plain decimal digits, a safe integer in its range; anything else names option and value", () => {
  const count = { kind: "integer", min: 1 } as const;
  assert.equal(parseOptionNumber("max-states", count, "10"), 10);
  assert.equal(
    parseOptionNumber("max-states", count, String(Number.MAX_SAFE_INTEGER)),
    Number.MAX_SAFE_INTEGER,
  );
  for (
    const text of ["1e20", "1e3", "0x10", "0", "-1", "1.5", "", " 5", "Infinity", "99999999999999999999"]
  ) {
    refused("max-states", count, text);
  }
  refused("max-states", count, String(Number.MAX_SAFE_INTEGER + 1));
  assert.equal(parseOptionNumber("max-depth", { kind: "integer", min: 0 }, "0"), 0);
  const workers = { kind: "integer", min: 1, max: 256 } as const;
  assert.equal(parseOptionNumber("workers", workers, "256"), 256);
  refused("workers", workers, "257");
  assert.throws(() => parseOptionNumber("workers", workers, "0"), /no larger than 256/);
});

Deno.test("a duration is a positive decimal number of seconds whose milliseconds stay exact", () => {
  const seconds = { kind: "seconds" } as const;
  assert.equal(parseOptionNumber("time-limit", seconds, "30"), 30);
  assert.equal(parseOptionNumber("checkpoint-every", seconds, "0.001"), 0.001);
  assert.equal(parseOptionNumber("time-limit", seconds, String(MAX_SECONDS)), MAX_SECONDS);
  for (const text of ["0", "0.0", "-5", "abc", "NaN", "Infinity", "1e3", "", String(MAX_SECONDS + 1)]) {
    refused("time-limit", seconds, text);
  }
});

Deno.test("a size is read as --memory reads it", () => {
  assert.equal(parseOptionNumber("memory", { kind: "size" }, "1G"), 2 ** 30);
  for (const text of ["1e99", "0", "10X"]) refused("memory", { kind: "size" }, text);
});
