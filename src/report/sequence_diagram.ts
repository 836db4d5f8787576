/**
 * A trace as a sequence diagram: one lane per actor (the model's `actor` of each action), one row per
 * step with the action on the lane of who took it and the variables it changed, the step that shows the
 * property highlighted, and a lasso's cycle marked from the state it goes back to. Rendered as SVG for
 * the HTML report and as Mermaid source for people who paste diagrams elsewhere.
 *
 * @module
 */

import { type ActionLabel, formatAction } from "../model/properties.ts";
import type { Trace } from "../trace/trace.ts";
import { stateChanges } from "../trace/trace_text.ts";
import { attributes, escapeXml } from "./xml.ts";

/** One step of the diagram: the action that led to state `state` (1-based, as the text trace counts). */
export interface DiagramStep {
  readonly state: number;
  readonly actor: string;
  readonly action: string;
  readonly changes: readonly string[];
  /** The step that shows the property (the last one, or the failing action). */
  readonly highlighted: boolean;
  /** The action failed and made no state; `changes` is then empty and this says why. */
  readonly failed?: string;
  /** The step that closes a lasso: it goes back to state `state`. */
  readonly closing?: boolean;
}

/** A trace laid out for drawing. */
export interface SequenceDiagram {
  readonly lanes: readonly string[];
  readonly steps: readonly DiagramStep[];
  /** A lasso: the steps from `loop.from` (a 0-based index into `steps`) repeat forever. */
  readonly loop?: { readonly from: number; readonly backTo: number };
}

/**
 * Lays `trace` out; `actorOf` names who takes each action. Lanes appear in the order actors first act.
 *
 * @example
 * ```ts
 * import { sequenceOf } from "./sequence_diagram.ts";
 * const d = sequenceOf({
 *   model: "m", params: {}, initIndex: 0,
 *   states: [{ n: 0 }, { n: 1 }],
 *   actions: [{ name: "inc", params: {} }],
 * }, () => "kernel");
 * console.assert(d.lanes.length === 1 && d.steps[0]!.changes[0] === "n = 1");
 * ```
 */
export function sequenceOf(trace: Trace, actorOf: (label: ActionLabel) => string): SequenceDiagram {
  const lanes: string[] = [];
  const lane = (label: ActionLabel) => {
    const actor = actorOf(label);
    if (!lanes.includes(actor)) lanes.push(actor);
    return actor;
  };
  const steps: DiagramStep[] = [];
  const n = trace.states.length;
  for (let i = 1; i < n; i++) {
    const label = trace.actions[i - 1]!;
    steps.push({
      state: i + 1,
      actor: lane(label),
      action: formatAction(label),
      changes: stateChanges(trace.states[i - 1]!, trace.states[i]!),
      highlighted: i === n - 1 && !trace.failing && trace.loop === undefined,
    });
  }
  if (trace.loop !== undefined && trace.actions[n - 1] !== undefined) {
    const closing = trace.actions[n - 1]!;
    steps.push({
      state: trace.loop + 1,
      actor: lane(closing),
      action: formatAction(closing),
      changes: stateChanges(trace.states[n - 1]!, trace.states[trace.loop]!),
      highlighted: false,
      closing: true,
    });
  }
  if (trace.failing) {
    steps.push({
      state: n + 1,
      actor: lane(trace.failing.action),
      action: formatAction(trace.failing.action),
      changes: [],
      highlighted: true,
      failed: trace.failing.reason,
    });
  }
  if (lanes.length === 0) lanes.push("initial state");
  return {
    lanes,
    steps,
    ...(trace.loop !== undefined ? { loop: { from: trace.loop, backTo: trace.loop + 1 } } : {}),
  };
}

const LANE = 190;
const ROW = 34;
const HEAD = 44;
const MARGIN = 16;

