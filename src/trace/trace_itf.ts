/**
 * Traces in the Informal Trace Format (ITF) of Apalache and Quint, written so that the ecosystem's readers
 * take them: the Rust `itf` crate (whose `#meta` entries, at the top and in each state, are strings apart
 * from a state's `index`), the ITF Trace Viewer and Quint's model-based-testing conventions.
 *
 * `vars` lists the state variables and Quint's `mbt::actionTaken` (the name of the action that led to the
 * state, `init` for the first) and `mbt::nondetPicks` (each action parameter of the trace, `{"tag": "Some",
 * "value": v}` where that action took it, `{"tag": "None", ...}` elsewhere). Values are as itf_value.ts
 * writes them. The top-level `#meta` names the model, and holds as JSON text the run's parameters
 * (`params`), the action that failed in the last state and made no state (`failing`), and for a lasso the
 * action that leads from the last state back to `states[loop]` (`loopAction`; `loop` is ITF's).
 *
 * Reading checks every value against the model's domains and names the state and variable of the first
 * bad one, so a corrupt or truncated file is an InputError, never a wrong replay. It also reads what Quint
 * writes: module-qualified variable names (`spec::page_ownership::owner`), `mbt::` actions whose picks are
 * matched to the model's action parameters, and the encodings itf_value.ts lists; and the older hvcheck
 * files that kept objects in `#meta`.
 *
 * @module
 */

