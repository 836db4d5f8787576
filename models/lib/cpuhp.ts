/**
 * CPU hotplug (cpuhp) for vCPUs, as a component that models compose, and `cpuhp_demo`, a small model
 * that checks the component on its own.
 *
 * kernel/cpu.c keeps, per CPU, a cpuhp state and a target. Bringing a CPU up runs the startup callbacks of
 * the registered states in ascending order (cpuhp_up_callbacks); taking it down runs their teardown
 * callbacks in reverse order (cpuhp_down_callbacks). Here the registered states are numbered 0..n-1 and a
 * CPU's `state` counts how many of their startup callbacks have run, so `state = n` is online and `0` is
 * offline. Each callback is one action, so whatever else the model does (a hypervisor write, say) can
 * interleave between two callbacks.
 *
 * CPU0 is never taken down by hibernation (pm_sleep_disable_secondary_cpus() and
 * freeze_secondary_cpus() skip the primary CPU): `request` refuses to offline it. It does come
 * up: a fresh kernel (`boot`) brings every CPU up, CPU0 included, which stands for cpuhp_setup_state()
 * running the startup callback on the CPUs already online.
 *
 * Composition: `cpuhp(config)` returns the variables to spread into `state`, the actions to spread into
 * `actions` (built with the model's kit, so their guards and effects see the whole state), a property, and
 * functions that the model's own effects and guards call. One instance per model: its variable is `cpuhp`
 * and its actions are `cpuhp_startup`, `cpuhp_teardown`, `cpu_up` and `cpu_down`.
 *
 * @module
 */

import {
  type ActionSpec,
  arrayOf,
  bool,
  boolParam,
  defineModel,
  enumParam,
  type Fields,
  int,
  intParam,
  type ModelKit,
  type Property,
  type ReadonlyView,
  recordOf,
  type RecordView,
} from "../../mod.ts";

/** Sizes of a cpuhp instance. */
export interface CpuhpConfig {
  /** Number of CPUs, CPU0 included. */
  readonly cpus: number;
  /** Number of registered cpuhp states (startup/teardown pairs), in the order they were registered. */
  readonly callbacks: number;
}

/** What the model plugs into the state machine. Every hook is optional. */
export interface CpuhpHooks<F extends Fields> {
  /** Startup callback number `step` on `cpu` (hv_cpu_init). `choice` is the action's choice value. */
  readonly startup?: (s: RecordView<F>, cpu: number, step: number, choice: number) => void;
  /** Teardown callback number `step` on `cpu` (hv_cpu_die). */
  readonly teardown?: (s: RecordView<F>, cpu: number, step: number) => void;
  /**
   * Whether the startup callback may run now with this choice. A callback that allocates (hv_cpu_init's
   * page) takes the frame as its choice and enables only free frames; one that does not enables choice 0.
   */
  readonly canStartup?: (s: ReadonlyView<F>, cpu: number, step: number, choice: number) => boolean;
  /**
   * A nondeterministic choice given to startup callbacks, as an extra parameter of `cpuhp_startup`
   * (such as `frame`, the page the allocator returns). Without it the choice is always 0.
   */
  readonly choice?: { readonly name: string; readonly count: number };
  /**
   * When a user may start offlining or onlining a secondary CPU (echo 0/1 > .../cpuN/online). Without it
   * there are no `cpu_up`/`cpu_down` actions and only the model's own effects move targets.
   */
  readonly hotplug?: (s: ReadonlyView<F>, cpu: number) => boolean;
}

/** The variables of a cpuhp instance: per CPU, its state and its target. */
export type CpuhpFields = ReturnType<ReturnType<typeof cpuhp>["vars"]>;

// deno-lint-ignore no-explicit-any
type AnyAction<F extends Fields> = ActionSpec<F, any>;

type Hp = RecordView<{ cpuhp: ReturnType<typeof cpuhpDomain> }>["cpuhp"];

function cpuhpDomain(config: CpuhpConfig) {
  return arrayOf(
    config.cpus,
    recordOf({ state: int(0, config.callbacks), target: int(0, config.callbacks) }),
  );
}

/**
 * A cpuhp instance for `config.cpus` CPUs and `config.callbacks` registered states.
 *
 * @example
 * ```ts
 * import { cpuhp } from "./cpuhp.ts";
 * import { checkSync, defineModel } from "../../mod.ts";
 *
 * const hp = cpuhp({ cpus: 2, callbacks: 1 });
 * const m = defineModel({
 *   name: "two_cpus",
 *   params: {},
 *   state: () => ({ ...hp.vars() }),
 *   init: (s) => hp.boot(s),
 *   actions: (_, kit) => hp.actions(kit, { hotplug: () => true }),
 * });
 * console.assert(checkSync(m).distinctStates > 1);
 * ```
 */