/** The diagram as an SVG element (inline in the report; no script, no external font). */
export function renderSvg(d: SequenceDiagram): string {
  const lanesWidth = MARGIN * 2 + LANE * d.lanes.length;
  const width = lanesWidth + (d.loop ? 170 : 0); // a lasso's label sits in a gutter on the right
  const rowY = (i: number) => HEAD + 24 + i * ROW;
  const height = rowY(d.steps.length) + MARGIN;
  const x = (actor: string) => MARGIN + LANE * d.lanes.indexOf(actor) + LANE / 2;
  const out = [
    `<svg class="sequence"${attributes({ width, height, viewBox: `0 0 ${width} ${height}`, role: "img" })}>`,
  ];
  d.lanes.forEach((actor, i) => {
    const cx = MARGIN + LANE * i + LANE / 2;
    out.push(
      `<g class="lane"${attributes({ "data-actor": actor })}>`,
      `<line${attributes({ x1: cx, y1: HEAD, x2: cx, y2: height - MARGIN })} class="lifeline"/>`,
      `<rect${attributes({ x: cx - LANE / 2 + 8, y: 6, width: LANE - 16, height: HEAD - 12, rx: 4 })}/>`,
      `<text${attributes({ x: cx, y: HEAD / 2 + 5 })} class="actor">${escapeXml(clip(actor, 24))}</text>`,
      `</g>`,
    );
  });
  if (d.loop) {
    const top = rowY(d.loop.from) - ROW / 2 + 2;
    out.push(
      `<rect class="loop"${
        attributes({ x: 4, y: top, width: width - 8, height: rowY(d.steps.length) - top - 6 })
      }/>`,
      `<text class="loop-label"${
        attributes({ x: 10, y: top + 12 })
      }>loop: back to state ${d.loop.backTo}</text>`,
    );
  }
  d.steps.forEach((step, i) => {
    const y = rowY(i);
    const cx = x(step.actor);
    const from = i > 0 ? x(d.steps[i - 1]!.actor) : undefined;
    if (from !== undefined && from !== cx) {
      out.push(`<line class="handoff"${attributes({ x1: from, y1: y - ROW + 10, x2: cx, y2: y - 10 })}/>`);
    }
    const cls = `step${step.highlighted ? " highlighted" : ""}${step.failed ? " failed" : ""}`;
    out.push(
      `<g${attributes({ class: cls, "data-state": step.state })}>`,
      `<title>${
        escapeXml(`State ${step.state}: ${step.action}\n${step.failed ?? step.changes.join("\n")}`)
      }</title>`,
      `<rect${attributes({ x: cx - LANE / 2 + 6, y: y - 11, width: LANE - 12, height: 22, rx: 3 })}/>`,
      `<text${attributes({ x: cx, y: y + 4 })}>${
        escapeXml(clip(`${stepLabel(step)} ${step.action}`, 27))
      }</text>`,
      `</g>`,
    );
  });
  out.push(`</svg>`);
  return out.join("\n");
}

/** `4.` for the step to state 4, `↩ 3.` for a lasso's step back to state 3. */
function stepLabel(step: DiagramStep): string {
  return `${step.closing ? "↩ " : ""}${step.state}.`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Text Mermaid shows as itself: the characters its grammar reads are written as entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[#;:<>{}\n\r"%]/g, (c) => `#${c.codePointAt(0)};`);
}

/** The diagram as Mermaid `sequenceDiagram` source. */
export function renderMermaid(d: SequenceDiagram, title: string): string {
  const id = (actor: string) => `A${d.lanes.indexOf(actor)}`;
  const lines = ["sequenceDiagram", `  title ${mermaidText(title)}`];
  for (const actor of d.lanes) lines.push(`  participant ${id(actor)} as ${mermaidText(actor)}`);
  d.steps.forEach((step, i) => {
    if (d.loop && i === d.loop.from) lines.push(`  loop back to state ${d.loop.backTo}`);
    const note = [`${stepLabel(step)} ${step.action}`, ...(step.failed ? [step.failed] : step.changes)]
      .map(mermaidText).join("<br/>");
    if (step.highlighted) lines.push("  rect rgb(255, 222, 222)");
    lines.push(`  Note over ${id(step.actor)}: ${note}`);
    if (step.highlighted) lines.push("  end");
  });
  if (d.loop) lines.push("  end");
  return lines.join("\n") + "\n";
}
