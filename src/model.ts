/**
 * Defining a model and instantiating it with parameter values.
 *
 * A model is a plain object: parameters, typed state variables with finite domains, an initial state
 * (or several), named actions with finite parameters (each a guard and an effect), and named
 * properties. Actions fire in a fixed order: the order they are listed, then their parameter values in
 * lexicographic order (first parameter slowest). Same model and parameters, same search, same counts.
 *
 * @module
 */

import {
  assertDomain,
  describe,
  type Domain,
  type Fields,
  int,
  type IntDomain,
  isScalar,
  type RecordDomain,
  recordOf,
  type ScalarDomain,
  scalarSize,
  type Value,
  type ValueOf,
} from "./domain.ts";
import { InputError } from "./errors.ts";
import { asBoolean, callerModule } from "./model_failure.ts";
import { nameProblem } from "./names.ts";
import { type RecordShape, shapeOf, wordsOf } from "./layout.ts";
import { type Params, type ParamValues, resolveParams } from "./params.ts";
import {
  type ActionLabel,
  always,
  assert,
  assertion,
  type CheckedProperty,
  DEADLOCK,
  formatAction,
  type Property,
  sometimes,
  transition,
} from "./properties.ts";
import type { ReadonlyView, RecordView } from "./state_view.ts";
import { compileCanonicalizer, declaredSymmetry } from "./symmetry.ts";

/** The domains of an action's parameters. */
export type ActionParamDomains = { readonly [name: string]: ScalarDomain };

/** An action's parameter values. */
export type ActionParamValues<A extends ActionParamDomains> = { readonly [K in keyof A]: ValueOf<A[K]> };

/** One named action: a guard (default: always enabled) and an effect on a copy of the state. */
export interface ActionSpec<F extends Fields, A extends ActionParamDomains> {
  /** The action's name. */
  readonly name: string;
  /** The domain of each parameter: the action exists once per combination of values. */
  readonly params: A;
  /** When the action may fire; absent means always. */
  readonly guard: ((state: ReadonlyView<F>, params: ActionParamValues<A>) => boolean) | undefined;
  /** What the action does to (a copy of) the state. */
  readonly effect: (next: RecordView<F>, params: ActionParamValues<A>) => void;
  /** The environment's own move (the hypervisor using a registration): not progress for deadlock detection. */
  readonly background: boolean;
}

/**
 * Declares an action. `params` maps each parameter to a finite domain (`range(n)`, `bool`, `enumOf`);
 * the action exists once per combination of values.
 *
 * @example
 * ```ts
 * import { action, range } from "./model.ts";
 * import { arrayOf, bool } from "./domain.ts";
 * const fields = { mapped: arrayOf(2, bool) };
 * const unmap = action<typeof fields, { page: ReturnType<typeof range> }>("unmap", {
 *   params: { page: range(2) },
 *   guard: (s, { page }) => s.mapped.get(page),
 *   effect: (s, { page }) => s.mapped.set(page, false),
 * });
 * ```
 */
export function action<F extends Fields, A extends ActionParamDomains = Record<never, never>>(
  name: string,
  spec: {
    params?: A;
    guard?: (state: ReadonlyView<F>, params: ActionParamValues<A>) => boolean;
    effect: (next: RecordView<F>, params: ActionParamValues<A>) => void;
    background?: boolean;
  },
): ActionSpec<F, A> {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`Expected an action name like kexec_start but found ${describe(name)}`);
  }
  if (typeof spec?.effect !== "function") {
    throw new TypeError(`Expected action ${name} to have an effect function`);
  }
  if (spec.guard !== undefined && typeof spec.guard !== "function") {
    throw new TypeError(`Expected the guard of action ${name} to be a function`);
  }
  const params = spec.params ?? ({} as A);
  for (const [key, domain] of Object.entries(params)) {
    assertDomain(domain, `parameter ${key} of action ${name}`);
    if (!isScalar(domain)) {
      throw new TypeError(`Expected parameter ${key} of action ${name} to be a scalar domain`);
    }
  }
  return Object.freeze({
    name,
    params,
    guard: spec.guard,
    effect: spec.effect,
    background: spec.background === true,
  });
}

