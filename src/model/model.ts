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

import { installRandomnessTripwire } from "./randomness_tripwire.ts";
import {
  assertDomain,
  describe,
  type Domain,
  domainProblem,
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
} from "../state/domain.ts";
import { InputError } from "../errors.ts";
import { asBoolean, callerModule, userLocation } from "./model_failure.ts";
import { checkSpec, paramProblem, specProblem } from "./model_spec_check.ts";
import { nameProblem } from "../state/names.ts";
import { type RecordShape, shapeOf, wordsOf } from "../state/layout.ts";
import { checkStateSize, count } from "../state/state_size.ts";
import { type Params, type ParamValues, resolveParams } from "./params.ts";
import {
  type ActionLabel,
  always,
  assert,
  assertion,
  type CheckedProperty,
  DEADLOCK,
  eventually,
  formatAction,
  leadsTo,
  predicatesOf,
  type Property,
  PROPERTY_KINDS,
  type PropertyKind,
  sometimes,
  transition,
} from "./properties.ts";
import type { ReadonlyView, RecordView } from "../state/state_view.ts";
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
  /** The fairness the action asks for, when it sets its own (else the model's `fairness`). */
  readonly fair: ActionFairness | "none" | undefined;
  /** Who takes the action, for sequence diagrams (see ActionOptions.actor). */
  readonly actor: string | ((params: ActionParamValues<A>) => string) | undefined;
}

/**
 * The fairness of an action, for each combination of its parameter values apart (as TLA+'s
 * `\A p : WF_vars(A(p))`): `weak`, an instance that stays enabled is eventually taken; `strong`, an
 * instance enabled again and again is eventually taken.
 */
export type ActionFairness = "weak" | "strong";

/** What `action(name, options)` takes: the same for the exported `action` and the kit's. */
export interface ActionOptions<F extends Fields, A extends ActionParamDomains> {
  /** The domain of each parameter (default: none). */
  readonly params?: A;
  /** When the action may fire; absent means always. */
  readonly guard?: (state: ReadonlyView<F>, params: ActionParamValues<A>) => boolean;
  /** What the action does to (a copy of) the state. */
  readonly effect: (next: RecordView<F>, params: ActionParamValues<A>) => void;
  /**
   * An environment action (the hypervisor or a backend using its registration, enabled whenever the
   * registration is on): a state where only background actions are enabled is a deadlock, so a hang is
   * not hidden by the host writing forever.
   */
  readonly background?: boolean;
  /**
   * Fairness for liveness properties, per combination of parameter values: `weak` (an instance that
   * stays enabled is eventually taken), `strong` (one enabled infinitely often is taken) or `none`.
   * Absent: the model's `fairness`. Background actions are never fair.
   */
  readonly fair?: ActionFairness | "none";
  /**
   * Who takes the action, as a lane of the report's sequence diagrams: a name (`"Hyper-V"`), or one per
   * parameter values (`({ cpu }) => \`vCPU ${cpu}\``). Absent: `environment` for background actions,
   * `kernel` for the others.
   */
  readonly actor?: string | ((params: ActionParamValues<A>) => string);
}

/**
 * Declares an action. `params` maps each parameter to a finite domain (`range(n)`, `bool`, `enumOf`);
 * the action exists once per combination of values.
 *
 * @example
 * ```ts
 * import { action, range } from "./model.ts";
 * import { arrayOf, bool } from "../state/domain.ts";
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
  spec: ActionOptions<F, A>,
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
  if (spec.fair !== undefined && spec.fair !== "weak" && spec.fair !== "strong" && spec.fair !== "none") {
    throw new TypeError(
      `Expected the fairness of action ${name} to be "weak", "strong" or "none" but found ${
        describe(spec.fair)
      }`,
    );
  }
  if (spec.fair !== undefined && spec.fair !== "none" && spec.background === true) {
    throw new TypeError(
      `Action ${name} is background (the environment's move) and cannot be fair: the environment is never ` +
        `obliged to act`,
    );
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
    fair: spec.fair,
    actor: spec.actor,
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
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`Expected range(n) with n >= 1 but found ${describe(n)}`);
  }
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
    spec: ActionOptions<F, A>,
  ) => ActionSpec<F, A>;
  /** Declares an invariant (see `always`). */
  readonly always: typeof always<F>;
  /** Declares a reachability witness (see `sometimes`). */
  readonly sometimes: typeof sometimes<F>;
  /** Declares a transition property (see `transition`). */
  readonly transition: typeof transition<F>;
  /** Declares an assertion that effects check with `assert(condition, name)`. */
  readonly assertion: typeof assertion;
  /** Declares a liveness property: every fair behaviour reaches a state (see `eventually`). */
  readonly eventually: typeof eventually<F>;
  /** Declares a liveness property: a trigger is always followed by a response (see `leadsTo`). */
  readonly leadsTo: typeof leadsTo<F>;
  /**
   * In an effect: fails assertion `name` when `condition` is false (see properties.ts). Typed as
   * returning void, since TypeScript narrows only through functions declared by name.
   */
  readonly assert: (condition: boolean, name: string, message?: string) => void;
}

