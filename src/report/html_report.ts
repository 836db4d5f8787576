/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, nothing fetched) that opens
 * offline. It has the table of runs (gates, or one explored model) with their parameters and results, and
 * per run the properties, the action coverage, the search's statistics and every counterexample and
 * witness as a sequence diagram (src/report/sequence_diagram.ts) with a table of the variables each step
 * changed.
 *
 * @module
 */

import type { CheckResult, PropertyResult } from "../check/check.ts";
import type { Gate } from "../check/gate.ts";
import { describeExpectation, describeStatus, matches } from "../check/gate_runner.ts";
import { hasTraceFiles, headline } from "../check/trace_files.ts";
import type { ActionLabel } from "../model/properties.ts";
import { renderMermaid, renderSvg, type SequenceDiagram, sequenceOf } from "./sequence_diagram.ts";
import { attributes, escapeXml as esc } from "./xml.ts";

/** One run the report shows: a gate's, or an explored model's. */
export interface ReportRun {
  /** The gate's name, or the model's. */
  readonly name: string;
  readonly result: CheckResult;
  /** The gate, with whether it was met and why not. */
  readonly gate?: { readonly gate: Gate; readonly met: boolean; readonly problems: readonly string[] };
  /** Who takes each action of this run's model (ActionInstance.actor). */
  readonly actorOf: (label: ActionLabel) => string;
}

/** A counterexample or witness of the report, with its Mermaid source. */
export interface ReportDiagram {
  readonly run: string;
  readonly property: string;
  readonly mermaid: string;
}