export function cpuhp(config: CpuhpConfig) {
  const { cpus, callbacks } = config;
  if (!Number.isSafeInteger(cpus) || cpus < 1) throw new RangeError(`Expected cpus >= 1 but found ${cpus}`);
  if (!Number.isSafeInteger(callbacks) || callbacks < 1) {
    throw new RangeError(`Expected callbacks >= 1 but found ${callbacks}`);
  }
  const hp = (s: unknown): Hp => (s as { cpuhp: Hp }).cpuhp;
  const cpu = (s: unknown, i: number) => hp(s)[i]!;
  const online = (s: unknown, i: number) => cpu(s, i).state === callbacks && cpu(s, i).target === callbacks;
  const offline = (s: unknown, i: number) => cpu(s, i).state === 0 && cpu(s, i).target === 0;
  const cpuIds = Array.from({ length: cpus }, (_, i) => i);

  return {
    config,
    /** The variables to spread into the model's state: `cpuhp[cpu].state` and `.target`. */
    vars: () => ({ cpuhp: cpuhpDomain(config) }),

    /**
     * The actions, in this order: `cpuhp_startup(cpu[, choice])` runs the next startup callback on a CPU
     * below its target; `cpuhp_teardown(cpu)` runs the next teardown callback (reverse order) on a CPU
     * above its target; with `hooks.hotplug`, `cpu_down(cpu)` and `cpu_up(cpu)` start a user-requested
     * offline or online of an idle secondary CPU.
     */
    actions<F extends Fields>(kit: ModelKit<F>, hooks: CpuhpHooks<F> = {}): AnyAction<F>[] {
      const cpuParam = { cpu: int(0, cpus - 1) };
      const choiceName = hooks.choice?.name ?? "";
      const startupParams = hooks.choice
        ? { ...cpuParam, [choiceName]: int(0, hooks.choice.count - 1) }
        : cpuParam;
      const choiceOf = (a: Readonly<Record<string, unknown>>) => hooks.choice ? a[choiceName] as number : 0;
      const list: AnyAction<F>[] = [
        kit.action("cpuhp_startup", {
          params: startupParams,
          guard: (s, a) => {
            const c = cpu(s, a.cpu);
            return c.state < c.target && (hooks.canStartup?.(s, a.cpu, c.state, choiceOf(a)) ?? true);
          },
          effect: (s, a) => {
            const c = cpu(s, a.cpu);
            hooks.startup?.(s, a.cpu, c.state, choiceOf(a));
            c.state = c.state + 1;
          },
        }) as unknown as AnyAction<F>,
        kit.action("cpuhp_teardown", {
          params: cpuParam,
          guard: (s, { cpu: i }) => cpu(s, i).state > cpu(s, i).target,
          effect: (s, { cpu: i }) => {
            const c = cpu(s, i);
            hooks.teardown?.(s, i, c.state - 1);
            c.state = c.state - 1;
          },
        }) as unknown as AnyAction<F>,
      ];
      const hotplug = hooks.hotplug;
      if (hotplug) {
        list.push(
          kit.action("cpu_down", {
            params: cpuParam,
            guard: (s, { cpu: i }) => i !== 0 && online(s, i) && hotplug(s, i),
            effect: (s, { cpu: i }) => void (cpu(s, i).target = 0),
          }) as unknown as AnyAction<F>,
          kit.action("cpu_up", {
            params: cpuParam,
            guard: (s, { cpu: i }) => offline(s, i) && hotplug(s, i),
            effect: (s, { cpu: i }) => void (cpu(s, i).target = callbacks),
          }) as unknown as AnyAction<F>,
        );
      }
      return list;
    },

    /** `cpuhp_boot_cpu_stays_up`: no teardown callback ever runs on CPU0 through cpuhp. */
    properties<F extends Fields>(kit: ModelKit<F>): Property<F>[] {
      return [
        kit.transition(
          "cpuhp_boot_cpu_stays_up",
          (_before, a) => a.name !== "cpuhp_teardown" || a.params["cpu"] !== 0,
          { description: "CPU0 is never offlined (its cpuhp teardown callbacks never run)" },
        ),
      ];
    },

    /** Whether `cpu` is online and idle (every startup callback ran, no transition pending). */
    online: (s: unknown, i: number): boolean => online(s, i),
    /** Whether `cpu` is offline and idle. */
    offline: (s: unknown, i: number): boolean => offline(s, i),
    /** Whether no CPU is between its state and its target. */
    settled: (s: unknown): boolean => hp(s).every((c) => c.state === c.target),
    /** Whether every CPU is online and idle. */
    allOnline: (s: unknown): boolean => cpuIds.every((i) => online(s, i)),
    /** Whether every secondary CPU is offline and idle (CPU0 may be anything). */
    secondariesOffline: (s: unknown): boolean => cpuIds.every((i) => i === 0 || offline(s, i)),

    /** Starts bringing `cpu` up or down. Offlining CPU0 is a RangeError: hibernation never does it. */
    request(s: unknown, i: number, up: boolean): void {
      if (!up && i === 0) throw new RangeError("Expected a secondary CPU but found CPU0, which stays online");
      cpu(s, i).target = up ? callbacks : 0;
    },
    /** Starts bringing every secondary CPU up or down (enable/disable_nonboot_cpus). */
    requestSecondaries(s: unknown, up: boolean): void {
      for (const i of cpuIds) if (i !== 0) cpu(s, i).target = up ? callbacks : 0;
    },
    /** A fresh kernel: every CPU offline with an online target, so every startup callback runs. */
    boot(s: unknown): void {
      for (const c of hp(s)) {
        c.state = 0;
        c.target = callbacks;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// cpuhp_demo: the component alone. Callback k registers something per CPU (as hv_cpu_init registers the
// VP assist page); later callbacks may depend on earlier ones, so teardown must undo them in reverse.

/**
 * `cpuhp_demo`: CPUs with `callbacks` registered states, users onlining and offlining secondaries, and a
 * per-CPU record of which callbacks' registrations are live. With `variant: "leaky_teardown"` the last
 * callback's teardown forgets to unregister (as hv_cpu_die would if it left the MSR on).
 */
export default defineModel({
  name: "cpuhp_demo",
  description: "The cpuhp component alone: startup callbacks in order, teardown in reverse, CPU0 stays up.",
  params: {
    cpus: intParam({ min: 1, max: 6, default: 3, description: "CPUs, CPU0 included" }),
    callbacks: intParam({ min: 1, max: 4, default: 2, description: "registered cpuhp states" }),
    variant: enumParam({
      values: ["correct", "leaky_teardown"],
      default: "correct",
      description: "correct teardown, or a last teardown callback that leaves its registration live",
    }),
    boot: boolParam({ default: true, description: "start with every CPU offline and bring them up" }),
  },
  state: (p) => ({
    ...cpuhp(p).vars(),
    /** registered[cpu].get(k): callback k's registration on cpu is live. */
    registered: arrayOf(p.cpus, arrayOf(p.callbacks, bool)),
  }),
  init: (s, p) => {
    const hp = cpuhp(p);
    if (p.boot) return hp.boot(s);
    // Already up: every CPU online with every callback registered.
    s.cpuhp.forEach((c) => {
      c.state = p.callbacks;
      c.target = p.callbacks;
    });
    s.registered.forEach((r) => r.fill(true));
  },
  actions: (p, kit) =>
    cpuhp(p).actions(kit, {
      startup: (s, cpu, step) => s.registered[cpu]!.set(step, true),
      teardown: (s, cpu, step) => {
        if (p.variant === "leaky_teardown" && step === p.callbacks - 1) return;
        s.registered[cpu]!.set(step, false);
      },
      hotplug: () => true,
    }),
  properties: (p, kit) => {
    const hp = cpuhp(p);
    return [
      ...hp.properties(kit),
      kit.always(
        "registrations_match_state",
        (s) => s.cpuhp.every((c, cpu) => s.registered[cpu]!.every((live, k) => live === (k < c.state))),
        { description: "callback k is registered on a CPU exactly when its cpuhp state is above k" },
      ),
      kit.transition(
        "startup_in_order",
        (before, a) => {
          if (a.name !== "cpuhp_startup") return true;
          const cpu = a.params["cpu"] as number;
          return before.registered[cpu]!.every((live, k) => k >= before.cpuhp[cpu]!.state || live);
        },
        { description: "a startup callback runs only after every earlier callback registered on that CPU" },
      ),
      kit.transition(
        "teardown_undoes_startup",
        (before, a, after) => {
          if (a.name !== "cpuhp_teardown") return true;
          const cpu = a.params["cpu"] as number;
          const step = before.cpuhp[cpu]!.state - 1;
          return !after.registered[cpu]!.get(step) &&
            after.registered[cpu]!.every((live, k) => k >= step || live === before.registered[cpu]!.get(k));
        },
        { description: "a teardown undoes exactly the registration of the latest startup still live" },
      ),
      kit.sometimes(
        "secondary_cycles",
        (s) => p.cpus > 1 && hp.offline(s, 1) && hp.online(s, 0),
        { description: "a secondary CPU went offline while CPU0 stayed up" },
      ),
      kit.sometimes("all_online", (s) => hp.allOnline(s), { description: "every CPU came up" }),
    ];
  },
});
