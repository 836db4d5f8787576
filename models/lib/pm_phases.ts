/**
 * Device PM phases across hibernation, as a component that models compose, and `pm_phases_demo`, a small
 * model that checks the component on its own.
 *
 * drivers/base/power/main.c runs each phase for every device before the next phase starts (dpm_prepare,
 * dpm_suspend, dpm_suspend_late, dpm_suspend_noirq, and dpm_resume_noirq ... dpm_complete on the way
 * back); within a phase devices may run in any order (async suspend). kernel/power/hibernate.c strings the
 * phases into five sequences:
 *
 * - `freeze` (PMSG_FREEZE, hibernation_snapshot + create_image): prepare, freeze, freeze_late, freeze_noirq;
 *   then the image is taken;
 * - `thaw` (PMSG_THAW, after the snapshot): thaw_noirq, thaw_early, thaw, complete;
 * - `poweroff` (PMSG_HIBERNATE, power_down): prepare, poweroff, poweroff_late, poweroff_noirq; then S4;
 * - `quiesce` (PMSG_QUIESCE, the restoring kernel's hibernation_restore + resume_target_kernel): the freeze
 *   callbacks again, prepare, freeze, freeze_late, freeze_noirq; then the jump into the image;
 * - `restore` (PMSG_RESTORE, in the image kernel after the jump): restore_noirq, restore_early, restore,
 *   complete;
 * - `recover` (PMSG_RECOVER): the thaw callbacks, run only as the rollback of a failed `freeze` or `quiesce`.
 *
 * A callback may fail (the hook returns false, as vmbus_suspend's -EOPNOTSUPP for a driver without a
 * suspend hook). The phase stops there and the rollback resumes, in reverse, what was suspended: the
 * failed phase's counterpart on the devices that completed it, then the earlier phases' counterparts on
 * every device (dpm_suspend_noirq -> dpm_resume_noirq(resume_event(state)), then dpm_resume_early,
 * dpm_resume, dpm_complete). `freeze` and `quiesce` roll back with `recover`; `poweroff` with `restore`
 * (resume_event(PMSG_HIBERNATE) is PMSG_RESTORE, and hibernation_platform_enter resumes with it). A failed
 * resume callback is only logged by the PM core and the phase goes on.
 *
 * The model starts a sequence with `start` from one of its own effects and waits for `finished`; the
 * component's actions `dpm_callback(dev)` (one device's callback for the current phase) and `dpm_phase_end`
 * (every device ran it: next phase) do the rest. One instance per model: its variable is `pm`.
 *
 * @module
 */

import {
  type ActionSpec,
  arrayOf,
  bool,
  defineModel,
  enumOf,
  enumParam,
  type Fields,
  int,
  intParam,
  type ModelKit,
  type ReadonlyView,
  recordOf,
  type RecordView,
} from "../../mod.ts";

/** The phases of each sequence, in order. */
export const PM_SEQUENCES = {
  freeze: ["prepare", "freeze", "freeze_late", "freeze_noirq"],
  thaw: ["thaw_noirq", "thaw_early", "thaw", "complete"],
  poweroff: ["prepare", "poweroff", "poweroff_late", "poweroff_noirq"],
  quiesce: ["prepare", "freeze", "freeze_late", "freeze_noirq"],
  restore: ["restore_noirq", "restore_early", "restore", "complete"],
  recover: ["thaw_noirq", "thaw_early", "thaw", "complete"],
} as const;

/** A sequence of device PM phases. */
export type PmSequence = keyof typeof PM_SEQUENCES;
/** A device PM phase (the name of the dev_pm_ops callback). */
export type PmPhase = (typeof PM_SEQUENCES)[PmSequence][number];

/** Every phase name, once. */
export const PM_PHASES: readonly PmPhase[] = [...new Set(Object.values(PM_SEQUENCES).flat())];

const SEQUENCES = ["none", "freeze", "thaw", "poweroff", "quiesce", "restore", "recover"] as const;

/** The sequence that rolls back a failed suspend sequence. */
const ROLLBACK: Readonly<Partial<Record<PmSequence, PmSequence>>> = {
  freeze: "recover",
  quiesce: "recover",
  poweroff: "restore",
};

/**
 * Which sequence may start after which (the last one finished in the running kernel; `none` in a fresh
 * kernel): a running kernel hibernates (`freeze`) after boot, after a failed image write (`thaw`) or after
 * a resume or a failed poweroff (`restore`) or a refused one (`recover`); only the restoring kernel quiesces,
 * straight after boot; the image kernel restores from its own record, which ends with `freeze` (see
 * `enterImage`); `recover` only follows a failure.
 */
const MAY_FOLLOW: Readonly<Record<PmSequence, readonly (PmSequence | "none")[]>> = {
  freeze: ["none", "thaw", "restore", "recover"],
  thaw: ["freeze"],
  poweroff: ["thaw"],
  quiesce: ["none"],
  restore: ["freeze"],
  recover: [],
};