/**
 * The integer domain `0..n-1`, for indexing arrays of length n (as an action parameter, say).
 *
 * @example
 * ```ts
 * import { range } from "./model.ts";
 * const page = range(4); // int(0, 3)
 * ```
 */
export function range(n: number): IntDomain {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Expected range(n) with n >= 1 but found ${n}`);
  return int(0, n - 1);
}

/**
 * The builders, typed for one model's state: `actions` and `properties` receive it as their second
 * argument so that guards, effects and predicates see the model's own state type.
 */
export interface ModelKit<F extends Fields> {
  /** Declares an action (see ActionSpec). */
  readonly action: <A extends ActionParamDomains = Record<never, never>>(
    name: string,
    spec: {
      params?: A;
      guard?: (state: ReadonlyView<F>, params: ActionParamValues<A>) => boolean;
      effect: (next: RecordView<F>, params: ActionParamValues<A>) => void;
      /**
       * An environment action (the hypervisor or a backend using its registration, enabled whenever
       * the registration is on): a state where only background actions are enabled is a deadlock,
       * so a hang is not hidden by the host writing forever.
       */
      background?: boolean;
    },
  ) => ActionSpec<F, A>;
  /** Declares an invariant (see `always`). */
  readonly always: typeof always<F>;
  /** Declares a reachability witness (see `sometimes`). */
  readonly sometimes: typeof sometimes<F>;
  /** Declares a transition property (see `transition`). */
  readonly transition: typeof transition<F>;
  /** Declares an assertion that effects check with `assert(condition, name)`. */
  readonly assertion: typeof assertion;
  /**
   * In an effect: fails assertion `name` when `condition` is false (see properties.ts). Typed as
   * returning void, since TypeScript narrows only through functions declared by name.
   */
  readonly assert: (condition: boolean, name: string, message?: string) => void;
}

const kit: ModelKit<Fields> = { action, always, sometimes, transition, assertion, assert };

/** What `defineModel` takes. */
export interface ModelSpec<P extends Params, F extends Fields> {
  /** Registered name, such as `page_ownership`. */
  readonly name: string;
  /** One paragraph on what the model is. */
  readonly description?: string;
  /** Parameters with defaults. */
  readonly params: P;
  /** The state variables and their domains. */
  readonly state: (params: ParamValues<P>) => F;
  /**
   * Sets up the initial state from the zero state (every bool false, every int at its minimum,
   * every enum at its first value); an array gives several initial states.
   */
  readonly init:
    | ((state: RecordView<F>, params: ParamValues<P>) => void)
    | readonly ((state: RecordView<F>, params: ParamValues<P>) => void)[];
  /**
   * The actions, in firing order. Build them with the kit's `action`, which knows the state's type
   * (the exported `action` works too, with explicit type arguments).
   */
  // deno-lint-ignore no-explicit-any
  readonly actions: (params: ParamValues<P>, kit: ModelKit<F>) => readonly ActionSpec<F, any>[];
  /** The properties, built with the kit's `always`, `sometimes`, `transition` and `assertion`. */
  readonly properties?: (params: ParamValues<P>, kit: ModelKit<F>) => readonly Property<F>[];
  /** Check for deadlocks (a state where no action is enabled)? Default true. */
  readonly deadlock?: boolean;
  /** States where having no enabled action is fine (the protocol ended). */
  readonly terminal?: (state: ReadonlyView<F>, params: ParamValues<P>) => boolean;
  /** States outside the boundary are counted and checked, but not expanded. */
  readonly withinBoundary?: (state: ReadonlyView<F>, params: ParamValues<P>) => boolean;
  /**
   * Names of index sets (`indexSet(name, n)`) whose elements are interchangeable: the search stores one
   * state per orbit of their permutations. Every property, the initial states and the actions must
   * treat the sets symmetrically (checkSymmetry samples this). A function of the parameters declares
   * symmetry only in some configurations.
   */
  readonly symmetry?: readonly string[] | ((params: ParamValues<P>) => readonly string[]);
}

/** A defined model: its spec, and `instantiate` to bind parameter values. */
export interface Model<P extends Params = Params, F extends Fields = Fields> {
  /** The model's name, as in its spec. */
  readonly name: string;
  /** One sentence on what it models. */
  readonly description: string;
  /** Its parameters, as in its spec. */
  readonly params: P;
  /** The spec `defineModel` was given. */
  readonly spec: ModelSpec<P, F>;
  /**
   * The URL of the module that called `defineModel`, when known: worker threads import the model from
   * there (it must be one of the module's exports).
   */
  readonly origin?: string;
}

/**
 * Defines a model.
 *
 * @example
 * ```ts
 * import { defineModel, int, intParam } from "../mod.ts";
 *
 * const counter = defineModel({
 *   name: "counter",
 *   params: { limit: intParam({ min: 1, max: 9, default: 3, description: "top value" }) },
 *   state: (p) => ({ n: int(0, p.limit) }),
 *   init: () => {},
 *   actions: (p, { action }) => [
 *     action("inc", { guard: (s) => s.n < p.limit, effect: (s) => { s.n = s.n + 1; } }),
 *   ],
 *   properties: (_p, { always }) => [always("bounded", (s) => s.n >= 0)],
 *   terminal: (s, p) => s.n === p.limit,
 * });
 * ```
 */
export function defineModel<const P extends Params, const F extends Fields>(
  spec: ModelSpec<P, F>,
): Model<P, F> {
  if (typeof spec !== "object" || spec === null) throw new TypeError("Expected a model spec object");
  if (typeof spec.name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.name)) {
    throw new TypeError(`Expected a model name like page_ownership but found ${describe(spec.name)}`);
  }
  for (const key of ["state", "actions"] as const) {
    if (typeof spec[key] !== "function") {
      throw new TypeError(`Expected model ${spec.name} to have a ${key} function`);
    }
  }
  const origin = callerModule(new Error().stack);
  return Object.freeze({
    name: spec.name,
    description: spec.description ?? "",
    params: spec.params ?? {},
    spec,
    ...(origin === undefined ? {} : { origin }),
  });
}

/** An action bound to one combination of parameter values. */
export interface ActionInstance {
  readonly index: number;
  readonly label: ActionLabel;
  readonly text: string;
  readonly guard: ((state: unknown, params: unknown) => boolean) | undefined;
  readonly effect: (next: unknown, params: unknown) => void;
  /** Index of the action (not the instance) in declaration order. */
  readonly actionIndex: number;
  /** Whether the action is the environment's (see ModelKit.action). */
  readonly background: boolean;
  /** The domain of each of its parameters, as declared (symmetry maps `elementOf` values). */
  readonly paramDomains: Readonly<Record<string, Domain>>;
}

/** A model with parameter values bound: everything the engine needs. */
export interface ModelInstance {
  readonly model: Model;
  readonly name: string;
  readonly params: Readonly<Record<string, Value>>;
  readonly domain: RecordDomain;
  readonly shape: RecordShape;
  /** Words per packed state. */
  readonly words: number;
  readonly inits: readonly ((state: unknown, params: unknown) => void)[];
  readonly actions: readonly ActionInstance[];
  /** Names of the declared actions, in order. */
  readonly actionNames: readonly string[];
  /** The declared properties, then the built-in deadlock property unless the model turns it off. */
  readonly properties: readonly CheckedProperty[];
  readonly terminal: ((state: unknown) => boolean) | undefined;
  readonly withinBoundary: ((state: unknown) => boolean) | undefined;
  /** The index sets the model declares interchangeable (empty without symmetry). */
  readonly symmetry: readonly string[];
  /**
   * The text of the model's code (state, init, actions, properties, terminal, withinBoundary) and its
   * layout: a checkpoint records its hash, so a resume with changed model code is refused.
   */
  readonly code: string;
  /**
   * Rewrites packed words, in place, into the canonical representative of their symmetry orbit;
   * undefined when the model declares no symmetry.
   */
  readonly canonicalize: ((words: Uint32Array) => void) | undefined;
}

/** Binds parameter values (defaults for those not given). Bad parameters throw an InputError. */
export function instantiate(model: Model, given: Readonly<Record<string, unknown>> = {}): ModelInstance {
  const modelProblem = nameProblem(model?.name);
  if (modelProblem !== undefined) {
    throw new InputError(`The model name ${describe(model?.name)} cannot be used: ${modelProblem}.`);
  }
  for (const name of Object.keys(model.params ?? {})) checkModelName(model.name, "parameter", name);
  const params = resolveParams(model.name, model.params, given);
  const spec = model.spec as ModelSpec<Params, Fields>;
  const fields = wrap(model.name, "state", () => spec.state(params));
  if (typeof fields !== "object" || fields === null) {
    throw new InputError(`Model ${model.name}: state() must return an object of variable domains.`);
  }
  checkFieldNames(model.name, fields, "");
  const domain = wrap(model.name, "state", () => recordOf(fields));
  if (Object.keys(fields).length === 0) {
    throw new InputError(`Model ${model.name} declares no state variables.`);
  }
  const shape = shapeOf(domain) as RecordShape;
  const inits = typeof spec.init === "function" ? [spec.init] : spec.init;
  if (!Array.isArray(inits) || inits.length === 0 || inits.some((f) => typeof f !== "function")) {
    throw new InputError(`Model ${model.name}: init must be a function or a non-empty array of functions.`);
  }
  const declared = wrap(model.name, "actions", () => spec.actions(params, kit));
  if (!Array.isArray(declared)) throw new InputError(`Model ${model.name}: actions() must return an array.`);
  const names = new Set<string>();
  for (const a of declared) {
    if (typeof a?.effect !== "function" || typeof a.name !== "string") {
      throw new InputError(
        `Model ${model.name}: every entry of actions() must be built with action(name, spec).`,
      );
    }
    checkModelName(model.name, "action", a.name);
    for (const param of Object.keys(a.params ?? {})) {
      checkModelName(model.name, "parameter", param, ` of action ${a.name}`);
    }
    if (names.has(a.name)) throw new InputError(`Model ${model.name} declares action ${a.name} twice.`);
    names.add(a.name);
  }
  const actions: ActionInstance[] = [];
  declared.forEach((a, actionIndex) => {
    for (const values of combinations(a.params)) {
      const label: ActionLabel = Object.freeze({ name: a.name, params: values });
      actions.push(Object.freeze({
        index: actions.length,
        label,
        text: formatAction(label),
        guard: a.guard as ActionInstance["guard"],
        background: a.background === true,
        effect: a.effect as ActionInstance["effect"],
        actionIndex,
        paramDomains: Object.freeze({ ...(a.params ?? {}) }) as Readonly<Record<string, Domain>>,
      }));
    }
  });
  const properties = spec.properties
    ? wrap(model.name, "properties", () => spec.properties!(params, kit))
    : [];
  const propertyNames = new Set<string>();
  for (const p of properties) {
    if (!p || (p.kind === "assertion" ? typeof p.name !== "string" : typeof p.predicate !== "function")) {
      throw new InputError(
        `Model ${model.name}: properties() must return always/sometimes/transition/assertion properties.`,
      );
    }
    checkModelName(model.name, "property", p.name);
    if (propertyNames.has(p.name)) {
      throw new InputError(`Model ${model.name} declares property ${p.name} twice.`);
    }
    propertyNames.add(p.name);
  }
  const terminal = spec.terminal;
  const withinBoundary = spec.withinBoundary;
  const checked: readonly CheckedProperty[] = [
    ...properties as readonly Property[],
    ...(spec.deadlock ?? true ? [DEADLOCK] : []),
  ];
  const symmetry = declaredSymmetry(spec, params);
  return Object.freeze({
    model: model as unknown as Model,
    name: model.name,
    params: params as Record<string, Value>,
    domain,
    shape,
    words: wordsOf(shape),
    inits: inits as ModelInstance["inits"],
    actions,
    actionNames: declared.map((a) => a.name),
    properties: checked,
    terminal: terminal ? (s: unknown) => asBoolean(terminal(s as never, params)) : undefined,
    withinBoundary: withinBoundary
      ? (s: unknown) => asBoolean(withinBoundary(s as never, params))
      : undefined,
    symmetry,
    code: [
      spec.state.toString(),
      ...inits.map((f) => f.toString()),
      ...actions.map((a) => `${a.text}:${a.guard?.toString()}:${a.effect.toString()}:${a.background}`),
      ...checked.map((p) => `${p.kind}:${p.name}:${"predicate" in p ? p.predicate.toString() : ""}`),
      String(terminal),
      String(withinBoundary),
      JSON.stringify(domain),
    ].join("\n"),
    canonicalize: compileCanonicalizer(domain, shape, symmetry, model.name),
  });
}

/** Refuses a name that breaks the naming rule (see names.ts), whatever built the object that carries it. */
function checkModelName(modelName: string, what: string, name: unknown, of = ""): void {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new InputError(
      `Model ${modelName}: the ${what} name ${describe(name)}${of} cannot be used: ${problem}.`,
    );
  }
}

/**
 * Checks every variable and field name of a domain tree (which need not come from recordOf), and that
 * no object literal set a prototype where a field named `__proto__` was meant.
 */
function checkFieldNames(modelName: string, fields: object, path: string): void {
  const what = path === "" ? "state variable" : "field";
  const of = path === "" ? "" : ` in ${path}`;
  if (typeof fields !== "object" || fields === null) {
    throw new InputError(`Model ${modelName}: the record ${path} has no object of field domains.`);
  }
  const prototype = Object.getPrototypeOf(fields);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new InputError(
      `Model ${modelName}: the ${
        path === "" ? "object state() returns" : `fields of ${path}`
      } has a prototype of its own; an object literal { __proto__: ... } sets the prototype rather than ` +
        `declaring a ${what} named __proto__, which is not a valid name.`,
    );
  }
  for (const [name, domain] of Object.entries(fields)) {
    checkModelName(modelName, what, name, of);
    const inner = `${path === "" ? "" : `${path}.`}${name}`;
    const check = (d: unknown, at: string): void => {
      const kind = (d as { kind?: unknown } | null)?.kind;
      if (kind === "record") checkFieldNames(modelName, (d as RecordDomain).fields, at);
      if (kind === "array") check((d as { element: unknown }).element, `${at}[]`);
    };
    check(domain, inner);
  }
}

function wrap<T>(modelName: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `Model ${modelName}: ${what}() failed: ${(error as Error)?.message ?? describe(error)}`,
      {
        cause: error,
      },
    );
  }
}

function* combinations(params: ActionParamDomains): Generator<Readonly<Record<string, Value>>> {
  const entries = Object.entries(params);
  const values = entries.map(([, domain]) => scalarValues(domain));
  const index = entries.map(() => 0);
  if (values.some((v) => v.length === 0)) return;
  while (true) {
    const combination: Record<string, Value> = {};
    entries.forEach(([name], i) => combination[name] = values[i]![index[i]!]!);
    yield Object.freeze(combination);
    let k = entries.length - 1;
    while (k >= 0 && ++index[k]! === values[k]!.length) index[k--] = 0;
    if (k < 0) return;
  }
}

/** Every value of a scalar domain, in order. */
export function scalarValues(domain: ScalarDomain): Value[] {
  switch (domain.kind) {
    case "bool":
      return [false, true];
    case "int":
      return Array.from({ length: scalarSize(domain) }, (_, i) => domain.min + i);
    case "enum":
      return [...domain.values];
  }
}