import { describe, type Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import type { ModelInstance } from "../model/model.ts";
import { type ActionLabel, formatAction } from "../model/properties.ts";
import { fromItfParams, fromItfValue, isObject, toItfValue } from "./itf_value.ts";
import type { Trace } from "./trace.ts";

export { fromItfParams, fromItfValue, type ItfValue, toItfValue } from "./itf_value.ts";

/** Quint's variable naming the action that led to a state. */
export const ACTION_TAKEN = "mbt::actionTaken";
/** Quint's variable holding the nondeterministic choices of that action. */
export const NONDET_PICKS = "mbt::nondetPicks";

/** Metadata written into the trace's top-level `#meta`. */
export interface ItfMeta {
  readonly description?: string;
  readonly property?: string;
}

const NONE = { tag: "None", value: { "#tup": [] } };

/**
 * The ITF document of a trace (serialise with JSON.stringify).
 *
 * @example
 * ```ts
 * import { toItf } from "./trace_itf.ts";
 * const doc = toItf({
 *   model: "m", params: { n: 2 }, initIndex: 0,
 *   states: [{ x: 0 }, { x: 1 }],
 *   actions: [{ name: "inc", params: {} }],
 * });
 * console.assert(JSON.stringify(doc.states[1]!["x"]) === '{"#bigint":"1"}');
 * console.assert(doc.states[1]!["mbt::actionTaken"] === "inc");
 * ```
 */
export function toItf(trace: Trace, meta: ItfMeta = {}): {
  "#meta": Record<string, string>;
  vars: string[];
  states: Record<string, unknown>[];
  loop?: number;
} {
  const vars = Object.keys(trace.states[0] ?? {});
  const labels = [...trace.actions, ...(trace.failing ? [trace.failing.action] : [])];
  const picked = [...new Set(labels.flatMap((a) => Object.keys(a.params)))].sort();
  const mbt = (action: ActionLabel | undefined) => ({
    [ACTION_TAKEN]: action?.name ?? "init",
    [NONDET_PICKS]: Object.fromEntries(picked.map((name) => [
      name,
      action !== undefined && Object.hasOwn(action.params, name)
        ? { tag: "Some", value: toItfValue(action.params[name]!) }
        : NONE,
    ])),
  });
  const closing = trace.loop !== undefined ? trace.actions[trace.states.length - 1] : undefined;
  return {
    "#meta": {
      format: "ITF",
      "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
      source: `hvcheck model ${trace.model}`,
      description: meta.description ?? `A run of model ${trace.model}`,
      model: trace.model,
      params: JSON.stringify(trace.params),
      ...(meta.property ? { property: meta.property } : {}),
      ...(trace.initIndex > 0 ? { init: String(trace.initIndex) } : {}),
      // The action that failed in the last state made no state, so it has no place in "states".
      ...(trace.failing
        ? { failing: JSON.stringify({ action: trace.failing.action, reason: trace.failing.reason }) }
        : {}),
      // A lasso's closing action leads from the last state back to states[loop]: no state of its own.
      ...(closing ? { loopAction: JSON.stringify(closing) } : {}),
    },
    vars: [...vars, ACTION_TAKEN, NONDET_PICKS],
    states: trace.states.map((state, index) => ({
      "#meta": { index },
      ...Object.fromEntries(vars.map((v) => [v, toItfValue(state[v]!)])),
      ...mbt(index > 0 ? trace.actions[index - 1] : undefined),
    })),
    ...(trace.loop !== undefined ? { loop: trace.loop } : {}),
  };
}

/**
 * An entry of a trace's top-level `#meta` that holds structure: JSON text as hvcheck writes it, or the
 * object older files kept there. Throws an InputError naming `source` when the text is not JSON.
 */
export function metaEntry(meta: Record<string, unknown>, key: string, source: string): unknown {
  const raw = meta[key];
  if (typeof raw !== "string" || !/^\s*[{[]/.test(raw)) return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new InputError(`${source}: #meta.${key} is not valid JSON (${(error as Error).message}).`);
  }
}

/** A trace read from ITF: states checked against the model's domains, and the actions when recorded. */
export interface ParsedItf {
  readonly states: Record<string, Value>[];
  /** `actions[i]` led to `states[i + 1]`, when the file says so. */
  readonly actions: (ActionLabel | undefined)[];
  /** The action recorded in `#meta.failing`: it failed in the last state and made no state. */
  readonly failing?: ActionLabel;
  readonly meta: Record<string, unknown>;
  /** A lasso's loop index (ITF's `loop`): the last state leads back to `states[loop]`. */
  readonly loop?: number;
  /** The action that leads there (`#meta.loopAction`), when the file records it. */
  readonly loopAction?: ActionLabel;
}

/**
 * Which key of the file holds each model variable: its own name, or a module-qualified one as Quint writes
 * (`spec::page_ownership::owner`). Quint's `mbt::` variables are not model variables.
 */
function variableKeys(vars: readonly string[], instance: ModelInstance, source: string): Map<string, string> {
  const fields = instance.domain.fields;
  const keys = new Map<string, string>();
  const unknown: string[] = [];
  for (const key of vars) {
    if (key === ACTION_TAKEN || key === NONDET_PICKS) continue;
    const name = Object.hasOwn(fields, key) ? key : key.split("::").at(-1)!;
    if (!Object.hasOwn(fields, name)) unknown.push(key);
    else if (keys.has(name)) {
      throw new InputError(`${source}: both ${keys.get(name)} and ${key} name variable ${name}.`);
    } else keys.set(name, key);
  }
  const missing = Object.keys(fields).filter((name) => !keys.has(name));
  if (missing.length || unknown.length) {
    throw new InputError(
      `${source}: its variables do not match model ${instance.name}` +
        (missing.length ? `; missing ${missing.join(", ")}` : "") +
        (unknown.length ? `; unknown ${unknown.join(", ")}` : "") + ".",
    );
  }
  return keys;
}

/**
 * The action a state's `mbt::` variables name: the model's action of that name, with each of its
 * parameters taken from the pick of the same name. Picks the action does not take are ignored. hvcheck's
 * own files (`strict`) must name one of the model's action instances; for another tool's file an action
 * that does not map is left for the replay to find.
 */
function mbtAction(
  state: Record<string, unknown>,
  instance: ModelInstance,
  where: string,
  strict: boolean,
): ActionLabel | undefined {
  const name = state[ACTION_TAKEN];
  if (name === undefined) return undefined;
  if (typeof name !== "string") {
    throw new InputError(`${where}: ${ACTION_TAKEN} must be an action name but is ${describe(name)}.`);
  }
  const picks = state[NONDET_PICKS] ?? {};
  if (!isObject(picks)) {
    throw new InputError(`${where}: ${NONDET_PICKS} must be a record but is ${describe(picks)}.`);
  }
  const candidates = instance.actions.filter((a) => a.label.name === name);
  const taken = Object.fromEntries(
    Object.entries(picks).flatMap(([pick, v]) =>
      isObject(v) && v.tag === "Some" && Object.hasOwn(v, "value") ? [[pick, v.value]] : []
    ),
  );
  const wanted = Object.keys(candidates[0]?.label.params ?? {});
  const label = {
    name,
    params: fromItfParams(Object.fromEntries(wanted.flatMap((k) => k in taken ? [[k, taken[k]]] : []))),
  };
  if (strict) return parseAction(label, instance, `${where}: ${ACTION_TAKEN}`);
  return candidates.find((a) => sameLabel(a.label, label as ActionLabel))?.label;
}

/** Parses ITF text against a model instance. `source` names the file in messages. */
export function parseItf(text: string, instance: ModelInstance, source: string): ParsedItf {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${source} is not valid JSON (${(error as Error).message}); is the file truncated?`);
  }
  if (!isObject(doc)) throw new InputError(`${source}: expected an ITF object with "vars" and "states".`);
  const { vars, states } = doc;
  if (!Array.isArray(vars) || !vars.every((v) => typeof v === "string")) {
    throw new InputError(`${source}: "vars" must be a list of variable names.`);
  }
  if (!Array.isArray(states) || states.length === 0) {
    throw new InputError(`${source}: "states" must be a non-empty list of states.`);
  }
  const fields = instance.domain.fields;
  const keys = variableKeys(vars, instance, source);
  const top = isObject(doc["#meta"]) ? doc["#meta"] : {};
  // A file hvcheck wrote must name the model's own actions; another tool's actions may not map.
  const strict = typeof top.source !== "string" || top.source.startsWith("hvcheck");
  const known = new Set([...keys.values(), ACTION_TAKEN, NONDET_PICKS, "#meta"]);
  const actions: (ActionLabel | undefined)[] = [];
  const parsed = states.map((state, index) => {
    const where = `${source}, state #${index}`;
    if (!isObject(state)) throw new InputError(`${where}: expected a JSON object.`);
    const meta = state["#meta"];
    if (isObject(meta) && meta.index !== undefined && meta.index !== index) {
      throw new InputError(
        `${where}: #meta.index is ${describe(meta.index)}; states are out of order or missing.`,
      );
    }
    if (index > 0) {
      // hvcheck's older files kept the action as an object in the state's #meta.
      actions.push(
        isObject(meta) && meta.action !== undefined
          ? parseAction(meta.action, instance, `${where}: #meta.action`)
          : mbtAction(state, instance, where, strict),
      );
    }
    // A variable the model does not have would otherwise be dropped without a word.
    const extra = Object.keys(state).filter((key) => !known.has(key));
    if (extra.length) {
      throw new InputError(
        `${where}: ${extra.length === 1 ? "variable" : "variables"} ${extra.join(", ")} ${
          extra.length === 1 ? "is" : "are"
        } not ${
          extra.length === 1 ? "a variable" : "variables"
        } of model ${instance.name} (its variables are ${Object.keys(fields).join(", ")}).`,
      );
    }
    const value: Record<string, Value> = {};
    for (const [name, domain] of Object.entries(fields)) {
      const key = keys.get(name)!;
      if (!Object.hasOwn(state, key)) throw new InputError(`${where}: variable ${key} is missing.`);
      value[name] = fromItfValue(state[key], domain, `${where}, variable ${key}`);
    }
    return value;
  });
  const loop = doc.loop;
  if (
    loop !== undefined &&
    !(Number.isInteger(loop) && (loop as number) >= 0 && (loop as number) < parsed.length)
  ) {
    throw new InputError(
      `${source}: "loop" must be the index of one of its ${parsed.length} states but is ${describe(loop)}.`,
    );
  }
  const failingEntry = metaEntry(top, "failing", source);
  const failing = failingEntry === undefined ? undefined : parseFailing(failingEntry, instance, source);
  const loopAction = parseAction(
    metaEntry(top, "loopAction", source),
    instance,
    `${source}: #meta.loopAction`,
  );
  if (loopAction !== undefined && loop === undefined) {
    throw new InputError(
      `${source}: #meta.loopAction names the action that closes a loop, but it has no "loop".`,
    );
  }
  return {
    states: parsed,
    actions,
    ...(failing ? { failing } : {}),
    meta: top,
    ...(loop === undefined ? {} : { loop: loop as number }),
    ...(loopAction === undefined ? {} : { loopAction }),
  };
}