// deno-lint-ignore no-explicit-any
type AnyAction<F extends Fields> = ActionSpec<F, any>;

/** Sizes of a PM phase instance. */
export interface PmConfig {
  /** Number of devices. */
  readonly devices: number;
}

/** What the model plugs into the sequencer. Both hooks are optional. */
export interface PmHooks<F extends Fields> {
  /**
   * Device `dev`'s callback for `phase` of `sequence` (vmbus_suspend for freeze_noirq, say). It returns
   * false when the callback fails (an error code): a suspend sequence then rolls back.
   */
  readonly callback?: (
    s: RecordView<F>,
    dev: number,
    phase: PmPhase,
    sequence: PmSequence,
  ) => boolean | void;
  /** Whether the callback may run now (device ordering: children before parents, say). */
  readonly canRun?: (s: ReadonlyView<F>, dev: number, phase: PmPhase) => boolean;
}

function pmDomain(config: PmConfig) {
  return recordOf({
    sequence: enumOf(...SEQUENCES),
    step: int(0, 3),
    done: arrayOf(config.devices, bool),
    last: enumOf(...SEQUENCES),
  });
}

type Pm = RecordView<{ pm: ReturnType<typeof pmDomain> }>["pm"];

/**
 * A PM phase sequencer over `config.devices` devices.
 *
 * @example
 * ```ts
 * import { pmPhases } from "./pm_phases.ts";
 * import { checkSync, defineModel } from "../../mod.ts";
 *
 * const pm = pmPhases({ devices: 2 });
 * const m = defineModel({
 *   name: "freeze_only",
 *   params: {},
 *   state: () => ({ ...pm.vars() }),
 *   init: (s) => pm.start(s, "freeze"),
 *   actions: (_, kit) => pm.actions(kit),
 *   terminal: (s) => pm.finished(s, "freeze"),
 * });
 * console.assert(checkSync(m).verdict === "holds");
 * ```
 */
