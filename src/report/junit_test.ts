import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { driveCommand } from "../testdata/drive_command.ts";
import { escapeXml } from "./xml.ts";

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => name === "testcase" || name === "property",
});

Deno.test("check --junit writes one testcase per gate; a missed one fails with its reasons and traces", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/reports/junit.xml`;
  const run = await driveCommand("check", ["--workers", "1", "--out", "o", "--junit", path], counterLibrary);
  assert.equal(run.code, 1, "a gate was missed");
  const xml = await Deno.readTextFile(path);
  assert.equal(XMLValidator.validate(xml), true);
  const { testsuites } = parser.parse(xml);
  assert.equal(testsuites["@_tests"], "2");
  assert.equal(testsuites["@_failures"], "1");
  const [met, missed] = testsuites.testsuite.testcase;
  assert.equal(met["@_name"], "counter_met");
  assert.equal(met["@_classname"], "hvcheck.counter");
  assert.equal(met.failure, undefined);
  const property = (tc: { properties: { property: Record<string, string>[] } }, name: string) =>
    tc.properties.property.find((p) => p["@_name"] === name)?.["@_value"];
  assert.equal(property(met, "property below_limit"), "violated in 3 steps (expected violated in 3 steps)");
  assert.equal(property(met, "why"), "a test");
  assert.equal(missed["@_name"], "counter_missed");
  assert.equal(missed.failure["@_type"], "gate missed");
  assert.equal(
    missed.failure["@_message"],
    "property below_limit is violated in 3 steps, expected violated in 2 steps",
  );
  assert.match(
    missed.failure["#text"],
    /Traces:\nbelow_limit: o\/traces\/counter_missed\/below_limit\.itf\.json/,
  );
  assert.match(missed["system-out"], /below_limit: o\/traces\/counter_missed\/below_limit\.itf\.json/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("check --junit into a folder it cannot create is an error, and the table is still printed", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/file`, "");
  const run = await driveCommand(
    "check",
    ["--workers", "1", "--junit", `${dir}/file/junit.xml`],
    counterLibrary,
  );
  assert.equal(run.code, undefined);
  assert.ok(run.error instanceof Error);
  assert.match(run.stdout, /^counter_met /m);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("escapeXml() makes any text, hostile names included, parse back as itself", () => {
  const hostile = `a<b>&"c"'d' ]]> \u0000\u0007\u001f\ud800 é ✓ 🙂 \t\n`;
  const xml = `<r a="${escapeXml(hostile)}">${escapeXml(hostile)}</r>`;
  assert.equal(XMLValidator.validate(xml), true);
  const parsed = new XMLParser({ ignoreAttributes: false, trimValues: false, processEntities: true }).parse(
    xml,
  );
  const kept = `a<b>&"c"'d' ]]>  é ✓ 🙂 \t\n`;
  assert.equal(parsed.r["#text"], kept);
  assert.equal(parsed.r["@_a"], kept);
});
