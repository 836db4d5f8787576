/**
 * What `replay` prints: whether the file is a run of the model, whether it shows what it records, each
 * property along it, and the trace as text; or all of that as one `--json` object.
 *
 * @module
 */

import type { Value } from "../state/domain.ts";
import type { PropertyAlongTrace, ReplayResult } from "../trace/replay.ts";
import type { Claim } from "../trace/trace_claim.ts";
import { formatTraceText } from "../trace/trace_text.ts";

/** A replay as the replay command computed it. */
export interface Replay {
  readonly model: string;
  readonly params: Readonly<Record<string, Value>>;
  /** The trace file, as named on the command line. */
  readonly path: string;
  readonly states: readonly Record<string, Value>[];
  readonly outcome: ReplayResult;
  /** What the file records that it shows, checked when it is a run. */
  readonly claim: Claim;
}

/** `violated at state #4`, `violated by step 3`, `witnessed at state #2`, `holds along the trace`. */
export function alongText(p: PropertyAlongTrace): string {
  if (p.at === undefined) {
    return p.status === "holds" ? "holds along the trace" : "not witnessed along the trace";
  }
  return p.kind === "transition" || p.kind === "assertion"
    ? `${p.status} by step ${p.at}`
    : `${p.status} at state #${p.at}`;
}

/** What `replay` prints. */
export function formatReplayText(replay: Replay): string {
  const { model, path, outcome, claim } = replay;
  const params = Object.entries(replay.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines: string[] = [];
  if (outcome.ok) {
    lines.push(`${path} is a run of model ${model} (${params}) (${outcome.steps} steps).`);
    lines.push(
      claim.recorded
        ? claim.text
        : "The file records no property it is a counterexample to or a witness of (#meta.property), nor " +
          "a failing action (#meta.failing): replay checked that it is a run of the model and evaluated " +
          "every property along it.",
    );
  } else {
    lines.push(`${path} is not a run of model ${model} (${params}): ${outcome.reason}`);
  }
  if (outcome.properties.length) {
    // State #k is the ITF state whose #meta.index is k (State k+1 in the .txt form).
    lines.push(
      `Properties along ${outcome.ok ? "the trace" : `its first ${outcome.step} states`} ` +
        "(state #k is the ITF state of index k; step k leads from state #k-1 to state #k):",
    );
    for (const p of outcome.properties) {
      lines.push(`  ${p.name.padEnd(40)} ${p.kind.padEnd(10)} ${alongText(p)}`);
    }
  }
  if (outcome.ok) {
    const failing = outcome.failing;
    lines.push(
      formatTraceText(
        {
          model,
          params: replay.params,
          initIndex: 0,
          states: replay.states,
          // A lasso's closing action follows the others, as in the trace it came from.
          actions: outcome.loopAction ? [...outcome.actions, outcome.loopAction] : outcome.actions,
          ...(outcome.loop !== undefined ? { loop: outcome.loop } : {}),
          ...(failing
            ? {
              failing: {
                action: failing.action,
                reason: failing.asserted === undefined
                  ? "its effect completed without failing"
                  : `its effect failed assertion ${failing.asserted}`,
              },
            }
            : {}),
        },
        "Replayed trace.",
      ).replace(/^Error: /, ""),
    );
  }
  return lines.join("\n");
}

/** What `replay --json` prints. */
export function replayJson(replay: Replay): unknown {
  const { outcome, claim } = replay;
  return {
    model: replay.model,
    params: replay.params,
    trace: replay.path,
    ...outcome,
    ...(outcome.ok
      ? {
        claim: claim.recorded
          ? {
            ...(claim.property !== undefined ? { property: claim.property, kind: claim.kind } : {}),
            shown: claim.shown,
            text: claim.text,
          }
          : null,
      }
      : {}),
  };
}
