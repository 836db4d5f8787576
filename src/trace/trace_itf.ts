/**
 * Traces in the Informal Trace Format (ITF) of Apalache and Quint, so existing ITF tooling reads them.
 *
 * `vars` lists the state variables; each state is an object with `#meta.index` and one entry per
 * variable. Values: booleans and enum names as JSON booleans and strings, integers as
 * `{"#bigint": "42"}`, arrays as lists, records as objects. The action that led to a state is kept in
 * that state's `#meta.action` (`{ "name": "share", "params": { "page": {"#bigint": "2"} } }`), where ITF
 * readers that do not know it ignore it. A run that ends in an action that failed (an assertion in its
 * effect, a model error) keeps that action in the top-level `#meta.failing`: it made no state. A lasso
 * has ITF's `loop`, the index of the state its last state's successor is, and the action that leads
 * there in `#meta.loopAction`.
 *
 * Reading checks every value against the model's domains and names the state and variable of the
 * first bad one, so a corrupt or truncated file is an InputError, never a wrong replay.
 *
 * @module
 */

import { describe, type Domain, type Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import type { ModelInstance } from "../model/model.ts";
import { type ActionLabel, formatAction } from "../model/properties.ts";
import type { Trace } from "./trace.ts";

/** An ITF value. */
export type ItfValue = boolean | string | { "#bigint": string } | ItfValue[] | { [key: string]: ItfValue };

/** Converts a plain value to ITF. */
export function toItfValue(value: Value): ItfValue {
  if (typeof value === "number") return { "#bigint": String(value) };
  if (Array.isArray(value)) return value.map(toItfValue);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toItfValue(v)]));
  }
  return value;
}

/** Metadata written into the trace's top-level `#meta`. */
export interface ItfMeta {
  readonly description?: string;
  readonly property?: string;
}

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
 * ```
 */
export function toItf(trace: Trace, meta: ItfMeta = {}): {
  "#meta": Record<string, unknown>;
  vars: string[];
  states: Record<string, unknown>[];
  loop?: number;
} {
  const vars = Object.keys(trace.states[0] ?? {});
  return {
    "#meta": {
      format: "ITF",
      "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
      source: `hvcheck model ${trace.model}`,
      description: meta.description ?? `A run of model ${trace.model}`,
      model: trace.model,
      params: toItfValue(trace.params as Record<string, Value>),
      ...(meta.property ? { property: meta.property } : {}),
      ...(trace.initIndex > 0 ? { init: trace.initIndex } : {}),
      // The action that failed in the last state made no state, so it has no place in "states".
      ...(trace.failing
        ? {
          failing: {
            action: {
              name: trace.failing.action.name,
              params: toItfValue(trace.failing.action.params as Record<string, Value>),
            },
            reason: trace.failing.reason,
          },
        }
        : {}),
      // A lasso's closing action leads from the last state back to states[loop]: no state of its own.
      ...(trace.loop !== undefined && trace.actions[trace.states.length - 1]
        ? { loopAction: actionToItf(trace.actions[trace.states.length - 1]!) }
        : {}),
    },
    vars,
    states: trace.states.map((state, index) => {
      const action = index > 0 ? trace.actions[index - 1] : undefined;
      const stateMeta: Record<string, unknown> = { index };
      if (action) {
        stateMeta.action = { name: action.name, params: toItfValue(action.params as Record<string, Value>) };
      }
      return { "#meta": stateMeta, ...Object.fromEntries(vars.map((v) => [v, toItfValue(state[v]!)])) };
    }),
    ...(trace.loop !== undefined ? { loop: trace.loop } : {}),
  };
}

function actionToItf(action: ActionLabel): Record<string, unknown> {
  return { name: action.name, params: toItfValue(action.params as Record<string, Value>) };
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

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Converts an ITF value to a plain value of `domain`; throws an InputError naming `where`. */
export function fromItfValue(value: unknown, domain: Domain, where: string): Value {
  const bad = (expected: string): never => {
    throw new InputError(`${where}: expected ${expected} but found ${describe(value)}.`);
  };
  switch (domain.kind) {
    case "bool":
      return typeof value === "boolean" ? value : bad("a boolean");
    case "int": {
      let n: number | undefined;
      if (isObject(value) && typeof value["#bigint"] === "string" && /^-?\d+$/.test(value["#bigint"])) {
        n = Number(value["#bigint"]);
      } else if (typeof value === "number" && Number.isInteger(value)) {
        n = value; // plain JSON integers, as older ITF writers emit them
      }
      if (n === undefined) return bad(`an integer {"#bigint": "..."}`);
      return n >= domain.min && n <= domain.max ? n : bad(`an integer in ${domain.min}..${domain.max}`);
    }
    case "enum":
      return typeof value === "string" && (domain.values as readonly string[]).includes(value)
        ? value
        : bad(`one of ${domain.values.map((v) => JSON.stringify(v)).join(", ")}`);
    case "array":
      if (!Array.isArray(value) || value.length !== domain.length) {
        return bad(`a list of ${domain.length} elements`);
      }
      return value.map((v, i) => fromItfValue(v, domain.element, `${where}[${i}]`));
    case "record": {
      if (!isObject(value)) return bad("a record (JSON object)");
      const out: Record<string, Value> = {};
      for (const [name, field] of Object.entries(domain.fields)) {
        if (!Object.hasOwn(value, name)) bad(`a record with field ${name}`);
        out[name] = fromItfValue(value[name], field, `${where}.${name}`);
      }
      const extra = Object.keys(value).filter((k) => !Object.hasOwn(domain.fields, k));
      if (extra.length) {
        bad(`no fields besides ${Object.keys(domain.fields).join(", ")} (found ${extra.join(", ")})`);
      }
      return out;
    }
  }
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
  const missing = Object.keys(fields).filter((name) => !vars.includes(name));
  const unknown = vars.filter((name) => !Object.hasOwn(fields, name));
  if (missing.length || unknown.length) {
    throw new InputError(
      `${source}: its variables do not match model ${instance.name}` +
        (missing.length ? `; missing ${missing.join(", ")}` : "") +
        (unknown.length ? `; unknown ${unknown.join(", ")}` : "") + ".",
    );
  }
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
      actions.push(isObject(meta) ? parseAction(meta.action, instance, `${where}: #meta.action`) : undefined);
    }
    // A variable the model does not have would otherwise be dropped without a word.
    const extra = Object.keys(state).filter((key) => key !== "#meta" && !Object.hasOwn(fields, key));
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
      if (!Object.hasOwn(state, name)) throw new InputError(`${where}: variable ${name} is missing.`);
      value[name] = fromItfValue(state[name], domain, `${where}, variable ${name}`);
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
  const top = isObject(doc["#meta"]) ? doc["#meta"] : {};
  const failing = top.failing === undefined ? undefined : parseFailing(top.failing, instance, source);
  const loopAction = parseAction(top.loopAction, instance, `${source}: #meta.loopAction`);
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

/**
 * A map of parameter values from ITF, where the domains are not known yet (action parameters, the
 * model parameters in `#meta`): `{"#bigint": "3"}` becomes 3, other values stay as they are.
 */
export function fromItfParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map((
      [key, value],
    ) => [key, isObject(value) && typeof value["#bigint"] === "string" ? Number(value["#bigint"]) : value]),
  );
}