const style = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d1d1f; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #d0d0d7; padding: 3px 8px;
  text-align: left; vertical-align: top; } th { background: #f2f2f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #0a7a2f; font-weight: 600; } .missed { color: #b00020; font-weight: 600; }
.violated { color: #b00020; } .holds, .witnessed { color: #0a7a2f; } .incomplete { color: #8a6d00; }
code, .changes { font-family: ui-monospace, monospace; font-size: 12px; }
tr.highlighted td { background: #ffe5e5; } tr.loop td:first-child { border-left: 3px solid #4b6bd6; }
svg.sequence { border: 1px solid #e0e0e6; background: #fcfcfd; margin: 8px 0; }
svg .lane rect { fill: #eef1fb; stroke: #4b6bd6; } svg .lifeline { stroke: #b8c2e8; stroke-dasharray: 4 3; }
svg text { font: 12px ui-monospace, monospace; text-anchor: middle; fill: #1d1d1f; }
svg .actor { font-weight: 600; } svg .step rect { fill: #fff; stroke: #8c8ca1; }
svg .step.highlighted rect { fill: #ffd6d6; stroke: #b00020; stroke-width: 2; }
svg .step.failed rect { stroke-dasharray: 3 2; } svg .handoff { stroke: #c4c4d0; }
svg .loop { fill: none; stroke: #4b6bd6; stroke-dasharray: 6 3; } svg .loop-label { text-anchor: start; fill: #4b6bd6; }
.unfired { color: #b00020; }
`;

function table(
  head: readonly string[],
  rows: readonly string[][],
  rowClass: (i: number) => string = () => "",
) {
  return [
    "<table>",
    `<tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`,
    ...rows.map((r, i) => `<tr${rowClass(i) ? ` class="${rowClass(i)}"` : ""}>${r.join("")}</tr>`),
    "</table>",
  ].join("\n");
}

const cell = (text: string | number, cls = "") =>
  `<td${cls ? ` class="${cls}"` : ""}>${esc(String(text))}</td>`;
const num = (n: number) => cell(n, "num");
const params = (p: Readonly<Record<string, unknown>>) =>
  Object.entries(p).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");

function expected(run: ReportRun, p: PropertyResult): string {
  const e = run.gate && Object.hasOwn(run.gate.gate.expect, p.name)
    ? run.gate.gate.expect[p.name]
    : undefined;
  return e === undefined ? "" : describeExpectation(e);
}

function diagramSection(run: ReportRun, p: PropertyResult, d: SequenceDiagram, anchor: string): string {
  const trace = p.trace!;
  const rows: string[][] = [[
    cell(1),
    cell(""),
    cell("initial state"),
    `<td class="changes">${
      esc(Object.entries(trace.states[0]!).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n"))
        .replace(/\n/g, "<br>")
    }</td>`,
  ]];
  for (const step of d.steps) {
    rows.push([
      cell(`${step.closing ? "back to " : ""}${step.state}`),
      cell(step.actor),
      cell(step.action),
      `<td class="changes">${
        esc(step.failed ? `no state: ${step.failed}` : step.changes.join("\n") || "(no variable changed)")
          .replace(/\n/g, "<br>")
      }</td>`,
    ]);
  }
  const loopFrom = d.loop ? d.loop.from + 1 : Infinity;
  return [
    `<section class="trace" id="${esc(anchor)}"${attributes({ "data-property": p.name })}>`,
    `<h3>${esc(`${run.name}: ${headline(p)}`)}</h3>`,
    d.loop ? `<p>A lasso: from state ${d.loop.backTo} on, the marked steps repeat forever.</p>` : "",
    renderSvg(d),
    table(
      ["state", "actor", "action", "changed"],
      rows,
      (i) =>
        [i > 0 && d.steps[i - 1]!.highlighted ? "highlighted" : "", i >= loopFrom ? "loop" : ""].filter(
          Boolean,
        )
          .join(" "),
    ),
    "</section>",
  ].join("\n");
}

/**
 * The report and the Mermaid source of each of its diagrams.
 *
 * @example
 * ```ts
 * import { formatHtmlReport } from "./html_report.ts";
 * const { html } = formatHtmlReport("hvcheck check", []);
 * console.assert(html.startsWith("<!DOCTYPE html>"));
 * ```
 */
export function formatHtmlReport(
  title: string,
  runs: readonly ReportRun[],
): { html: string; diagrams: ReportDiagram[] } {
  const diagrams: ReportDiagram[] = [];
  const gates = runs.some((r) => r.gate);
  const summary = table(
    [
      gates ? "gate" : "model",
      "model",
      "parameters",
      "safety",
      "liveness",
      "witnesses",
      "states",
      "transitions",
      "depth",
      "seconds",
      ...(gates ? ["result"] : []),
    ],
    runs.map((r) => [
      `<td><a href="#run-${esc(r.name)}">${esc(r.name)}</a></td>`,
      ...(gates ? [cell(r.result.model)] : []),
      `<td><code>${esc(params(r.result.params))}</code></td>`,
      cell(r.result.safety, r.result.safety),
      cell(r.result.liveness ?? "-", r.result.liveness ?? ""),
      cell(r.result.witnesses.total ? `${r.result.witnesses.witnessed}/${r.result.witnesses.total}` : "-"),
      num(r.result.distinctStates),
      num(r.result.transitions),
      num(r.result.depth),
      cell(r.result.seconds.toFixed(2), "num"),
      ...(r.gate ? [cell(r.gate.met ? "ok" : "MISSED", r.gate.met ? "met" : "missed")] : []),
    ]),
    () => "run",
  );
  const sections = runs.map((run) => {
    const r = run.result;
    const properties = table(
      ["property", "kind", "result", ...(run.gate ? ["expected"] : []), "trace"],
      r.properties.map((p) => {
        const e = run.gate && Object.hasOwn(run.gate.gate.expect, p.name)
          ? run.gate.gate.expect[p.name]
          : undefined;
        const ok = e === undefined || matches(e, p);
        return [
          cell(p.name),
          cell(p.kind),
          cell(describeStatus(p), p.status === "not witnessed" ? "" : p.status.replace(" ", "-")),
          ...(run.gate ? [cell(expected(run, p), ok ? "" : "missed")] : []),
          hasTraceFiles(p)
            ? `<td><a href="#trace-${esc(run.name)}-${esc(p.name)}">diagram</a></td>`
            : cell(""),
        ];
      }),
    );
    const coverage = table(
      ["action", "fired"],
      r.actions.map((a) => [cell(a.name, a.fired === 0 ? "unfired" : ""), num(a.fired)]),
    );
    const stats = table([
      "distinct states",
      "transitions",
      "depth",
      "states/s",
      "peak memory (bytes)",
      "workers",
    ], [[
      num(r.distinctStates),
      num(r.transitions),
      num(r.depth),
      num(Math.round(r.statesPerSecond)),
      num(r.peakMemoryBytes),
      num(r.workers),
    ]]);
    const traces = r.properties.filter(hasTraceFiles).map((p) => {
      const d = sequenceOf(p.trace!, run.actorOf);
      diagrams.push({
        run: run.name,
        property: p.name,
        mermaid: renderMermaid(d, `${run.name}: ${headline(p)}`),
      });
      return diagramSection(run, p, d, `trace-${run.name}-${p.name}`);
    });
    return [
      `<section class="run" id="run-${esc(run.name)}">`,
      `<h2>${esc(run.name)}</h2>`,
      run.gate ? `<p>${esc(run.gate.gate.why)}</p>` : "",
      run.gate && !run.gate.met
        ? `<ul class="problems">${
          run.gate.problems.map((p) => `<li class="missed">${esc(p)}</li>`).join("")
        }</ul>`
        : "",
      ...r.warnings.map((w) => `<p class="incomplete">${esc(w)}</p>`),
      properties,
      "<h3>Action coverage</h3>",
      coverage,
      "<h3>Search</h3>",
      stats,
      ...traces,
      "</section>",
    ].join("\n");
  });
  const html = [
    "<!DOCTYPE html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${style}</style></head>`,
    "<body>",
    `<h1>${esc(title)}</h1>`,
    summary,
    ...sections,
    "</body></html>",
    "",
  ].join("\n");
  return { html, diagrams };
}
