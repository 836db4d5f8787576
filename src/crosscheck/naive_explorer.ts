/**
 * An independent, deliberately naive explorer, used to cross-check the engine.
 *
 * It shares only the model's action instances with the engine. States are plain JavaScript values,
 * keyed by their JSON text in a Map; views are plain objects over those values. No packing, no
 * fingerprints, no typed arrays, no compiled accessors: if the engine's layout, accessors, hashing,
 * visited set, frontier or search loop lose or invent a state, the counts or verdicts differ.
 * It is slow (hundreds of bytes per state) and only for small models. Being plain, it also serves to
 * run a model whose search hung, one wrapped function at a time, to name the one that does not return
 * (src/cli/hang_finder.ts).
 *
 * @module
 */

import {
  contains,
  describe,
  type Domain,
  type RecordDomain,
  type ScalarDomain,
  type Value,
} from "../state/domain.ts";
import type { ModelInstance } from "../model/model.ts";
import type { Counts } from "../search/search_types.ts";
import { asBoolean } from "../model/model_failure.ts";
import { AssertionSignal } from "../model/properties.ts";
import { StateValueError, StateWriteError } from "../state/state_view.ts";

function checked(domain: ScalarDomain, path: string, value: unknown): Value {
  if (!contains(domain, value)) throw new StateValueError(path, value, domain);
  return value as Value;
}

/**
 * A view over a plain value, with the same interface as the engine's packed views; a read-only one
 * (for guards and properties) throws on every write.
 */
export function plainView(domain: Domain, holder: { v: Value }, path: string, readonly: boolean): unknown {
  if (domain.kind === "record") {
    const view: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(domain.fields)) {
      const fieldPath = path ? `${path}.${name}` : name;
      const record = () => holder.v as Record<string, Value>;
      if (field.kind === "bool" || field.kind === "int" || field.kind === "enum") {
        Object.defineProperty(view, name, {
          enumerable: true,
          get: () => record()[name],
          set: (value: unknown) => {
            if (readonly) throw new StateWriteError(fieldPath);
            record()[name] = checked(field, fieldPath, value);
          },
        });
      } else {
        const child = plainView(
          field,
          {
            get v() {
              return record()[name]!;
            },
          } as { v: Value },
          fieldPath,
          readonly,
        );
        Object.defineProperty(view, name, { enumerable: true, value: child });
      }
    }
    return view;
  }
  if (domain.kind === "array") {
    const array = () => holder.v as Value[];
    const element = domain.element;
    if (element.kind === "bool" || element.kind === "int" || element.kind === "enum") {
      const index = (i: number) => {
        if (!(Number.isInteger(i) && i >= 0 && i < domain.length)) {
          throw new RangeError(
            `Expected an index of ${path} in 0..${domain.length - 1} but found ${describe(i)}`,
          );
        }
        return i;
      };
      return {
        length: domain.length,
        get: (i: number) => array()[index(i)],
        set: (i: number, value: unknown) => {
          if (readonly) throw new StateWriteError(`${path}[${i}]`);
          array()[index(i)] = checked(element, `${path}[${i}]`, value);
        },
        fill: (value: unknown) => {
          if (readonly) throw new StateWriteError(path);
          array().forEach((_, i) => array()[i] = checked(element, `${path}[${i}]`, value));
        },
        every: (f: (v: Value, i: number) => boolean) => array().every((v, i) => f(v, i)),
        some: (f: (v: Value, i: number) => boolean) => array().some((v, i) => f(v, i)),
        count: (value: Value) => array().filter((v) => v === value).length,
        indexOf: (value: Value) => array().indexOf(value),
        includes: (value: Value) => array().includes(value),
        forEach: (f: (v: Value, i: number) => void) => array().forEach((v, i) => f(v, i)),
        map: (f: (v: Value, i: number) => unknown) => array().map((v, i) => f(v, i)),
        toArray: () => [...array()],
      };
    }
    return Array.from(
      { length: domain.length },
      (_, i) =>
        plainView(
          element,
          {
            get v() {
              return array()[i]!;
            },
          } as { v: Value },
          `${path}[${i}]`,
          readonly,
        ),
    );
  }
  throw new TypeError("A scalar has no view of its own");
}

