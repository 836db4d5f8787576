import { gate } from "../src/check/gate.ts";

const correct = {
  phases_in_order: "holds",
  no_device_ahead: "holds",
  image_holds_no_open_channel: "holds",
  resume_reopens_every_channel: "holds",
  refusal_reopens_every_channel: "holds",
  resume_completes: "witnessed",
  hibernation_refused_and_rolled_back: "not witnessed",
  deadlock: "holds",
} as const;

export default [
  gate({
    name: "pm_phases_demo_correct_d4",
    model: "pm_phases_demo",
    params: { devices: 4, variant: "correct" },
    expect: correct,
    minStates: 640,
    why:
      "Phases occur in order on every device through freeze, image, thaw, poweroff, quiesce and restore, " +
      "and no device starts a phase before all finished the previous one; four devices interleave every way.",
  }),
  gate({
    name: "pm_phases_demo_no_suspend_hook_violated",
    model: "pm_phases_demo",
    params: { devices: 2, variant: "no_suspend_hook" },
    expect: { ...correct, image_holds_no_open_channel: { violated: 14 } },
    minStates: 170,
    why:
      "A driver without a suspend callback leaves its channel open in the image: the sequencer still orders " +
      "the phases, and the driver property catches it after the four freeze phases.",
  }),
  gate({
    name: "pm_phases_demo_refusing_driver_d4_holds",
    model: "pm_phases_demo",
    params: { devices: 4, variant: "refusing_driver" },
    expect: {
      ...correct,
      resume_completes: "not witnessed",
      hibernation_refused_and_rolled_back: "witnessed",
    },
    minStates: 340,
    why: "A freeze_noirq that fails (vmbus_suspend's -EOPNOTSUPP) is rolled back with PMSG_RECOVER: the " +
      "devices that completed it thaw_noirq, every device then thaws in order, and every channel is open " +
      "again; the failure may come at any point of the phase's interleaving of four devices.",
  }),
];
