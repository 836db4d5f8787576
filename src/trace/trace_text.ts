/**
 * Traces as text, in the style TLC users know: numbered states, the action that led to each with its
 * parameters, the whole initial state and then only the variables that changed.
 *
 * @module
 */

import type { Value } from "../state/domain.ts";
import { formatAction } from "../model/properties.ts";
import type { Trace } from "./trace.ts";

/** A value as TLC prints it: `<<"free", "shared">>`, `[online |-> true]`. */
export function showValue(value: Value): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `<<${value.map(showValue).join(", ")}>>`;
  if (typeof value === "object") {
    return `[${Object.entries(value).map(([k, v]) => `${k} |-> ${showValue(v)}`).join(", ")}]`;
  }
  return String(value);
}

/** Leaf-level differences between two states, as `path = value` lines (`owner[0] = "shared"`). */
export function stateChanges(
  before: Readonly<Record<string, Value>>,
  after: Readonly<Record<string, Value>>,
): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(after)) changes(k, before[k]!, v, out);
  return out;
}

function changes(path: string, before: Value, after: Value, out: string[]): void {
  if (typeof after !== "object" || typeof before !== "object") {
    if (before !== after) out.push(`${path} = ${showValue(after)}`);
    return;
  }
  if (Array.isArray(after)) {
    after.forEach((v, i) => changes(`${path}[${i}]`, (before as Value[])[i]!, v, out));
    return;
  }
  for (const [k, v] of Object.entries(after)) {
    changes(`${path}.${k}`, (before as Record<string, Value>)[k]!, v, out);
  }
}

/**
 * Renders a trace. `headline` says what the trace shows (such as "Invariant x is violated.").
 *
 * @example
 * ```ts
 * import { formatTraceText } from "./trace_text.ts";
 * const text = formatTraceText({
 *   model: "m", params: {}, initIndex: 0,
 *   states: [{ n: 0 }, { n: 1 }],
 *   actions: [{ name: "inc", params: {} }],
 * }, "Invariant small is violated.");
 * ```
 */
export function formatTraceText(trace: Trace, headline: string): string {
  const params = Object.entries(trace.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines = [
    `Error: ${headline}`,
    `Model ${trace.model}${params ? ` (${params})` : ""}. The behavior up to this point is (${
      trace.actions.length + (trace.failing ? 1 : 0)
    } steps${trace.loop === undefined ? "" : `, then back to state ${trace.loop + 1} forever`}):`,
  ];
  trace.states.forEach((state, i) => {
    lines.push("");
    if (i === 0) {
      lines.push(`State 1: <Initial predicate${trace.initIndex > 0 ? ` #${trace.initIndex}` : ""}>`);
      for (const [k, v] of Object.entries(state)) lines.push(`/\\ ${k} = ${showValue(v)}`);
      return;
    }
    lines.push(`State ${i + 1}: <${formatAction(trace.actions[i - 1]!)}>`);
    const out = stateChanges(trace.states[i - 1]!, state).map((line) => `/\\ ${line}`);
    lines.push(...(out.length ? out : ["(no variable changed)"]));
  });
  if (trace.loop !== undefined) {
    // TLC's form: the cycle's closing step leads back to a state shown above.
    const closing = trace.actions[trace.states.length - 1];
    lines.push("", `Back to state ${trace.loop + 1}${closing ? `: <${formatAction(closing)}>` : ""}`);
  }
  if (trace.failing) {
    // The failing action made no state: show it after the last state, with what went wrong.
    lines.push("", `State ${trace.states.length + 1}: <${formatAction(trace.failing.action)}>`);
    lines.push(`(no state: ${trace.failing.reason})`);
  }
  return lines.join("\n") + "\n";
}
