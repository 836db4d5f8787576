import { gate } from "../src/check/gate.ts";

const correct = {
  cpuhp_boot_cpu_stays_up: "holds",
  registrations_match_state: "holds",
  startup_in_order: "holds",
  teardown_undoes_startup: "holds",
  secondary_cycles: "witnessed",
  all_online: "witnessed",
  deadlock: "holds",
} as const;

export default [
  gate({
    name: "cpuhp_demo_correct_c4_k3",
    model: "cpuhp_demo",
    params: { cpus: 4, callbacks: 3, variant: "correct" },
    expect: correct,
    minStates: 2000,
    why:
      "Every callback registered by a startup is undone by its teardown, in reverse order, and CPU0 never " +
      "goes down; four CPUs with three callbacks let secondaries stop at every intermediate cpuhp state at once.",
  }),
  gate({
    name: "cpuhp_demo_leaky_teardown_violated",
    model: "cpuhp_demo",
    params: { cpus: 3, callbacks: 2, variant: "leaky_teardown" },
    expect: {
      ...correct,
      registrations_match_state: { violated: 4 },
      teardown_undoes_startup: { violated: 4 },
    },
    minStates: 180,
    why: "A teardown that leaves its registration live (as hv_cpu_die leaving the MSR on would) is caught " +
      "after one secondary comes up and goes down: the properties are not vacuous.",
  }),
  gate({
    name: "cpuhp_demo_correct_c6_k4",
    model: "cpuhp_demo",
    params: { cpus: 6, callbacks: 4, variant: "correct" },
    expect: correct,
    minStates: 500_000,
    why: "Half a million states: six CPUs each at any of five cpuhp states with any target.",
    tags: ["slow"],
  }),
];