const kit: ModelKit<Fields> = {
  action,
  always,
  sometimes,
  transition,
  assertion,
  assert,
  eventually,
  leadsTo,
};

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
  /**
   * The fairness of every action that does not set its own `fair` (background actions have none), for
   * liveness properties. Absent: no action is fair, and a behaviour may stop taking any action that
   * some other enabled action can replace.
   */
  readonly fairness?: ActionFairness;
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
 * import { defineModel, int, intParam } from "../../mod.ts";
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
  const problem = specProblem(spec);
  if (problem !== undefined) throw new TypeError(`Model ${spec.name}: ${problem}`);
  const origin = callerModule(new Error().stack);
  return Object.freeze({
    name: spec.name,
    description: spec.description ?? "",
    params: spec.params ?? {},
    spec,
    ...(origin === undefined ? {} : { origin }),
  });
}

/** Most action instances a model may have (an action index must fit in a search key's 21 low bits). */
export const MAX_ACTION_INSTANCES = 2 ** 21;

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
  /** Its fairness, the model's default applied (`none` for background actions). */
  readonly fairness: ActionFairness | "none";
  /** The domain of each of its parameters, as declared (symmetry maps `elementOf` values). */
  readonly paramDomains: Readonly<Record<string, Domain>>;
  /** Who takes it: the lane of sequence diagrams (see ActionOptions.actor). */
  readonly actor: string;
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
  installRandomnessTripwire();
  const modelProblem = nameProblem(model?.name);
  if (modelProblem !== undefined) {
    throw new InputError(`The model name ${describe(model?.name)} cannot be used: ${modelProblem}.`);
  }
  checkSpec(model.spec, model.name);
  const declaredParams: unknown = model.params ?? {};
  if (typeof declaredParams !== "object" || declaredParams === null || Array.isArray(declaredParams)) {
    throw new InputError(
      `Model ${model.name}: params must be an object of parameters, but is ${describe(declaredParams)}.`,
    );
  }
  for (const [name, param] of Object.entries(declaredParams)) {
    checkModelName(model.name, "parameter", name);
    const problem = paramProblem(param);
    if (problem !== undefined) throw new InputError(`Model ${model.name}: parameter ${name}: ${problem}.`);
  }
  const params = resolveParams(model.name, model.params ?? {}, given);
  const spec = model.spec as ModelSpec<Params, Fields>;
  const fields = wrap(model.name, "state", () => spec.state(params));
  if (typeof fields !== "object" || fields === null) {
    throw new InputError(`Model ${model.name}: state() must return an object of variable domains.`);
  }
  checkFieldNames(model.name, fields, "");
  const domain = wrap(model.name, "state", () => recordOf(fields));
  for (const [name, d] of Object.entries(domain.fields)) {
    const problem = domainProblem(d);
    if (problem !== undefined) {
      throw new InputError(`Model ${model.name}: state variable ${name}: ${problem}.`);
    }
  }
  if (Object.keys(fields).length === 0) {
    throw new InputError(`Model ${model.name} declares no state variables.`);
  }
  // The layout is computed from the domains alone, whatever their size; a state too large to search is
  // refused before anything of its size is allocated.
  const shape = shapeOf(domain) as RecordShape;
  checkStateSize(model.name, domain, shape);
  const inits = typeof spec.init === "function" ? [spec.init] : spec.init;
  const declared = wrap(model.name, "actions", () => spec.actions(params, kit));
  if (!Array.isArray(declared)) {
    throw new InputError(
      `Model ${model.name}: actions() must return an array, but returned ${describe(declared)}.`,
    );
  }
  const names = new Set<string>();
  let instances = 0;
  declared.forEach((a, i) => {
    checkAction(model.name, a, i);
    if (names.has(a.name)) throw new InputError(`Model ${model.name} declares action ${a.name} twice.`);
    names.add(a.name);
    // Counted before any is built: an action over int(0, 2 ** 30) would otherwise build a billion.
    const combinations = Object.values(a.params ?? {}).reduce((n, d) => n * scalarSize(d), 1);
    instances += combinations;
    if (instances >= MAX_ACTION_INSTANCES) {
      throw new InputError(
        `Model ${model.name}: action ${a.name} has ${count(combinations)} combinations of ` +
          `parameter values, which brings the model to ${count(instances)} action ` +
          `instances; at most ${count(MAX_ACTION_INSTANCES - 1)} are supported.`,
      );
    }
  });
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
        fairness: a.background === true ? "none" : a.fair ?? spec.fairness ?? "none",
        effect: a.effect as ActionInstance["effect"],
        actionIndex,
        paramDomains: Object.freeze({ ...(a.params ?? {}) }) as Readonly<Record<string, Domain>>,
        actor: actorOf(model.name, a, values),
      }));
    }
  });
  const properties: unknown = spec.properties
    ? wrap(model.name, "properties", () => spec.properties!(params, kit))
    : [];
  if (!Array.isArray(properties)) {
    throw new InputError(
      `Model ${model.name}: properties() must return an array of properties, but returned ${
        describe(properties)
      }.`,
    );
  }
  const propertyNames = new Set<string>();
  properties.forEach((p: unknown, i) => {
    checkProperty(model.name, p, i);
    const { name } = p as Property;
    if (propertyNames.has(name)) {
      throw new InputError(`Model ${model.name} declares property ${name} twice.`);
    }
    propertyNames.add(name);
  });
  const symmetric = declaredSymmetry(spec, params);
  let code: string | undefined;
  if (!Array.isArray(symmetric) || !symmetric.every((s) => typeof s === "string")) {
    throw new InputError(
      `Model ${model.name}: symmetry() must return an array of index set names, but returned ${
        describe(symmetric)
      }.`,
    );
  }
  const terminal = spec.terminal;
  const withinBoundary = spec.withinBoundary;
  const checked: readonly CheckedProperty[] = [
    ...properties as readonly Property[],
    ...(spec.deadlock ?? true ? [DEADLOCK] : []),
  ];
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
    symmetry: symmetric,
    // Built when a checkpoint asks for it: one text per action instance is large for a big model.
    get code(): string {
      return code ??= [
        spec.state.toString(),
        ...inits.map((f) => f.toString()),
        ...actions.map((a) =>
          `${a.text}:${a.guard?.toString()}:${a.effect.toString()}:${a.background}:${a.fairness}`
        ),
        ...checked.map((p) => `${p.kind}:${p.name}:${predicatesOf(p).map(String).join(":")}`),
        String(terminal),
        String(withinBoundary),
        JSON.stringify(domain),
      ].join("\n");
    },
    canonicalize: compileCanonicalizer(domain, shape, symmetric, model.name),
  });
}

