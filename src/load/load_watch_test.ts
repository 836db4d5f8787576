import assert from "node:assert/strict";
import { watchLoad } from "./load_watch.ts";

const here = new URL("../", import.meta.url).href;

Deno.test("watchLoad() reports the first random or clock call made from the model's folder", async () => {
  const calls = [
    [() => Math.random(), "Math.random()"],
    [() => Date.now(), "Date.now()"],
    [() => new Date(), "new Date()"],
    [() => performance.now(), "performance.now()"],
    [() => crypto.getRandomValues(new Uint8Array(4)), "crypto.getRandomValues()"],
    [() => crypto.randomUUID(), "crypto.randomUUID()"],
  ] as const;
  for (const [f, source] of calls) {
    const { value, call } = await watchLoad(`${here}model.ts`, () => Promise.resolve(f()));
    assert.notEqual(value, undefined);
    assert.equal(call?.source, source);
    assert.ok(call!.url.endsWith("load_watch_test.ts"), call!.url);
    assert.ok(call!.line > 0);
  }
  const { call } = await watchLoad(`${here}model.ts`, async () => {
    new Date(0);
    Date.UTC(2020, 1);
    return await Promise.resolve(1);
  });
  assert.equal(call, undefined);
});

Deno.test("watchLoad() ignores calls from outside the model's folder", async () => {
  const { call } = await watchLoad(`${here}testdata/model.ts`, () => Promise.resolve(Math.random()));
  assert.equal(call, undefined);
});

Deno.test("watchLoad() restores what it watched, even when the load throws", async () => {
  const before = [Math.random, Date, Date.now, performance.now, crypto.getRandomValues, crypto.randomUUID];
  await assert.rejects(() => watchLoad(`${here}model.ts`, () => Promise.reject(new Error("no"))), /no/);
  await watchLoad(`${here}model.ts`, () => Promise.resolve(Math.random()));
  assert.deepEqual(
    [Math.random, Date, Date.now, performance.now, crypto.getRandomValues, crypto.randomUUID],
    before,
  );
  assert.equal(Object.hasOwn(crypto, "getRandomValues"), false);
  assert.ok(new Date(5) instanceof Date);
});