export function pmPhases(config: PmConfig) {
  if (!Number.isSafeInteger(config.devices) || config.devices < 1) {
    throw new RangeError(`Expected devices >= 1 but found ${config.devices}`);
  }
  const pm = (s: unknown): Pm => (s as { pm: Pm }).pm;
  const phase = (s: unknown): PmPhase | undefined => {
    const { sequence, step } = pm(s);
    return sequence === "none" ? undefined : PM_SEQUENCES[sequence][step];
  };

  return {
    config,
    /**
     * The variables to spread into the model's state: `pm.sequence`, `.step`, `.done[dev]` (the device
     * ran the current phase, or is skipped in it), `.last`.
     */
    vars: () => ({ pm: pmDomain(config) }),

    /**
     * The actions, in this order: `dpm_callback(dev)` runs one device's callback for the current phase;
     * `dpm_phase_end` moves to the next phase once every device ran it, or ends the sequence.
     */
    actions<F extends Fields>(kit: ModelKit<F>, hooks: PmHooks<F> = {}): AnyAction<F>[] {
      return [
        kit.action("dpm_callback", {
          params: { dev: int(0, config.devices - 1) },
          guard: (s, { dev }) => {
            const now = phase(s);
            return now !== undefined && !pm(s).done.get(dev) && (hooks.canRun?.(s, dev, now) ?? true);
          },
          effect: (s, { dev }) => {
            const p = pm(s);
            const sequence = p.sequence as PmSequence;
            const failed = hooks.callback?.(s, dev, phase(s)!, sequence) === false;
            const rollback = ROLLBACK[sequence];
            if (!failed || rollback === undefined) {
              p.done.set(dev, true);
              return;
            }
            // The counterpart of the failed phase runs on the devices that completed it, so the others
            // (the failed one too) count as done in it.
            p.sequence = rollback;
            p.step = 3 - p.step;
            for (let d = 0; d < config.devices; d++) p.done.set(d, d === dev || !p.done.get(d));
          },
        }) as unknown as AnyAction<F>,
        kit.action("dpm_phase_end", {
          guard: (s) => pm(s).sequence !== "none" && pm(s).done.every((d) => d),
          effect: (s) => {
            const p = pm(s);
            p.done.fill(false);
            if (p.step < 3) {
              p.step = p.step + 1;
              return;
            }
            p.last = p.sequence;
            p.sequence = "none";
            p.step = 0;
          },
        }) as unknown as AnyAction<F>,
      ];
    },

    /** The phase running now, or undefined between sequences. */
    phase,
    /** Whether no sequence is running. */
    idle: (s: unknown): boolean => pm(s).sequence === "none",
    /** Whether `sequence` is the last one that finished and no other is running. */
    finished: (s: unknown, sequence: PmSequence): boolean =>
      pm(s).sequence === "none" && pm(s).last === sequence,
    /** Starts `sequence`; a RangeError when one is running or it may not follow the last one. */
    start(s: unknown, sequence: PmSequence): void {
      const p = pm(s);
      if (p.sequence !== "none") {
        throw new RangeError(
          `Expected no PM sequence running but found ${p.sequence} when starting ${sequence}`,
        );
      }
      if (!MAY_FOLLOW[sequence].includes(p.last)) {
        throw new RangeError(
          `Expected ${sequence} to follow ${MAY_FOLLOW[sequence].join(" or ")} but found ${p.last}`,
        );
      }
      p.sequence = sequence;
      p.step = 0;
      p.done.fill(false);
    },
    /** A fresh kernel: no sequence has run. */
    boot(s: unknown): void {
      const p = pm(s);
      p.sequence = "none";
      p.step = 0;
      p.done.fill(false);
      p.last = "none";
    },
    /** The jump into the image: the image kernel continues in create_image, right after `freeze`. */
    enterImage(s: unknown): void {
      this.boot(s);
      pm(s).last = "freeze";
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// pm_phases_demo: the sequencer alone, driving VMBus-like devices whose channel is open while the device is
// active: freeze_noirq and poweroff_noirq close it (vmbus_suspend -> drv->suspend),
// thaw_noirq and restore_noirq reopen it (vmbus_resume -> drv->resume).

/** Which phase may follow which on one device. */
const FOLLOWS: Readonly<Record<PmPhase, readonly (PmPhase | "none")[]>> = {
  prepare: ["none", "complete"],
  freeze: ["prepare"],
  freeze_late: ["freeze"],
  freeze_noirq: ["freeze_late"],
  thaw_noirq: ["freeze_noirq"],
  thaw_early: ["thaw_noirq"],
  thaw: ["thaw_early"],
  complete: ["thaw", "restore"],
  poweroff: ["prepare"],
  poweroff_late: ["poweroff"],
  poweroff_noirq: ["poweroff_late"],
  restore_noirq: ["freeze_noirq"],
  restore_early: ["restore_noirq"],
  restore: ["restore_early"],
};

/** What a rollback adds: a device resumes from the suspend phase it reached (see `ROLLBACK`). */
const ROLLBACK_FOLLOWS: Readonly<Partial<Record<PmPhase, readonly PmPhase[]>>> = {
  thaw_early: ["freeze_late"],
  thaw: ["freeze"],
  complete: ["prepare"],
  restore_noirq: ["poweroff_noirq"],
  restore_early: ["poweroff_late"],
  restore: ["poweroff"],
};

/**
 * `pm_phases_demo`: a kernel hibernates (freeze, image, thaw, poweroff, S4), a restoring kernel boots and
 * quiesces, and the image kernel restores; the system cycles. With `variant: "no_suspend_hook"` device 0's
 * driver has no suspend callback, so its channel stays open in the image (as uio_hv_generic's would, were
 * hibernation not refused); with `variant: "refusing_driver"` device 0's freeze_noirq fails as vmbus_suspend
 * does for uio_hv_generic (-EOPNOTSUPP), PMSG_RECOVER resumes the others and the system runs on.
 */
export default defineModel({
  name: "pm_phases_demo",
  description: "The PM phase sequencer alone: every device runs every phase in order across hibernation.",
  params: {
    devices: intParam({ min: 1, max: 6, default: 2, description: "devices" }),
    variant: enumParam({
      values: ["correct", "no_suspend_hook", "refusing_driver"],
      default: "correct",
      description: "every driver closes its channel in the noirq phase, or device 0's does not, or device " +
        "0's freeze_noirq fails",
    }),
  },
  state: (p) => ({
    ...pmPhases(p).vars(),
    system: enumOf("running", "hibernating", "snapshot", "powering_off", "off", "restoring", "resuming"),
    /** The last callback each device ran, in the running kernel. */
    lastCallback: arrayOf(p.devices, enumOf("none", ...PM_PHASES)),
    /** Each device's channel, as the running kernel sees it. */
    open: arrayOf(p.devices, bool),
    /** The channels recorded in the image. */
    imageOpen: arrayOf(p.devices, bool),
    /** Ghost: a resume completed. */
    resumed: bool,
    /** Ghost: a hibernation was refused and rolled back. */
    refused: bool,
  }),
  init: (s) => s.open.fill(true),
  actions: (p, kit) => {
    const pm = pmPhases(p);
    return [
      ...pm.actions(kit, {
        callback: (s, dev, phase) => {
          if (p.variant === "refusing_driver" && dev === 0 && phase === "freeze_noirq") return false;
          s.lastCallback.set(dev, phase);
          if (phase === "freeze_noirq" || phase === "poweroff_noirq") {
            if (!(p.variant === "no_suspend_hook" && dev === 0)) s.open.set(dev, false);
          }
          if (phase === "thaw_noirq" || phase === "restore_noirq") s.open.set(dev, true);
          return true;
        },
      }),
      kit.action("hibernate", {
        guard: (s) => s.system === "running" && pm.idle(s),
        effect: (s) => {
          s.system = "hibernating";
          pm.start(s, "freeze");
        },
      }),
      // hibernation_snapshot() after PMSG_RECOVER: the error goes back to hibernate(), the system runs.
      kit.action("hibernation_refused", {
        guard: (s) => s.system === "hibernating" && pm.finished(s, "recover"),
        effect: (s) => {
          s.system = "running";
          s.refused = true;
        },
      }),
      kit.action("create_image", {
        guard: (s) => s.system === "hibernating" && pm.finished(s, "freeze"),
        effect: (s) => {
          for (let dev = 0; dev < p.devices; dev++) s.imageOpen.set(dev, s.open.get(dev));
          s.system = "snapshot";
          pm.start(s, "thaw");
        },
      }),
      kit.action("power_down", {
        guard: (s) => s.system === "snapshot" && pm.finished(s, "thaw"),
        effect: (s) => {
          s.system = "powering_off";
          pm.start(s, "poweroff");
        },
      }),
      kit.action("enter_s4", {
        guard: (s) => s.system === "powering_off" && pm.finished(s, "poweroff"),
        effect: (s) => {
          s.system = "off";
        },
      }),
      // A fresh kernel: its drivers probe and open their channels; software_resume() then quiesces them.
      kit.action("hibernation_restore", {
        guard: (s) => s.system === "off",
        effect: (s) => {
          s.system = "restoring";
          pm.boot(s);
          s.lastCallback.fill("none");
          s.open.fill(true);
          pm.start(s, "quiesce");
        },
      }),
      // The image kernel's devices are as the image recorded them: after freeze_noirq.
      kit.action("swsusp_arch_resume", {
        guard: (s) => s.system === "restoring" && pm.finished(s, "quiesce"),
        effect: (s) => {
          s.system = "resuming";
          pm.enterImage(s);
          s.lastCallback.fill("freeze_noirq");
          for (let dev = 0; dev < p.devices; dev++) s.open.set(dev, s.imageOpen.get(dev));
          pm.start(s, "restore");
        },
      }),
      kit.action("resume_done", {
        guard: (s) => s.system === "resuming" && pm.finished(s, "restore"),
        effect: (s) => {
          s.system = "running";
          s.resumed = true;
        },
      }),
    ];
  },
  properties: (p, kit) => {
    const pm = pmPhases(p);
    type Before = { readonly pm: { readonly sequence: string } };
    const mayFollow = (before: Before, phase: PmPhase, last: string): boolean =>
      (FOLLOWS[phase] as readonly string[]).includes(last) ||
      ((before.pm.sequence === "recover" || before.pm.sequence === "restore") &&
        (ROLLBACK_FOLLOWS[phase] ?? [] as readonly string[]).includes(last));
    return [
      kit.transition("phases_in_order", (before, a) => {
        if (a.name !== "dpm_callback") return true;
        const phase = pm.phase(before)!;
        return mayFollow(before, phase, before.lastCallback.get(a.params["dev"] as number));
      }, { description: "each device's callbacks follow the PM sequences, phase by phase" }),
      kit.transition("no_device_ahead", (before, a) => {
        if (a.name !== "dpm_callback") return true;
        const phase = pm.phase(before)!;
        return before.lastCallback.every((last, d) =>
          last === phase || before.pm.done.get(d) || mayFollow(before, phase, last)
        );
      }, {
        description: "a phase starts on a device only once every device finished the previous phase (or " +
          "is skipped in it by a rollback)",
      }),
      kit.transition(
        "image_holds_no_open_channel",
        (before, a) => a.name !== "create_image" || !before.open.includes(true),
        { description: "the image is taken with every channel closed" },
      ),
      kit.transition(
        "resume_reopens_every_channel",
        (before, a) => a.name !== "resume_done" || before.open.every((o) => o),
        { description: "when the resume completes, every channel is open again" },
      ),
      kit.transition(
        "refusal_reopens_every_channel",
        (before, a) => a.name !== "hibernation_refused" || before.open.every((o) => o),
        { description: "when a refused hibernation is rolled back, every channel is open again" },
      ),
      kit.sometimes("resume_completes", (s) => s.resumed && s.system === "running", {
        description: "a full hibernate, restore and resume cycle completes",
      }),
      kit.sometimes("hibernation_refused_and_rolled_back", (s) => s.refused && s.system === "running", {
        description: "a failed freeze_noirq is rolled back with PMSG_RECOVER",
      }),
    ];
  },
});
