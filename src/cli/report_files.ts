/**
 * The HTML report of a run and the Mermaid source of each of its diagrams, as files for the driver to
 * write: `FILE` and, beside it, `<FILE without .html>.<gate or model>.<property>.mmd`.
 *
 * @module
 */

import { file, type Output } from "./command.ts";
import { formatHtmlReport, type ReportRun } from "../report/html_report.ts";

/** The files of the report at `path`. */
export function reportFiles(path: string, title: string, runs: readonly ReportRun[]): Output[] {
  const { html, diagrams } = formatHtmlReport(title, runs);
  const stem = path.replace(/\.html?$/i, "");
  return [
    file(path, html),
    ...diagrams.map((d) => file(`${stem}.${d.run}.${d.property}.mmd`, d.mermaid)),
  ];
}