/** The kinds of property a model may declare: every kind of the table but deadlock, the engine's own. */
const DECLARABLE_KINDS = (Object.keys(PROPERTY_KINDS) as PropertyKind[]).filter((k) => k !== "deadlock");

/** Refuses entry `index` of actions() unless it is an action as `action(name, spec)` builds one. */
/** The actor of one instance of `a`: its own, or the default for its kind. */
function actorOf(
  modelName: string,
  a: ActionSpec<Fields, ActionParamDomains>,
  values: Record<string, Value>,
): string {
  const actor = typeof a.actor === "function"
    ? wrap(modelName, `the actor of action ${a.name}`, () => (a.actor as (p: unknown) => unknown)(values))
    : a.actor ?? (a.background ? "environment" : "kernel");
  if (typeof actor !== "string" || actor.trim() === "") {
    throw new InputError(
      `Model ${modelName}: the actor of action ${a.name} must be a non-empty string, but is ${
        describe(actor)
      }.`,
    );
  }
  return actor;
}

function checkAction(
  modelName: string,
  a: unknown,
  index: number,
): asserts a is ActionSpec<Fields, ActionParamDomains> {
  const spec = a as Partial<ActionSpec<Fields, ActionParamDomains>> | null;
  if (typeof spec !== "object" || spec === null || typeof spec.name !== "string") {
    throw new InputError(
      `Model ${modelName}: entry ${index} of actions() is ${
        describe(a)
      }; every entry must be built with action(name, spec).`,
    );
  }
  checkModelName(modelName, "action", spec.name);
  const of = `action ${spec.name}`;
  if (typeof spec.effect !== "function") {
    throw new InputError(
      `Model ${modelName}: the effect of ${of} must be a function, but is ${describe(spec.effect)}.`,
    );
  }
  if (spec.guard !== undefined && typeof spec.guard !== "function") {
    throw new InputError(
      `Model ${modelName}: the guard of ${of} must be a function, but is ${describe(spec.guard)}.`,
    );
  }
  if (spec.actor !== undefined && typeof spec.actor !== "string" && typeof spec.actor !== "function") {
    throw new InputError(
      `Model ${modelName}: the actor of ${of} must be a string or a function of its parameters, but is ${
        describe(spec.actor)
      }.`,
    );
  }
  if (spec.background !== undefined && typeof spec.background !== "boolean") {
    throw new InputError(
      `Model ${modelName}: background of ${of} must be a boolean, but is ${describe(spec.background)}.`,
    );
  }
  if (spec.fair !== undefined && spec.fair !== "weak" && spec.fair !== "strong" && spec.fair !== "none") {
    throw new InputError(
      `Model ${modelName}: the fairness of ${of} must be "weak", "strong" or "none", but is ${
        describe(spec.fair)
      }.`,
    );
  }
  if (spec.fair !== undefined && spec.fair !== "none" && spec.background === true) {
    throw new InputError(
      `Model ${modelName}: ${of} is background (the environment's move) and cannot be fair: the ` +
        `environment is never obliged to act.`,
    );
  }
  const params: unknown = spec.params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new InputError(
      `Model ${modelName}: the params of ${of} must be an object of domains, but are ${describe(params)}.`,
    );
  }
  for (const [param, domain] of Object.entries(params)) {
    checkModelName(modelName, "parameter", param, ` of ${of}`);
    const kind = (domain as { kind?: unknown } | null)?.kind;
    const problem = kind === "bool" || kind === "int" || kind === "enum" ? domainProblem(domain) : undefined;
    if (problem !== undefined) {
      throw new InputError(`Model ${modelName}: parameter ${param} of ${of}: ${problem}.`);
    }
    if (kind !== "bool" && kind !== "int" && kind !== "enum") {
      throw new InputError(
        `Model ${modelName}: parameter ${param} of ${of} must be a scalar domain (bool, int(), enumOf(), range()), but is ${
          describe(domain)
        }.`,
      );
    }
  }
}