/** `#meta.failing`: `{"action": {...}, "reason": "..."}`, the action that failed in the last state. */
function parseFailing(raw: unknown, instance: ModelInstance, source: string): ActionLabel {
  if (!isObject(raw) || raw.action === undefined) {
    throw new InputError(
      `${source}: #meta.failing must be {"action": {"name": ..., "params": {...}}, "reason": ...} but is ${
        describe(raw)
      }.`,
    );
  }
  return parseAction(raw.action, instance, `${source}: #meta.failing.action`)!;
}

/**
 * A recorded action: it must be one of the model's action instances (its name, and parameters in
 * their domains), like every value of a state.
 */
function parseAction(raw: unknown, instance: ModelInstance, where: string): ActionLabel | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw) || typeof raw.name !== "string" || (raw.params !== undefined && !isObject(raw.params))) {
    throw new InputError(`${where} must be {"name": ..., "params": {...}} but is ${describe(raw)}.`);
  }
  const candidates = instance.actions.filter((a) => a.label.name === raw.name);
  if (candidates.length === 0) {
    throw new InputError(`${where}: model ${instance.name} has no action ${JSON.stringify(raw.name)}.`);
  }
  const label = { name: raw.name, params: fromItfParams(raw.params ?? {}) as Record<string, Value> };
  const instanceOf = candidates.find((a) => sameLabel(a.label, label));
  if (!instanceOf) {
    const shown = candidates.slice(0, 6).map((a) => formatAction(a.label)).join(", ");
    throw new InputError(
      `${where}: ${formatAction(label)} is not an action of model ${instance.name} with these parameters ` +
        `(its ${raw.name} actions are ${shown}${candidates.length > 6 ? ", ..." : ""}).`,
    );
  }
  return instanceOf.label;
}

/** Whether two action labels name the same action with the same parameters. */
export function sameLabel(a: ActionLabel, b: ActionLabel): boolean {
  if (a.name !== b.name) return false;
  const keys = Object.keys(a.params);
  return keys.length === Object.keys(b.params).length &&
    keys.every((k) => Object.hasOwn(b.params, k) && a.params[k] === b.params[k]);
}
