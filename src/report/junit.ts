/**
 * The proof gates as JUnit XML, the report CI systems read: one testcase per gate (classname the model),
 * a failure carrying every reason the gate was missed and the counterexample files, and each property's
 * expected and actual status as a testcase property.
 *
 * @module
 */

import { describeExpectation, describeStatus, type GateResult } from "../check/gate_runner.ts";
import { attributes, escapeXml } from "./xml.ts";
import type { TracePaths } from "../check/trace_files.ts";

const attrs = attributes;

const seconds = (s: number) => s.toFixed(3);

/**
 * The JUnit document of a `check` run.
 *
 * @example
 * ```ts
 * import { formatJunit } from "./junit.ts";
 * console.assert(formatJunit([], new Map()).includes('<testsuites name="hvcheck check" tests="0"'));
 * ```
 */
export function formatJunit(
  results: readonly GateResult[],
  paths: ReadonlyMap<GateResult, TracePaths>,
): string {
  const failures = results.filter((r) => !r.met).length;
  const time = seconds(results.reduce((t, r) => t + r.result.seconds, 0));
  const totals = { tests: results.length, failures, errors: 0, skipped: 0, time };
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${attrs({ name: "hvcheck check", ...totals })}>`,
    `  <testsuite${attrs({ name: "proof gates", ...totals })}>`,
  ];
  for (const r of results) {
    const traces = paths.get(r) ?? {};
    lines.push(
      `    <testcase${
        attrs({ classname: `hvcheck.${r.gate.model}`, name: r.gate.name, time: seconds(r.result.seconds) })
      }>`,
      `      <properties>`,
      `        <property${attrs({ name: "why", value: r.gate.why })}/>`,
      `        <property${attrs({ name: "params", value: JSON.stringify(r.result.params) })}/>`,
      `        <property${attrs({ name: "distinct states", value: r.result.distinctStates })}/>`,
      `        <property${attrs({ name: "minimum states", value: r.gate.minStates })}/>`,
    );
    for (const p of r.result.properties) {
      const e = Object.hasOwn(r.gate.expect, p.name) ? r.gate.expect[p.name] : undefined;
      const value = `${describeStatus(p)} (expected ${e === undefined ? "nothing" : describeExpectation(e)})`;
      lines.push(`        <property${attrs({ name: `property ${p.name}`, value })}/>`);
    }
    lines.push(`      </properties>`);
    const files = Object.entries(traces).map(([property, path]) => `${property}: ${path}`);
    if (!r.met) {
      const body = [...r.problems, ...(files.length ? ["", "Traces:", ...files] : [])].join("\n");
      lines.push(
        `      <failure${attrs({ type: "gate missed", message: r.problems[0] ?? "gate missed" })}>${
          escapeXml(body)
        }</failure>`,
      );
    }
    if (files.length) lines.push(`      <system-out>${escapeXml(files.join("\n"))}</system-out>`);
    lines.push(`    </testcase>`);
  }
  lines.push(`  </testsuite>`, `</testsuites>`, "");
  return lines.join("\n");
}