/** Refuses entry `index` of properties() unless it is a property as the kit's builders make one. */
function checkProperty(modelName: string, p: unknown, index: number): asserts p is Property {
  const property = p as { kind?: unknown; name?: unknown; predicate?: unknown; description?: unknown } | null;
  if (typeof property !== "object" || property === null) {
    throw new InputError(
      `Model ${modelName}: entry ${index} of properties() is ${
        describe(p)
      }, not a property (build properties with the kit's ${DECLARABLE_KINDS.join(", ")}).`,
    );
  }
  const name = typeof property.name === "string"
    ? `property ${describe(property.name)}`
    : `entry ${index} of properties()`;
  if (!(DECLARABLE_KINDS as readonly unknown[]).includes(property.kind)) {
    throw new InputError(
      `Model ${modelName}: ${name} has kind ${
        describe(property.kind)
      }, which is not a kind of property: the kinds are ${
        DECLARABLE_KINDS.join(", ")
      } (build properties with the kit's builders of those names).`,
    );
  }
  checkModelName(modelName, "property", property.name);
  if (property.kind === "leadsTo") {
    for (const part of ["trigger", "response"] as const) {
      const f = (p as Record<string, unknown>)[part];
      if (typeof f !== "function") {
        throw new InputError(
          `Model ${modelName}: the ${part} of ${name} must be a function, but is ${describe(f)}.`,
        );
      }
    }
  } else if (property.kind !== "assertion" && typeof property.predicate !== "function") {
    throw new InputError(
      `Model ${modelName}: the predicate of ${name} must be a function, but is ${
        describe(property.predicate)
      }.`,
    );
  }
  if (property.description !== undefined && typeof property.description !== "string") {
    throw new InputError(
      `Model ${modelName}: the description of ${name} must be a string, but is ${
        describe(property.description)
      }.`,
    );
  }
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

/** Runs the model's `what()`; a throw becomes bad input naming the part and the user's line. */
function wrap<T>(modelName: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = (error as { message?: unknown } | null)?.message;
    const location = userLocation(error);
    throw new InputError(
      `Model ${modelName}: ${what}() failed: ${typeof message === "string" ? message : describe(error)}${
        location === undefined ? "" : ` (at ${location})`
      }`,
      { cause: error },
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
