/**
 * The reachable state graph of a small model in Graphviz DOT, as TLC's `-dump dot` writes it: one node per
 * state (its variables), one edge per transition (its action; the environment's dashed), the initial states
 * doubled, and the path of every counterexample drawn in red.
 *
 * @module
 */

import type { ModelInstance } from "../model/model.ts";
import { formatAction } from "../model/properties.ts";
import type { StateGraph } from "../liveness/state_graph.ts";
import { createReadonlyView, toValue } from "../state/state_view.ts";
import type { Value } from "../state/domain.ts";
import { NO_PARENT } from "../store/keys.ts";
import type { Trace } from "../trace/trace.ts";
import { showValue } from "../trace/trace_text.ts";

/** Above this many states a drawing is no longer readable, and `--dot` is refused. */
export const DOT_MAX_STATES = 5000;

/** A DOT string literal's content: quotes and backslashes escaped, lines left-aligned (`\l`). */
function dotText(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\l");
}

/**
 * The graph as DOT; `counterexamples` are drawn in red (their states filled, their steps thick).
 *
 * @example
 * ```ts
 * import { formatDot } from "./state_graph_dot.ts";
 * import { buildStateGraph } from "../liveness/state_graph.ts";
 * import { instantiate, type Model } from "../model/model.ts";
 * import { defineModel, int } from "../../mod.ts";
 * const m = defineModel({
 *   name: "tick", params: {}, state: () => ({ n: int(0, 1) }), init: () => {},
 *   actions: (_p, { action }) => [action("tick", { effect: (s) => void (s.n = 1 - s.n) })],
 * });
 * const instance = instantiate(m as unknown as Model, {});
 * const dot = formatDot(instance, buildStateGraph(instance), []);
 * console.assert(dot.includes('s0 -> s1 [label="tick"]'));
 * ```
 */
export function formatDot(
  instance: ModelInstance,
  graph: StateGraph,
  counterexamples: readonly Trace[],
): string {
  const words = new Uint32Array(graph.words);
  const view = createReadonlyView(words, instance.shape);
  const key = (state: Readonly<Record<string, Value>>) => JSON.stringify(state);
  const ids = new Map<string, number>();
  const labels: string[] = [];
  for (let id = 0; id < graph.size; id++) {
    words.set(graph.states.subarray(id * graph.words, (id + 1) * graph.words));
    const state = toValue(view as never) as Record<string, Value>;
    ids.set(key(state), id);
    labels.push(Object.entries(state).map(([k, v]) => `${k} = ${showValue(v)}`).join("\n") + "\n");
  }
  const onPath = new Set<number>();
  const steps = new Set<string>();
  for (const trace of counterexamples) {
    const path = trace.states.map((s) => ids.get(key(s)));
    path.forEach((id, i) => {
      if (id === undefined) return;
      onPath.add(id);
      const next = i + 1 < path.length
        ? path[i + 1]
        : trace.loop !== undefined
        ? path[trace.loop]
        : undefined;
      const action = trace.actions[i];
      if (next !== undefined && action !== undefined) steps.add(`${id} ${next} ${formatAction(action)}`);
    });
  }
  const lines = [
    `digraph ${JSON.stringify(instance.name)} {`,
    `  node [shape=box, fontname="monospace", fontsize=10];`,
    `  edge [fontname="monospace", fontsize=9];`,
  ];
  for (let id = 0; id < graph.size; id++) {
    const style = [
      ...(graph.parent[id] === NO_PARENT ? ["peripheries=2"] : []),
      ...(onPath.has(id) ? ["color=red", "style=filled", `fillcolor="#ffe0e0"`] : []),
    ];
    lines.push(`  s${id} [label="${dotText(labels[id]!)}"${style.map((s) => `, ${s}`).join("")}];`);
  }
  for (let id = 0; id < graph.size; id++) {
    for (let e = graph.edgeStart[id]!; e < graph.edgeStart[id + 1]!; e++) {
      const act = instance.actions[graph.edgeAction[e]!]!;
      const target = graph.edgeTarget[e]!;
      const style = [
        ...(act.background ? ["style=dashed"] : []),
        ...(steps.has(`${id} ${target} ${act.text}`) ? ["color=red", "penwidth=2.5"] : []),
      ];
      lines.push(
        `  s${id} -> s${target} [label="${dotText(act.text)}"${style.map((s) => `, ${s}`).join("")}];`,
      );
    }
  }
  lines.push("}", "");
  return lines.join("\n");
}