/** The zero value of a domain: every bool false, every int at its minimum, every enum at its first value. */
export function zero(domain: Domain): Value {
  switch (domain.kind) {
    case "bool":
      return false;
    case "int":
      return domain.min;
    case "enum":
      return domain.values[0]!;
    case "array":
      return Array.from({ length: domain.length }, () => zero(domain.element));
    case "record":
      return Object.fromEntries(Object.entries(domain.fields).map(([k, d]) => [k, zero(d)]));
  }
}

/** What the naive explorer found: counts and, per property, its status and shortest trace length. */
export interface NaiveResult extends Omit<Counts, "seconds"> {
  readonly properties: Readonly<Record<string, { status: string; traceLength?: number }>>;
}

/** Explores every reachable state of a (small) model instance. */
export function exploreNaively(instance: ModelInstance): NaiveResult {
  const checksDeadlock = instance.properties.some((p) => p.kind === "deadlock");
  const domain: RecordDomain = instance.domain;
  const holder = { v: zero(domain) };
  const view = plainView(domain, holder, "", false);
  const reader = plainView(domain, holder, "", true);
  const depthOf = new Map<string, number>();
  const queue: string[] = [];
  // A Map, not an object: a property may be named constructor or toString.
  const found = new Map<string, { status: string; traceLength?: number }>();
  const note = (name: string, status: string, length?: number) => {
    if (!found.has(name)) {
      found.set(name, length === undefined ? { status } : { status, traceLength: length });
    }
  };
  const test = (f: (...args: never[]) => unknown, ...args: unknown[]) =>
    asBoolean((f as (...args: unknown[]) => unknown)(...args));

  const checkState = (depth: number) => {
    for (const p of instance.properties) {
      if (p.kind === "always" && !test(p.predicate, reader)) note(p.name, "violated", depth);
      if (p.kind === "sometimes" && test(p.predicate, reader)) note(p.name, "witnessed", depth);
    }
  };
  const add = (depth: number) => {
    const key = JSON.stringify(holder.v);
    if (depthOf.has(key)) return;
    depthOf.set(key, depth);
    queue.push(key);
    checkState(depth);
  };

  for (const init of instance.inits) {
    holder.v = zero(domain);
    init(view, instance.params);
    add(0);
  }
  let transitions = 0;
  let maxDepth = 0;
  for (let head = 0; head < queue.length; head++) {
    const key = queue[head]!;
    const depth = depthOf.get(key)!;
    maxDepth = Math.max(maxDepth, depth);
    holder.v = JSON.parse(key);
    if (instance.withinBoundary && !instance.withinBoundary(reader)) continue;
    const enabled = instance.actions.filter((a) =>
      a.guard === undefined || test(a.guard, reader, a.label.params)
    );
    if (enabled.every((a) => a.background) && checksDeadlock && !(instance.terminal?.(reader) ?? false)) {
      note("deadlock", "violated", depth);
    }
    const beforeView = plainView(domain, { v: JSON.parse(key) }, "", true);
    for (const act of enabled) {
      holder.v = JSON.parse(key);
      try {
        act.effect(view, act.label.params);
      } catch (error) {
        // A failed assertion: a violation at the action that failed, and no state, no transition.
        if (!(error instanceof AssertionSignal)) throw error;
        note(error.name, "violated", depth + 1);
        continue;
      }
      transitions++;
      for (const p of instance.properties) {
        if (p.kind === "transition" && !test(p.predicate, beforeView, act.label, reader)) {
          note(p.name, "violated", depth + 1);
        }
      }
      add(depth + 1);
    }
  }
  for (const p of instance.properties) note(p.name, p.kind === "sometimes" ? "not witnessed" : "holds");
  return {
    distinctStates: depthOf.size,
    transitions,
    depth: maxDepth,
    properties: Object.fromEntries(found),
  };
}
