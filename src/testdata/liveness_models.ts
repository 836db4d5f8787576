/**
 * Small models with liveness properties whose answers are known, for the liveness tests. Each takes a
 * `fairness` parameter for the action whose fairness the answer turns on.
 */

import { bool, defineModel, enumParam, int } from "../../mod.ts";

const fairness = enumParam({
  values: ["none", "weak", "strong"],
  default: "none",
  description: "fairness of the action the answer turns on",
});

/**
 * A process that may spin forever instead of finishing: `finish` is enabled until it is taken, so weak
 * fairness suffices (Lamport, Specifying Systems, 2002, §8.4: WF rules out a behaviour in which an
 * action stays enabled and is never taken).
 */
export const spinOrFinish = defineModel({
  name: "spin_or_finish",
  params: { fairness },
  state: () => ({ done: bool, ticks: int(0, 1) }),
  init: () => {},
  actions: (p, { action }) => [
    action("spin", { guard: (s) => !s.done, effect: (s) => void (s.ticks = 1 - s.ticks) }),
    action("finish", {
      guard: (s) => !s.done,
      effect: (s) => void (s.done = true),
      fair: p.fairness,
    }),
  ],
  properties: (_p, { eventually }) => [eventually("finishes", (s) => s.done)],
  terminal: (s) => s.done,
});

/**
 * A request that is enabled only every other step while a clock ticks: enabled infinitely often but not
 * continuously, so weak fairness does not force it and strong fairness does (Lamport, Specifying
 * Systems, §8.4; Baier and Katoen, Principles of Model Checking, 2008, §3.5, strong vs weak fairness).
 */
export const blinkingRequest = defineModel({
  name: "blinking_request",
  params: { fairness },
  state: () => ({ clock: bool, served: bool }),
  init: () => {},
  actions: (p, { action }) => [
    action("tick", { guard: (s) => !s.served, effect: (s) => void (s.clock = !s.clock), fair: "weak" }),
    action("serve", {
      guard: (s) => s.clock && !s.served,
      effect: (s) => void (s.served = true),
      fair: p.fairness,
    }),
  ],
  properties: (_p, { eventually }) => [eventually("served", (s) => s.served)],
  terminal: (s) => s.served,
});

/** A protocol that may end (terminal) before it is served: violated whatever the fairness. */
export const mayEndEarly = defineModel({
  name: "may_end_early",
  params: { fairness },
  state: () => ({ phase: int(0, 2) }),
  init: () => {},
  actions: (p, { action }) => [
    action("quit", {
      guard: (s) => s.phase === 0,
      effect: (s) => void (s.phase = 2),
      fair: p.fairness,
    }),
    action("serve", {
      guard: (s) => s.phase === 0,
      effect: (s) => void (s.phase = 1),
      fair: p.fairness,
    }),
  ],
  properties: (_p, { eventually }) => [eventually("served", (s) => s.phase === 1)],
  terminal: (s) => s.phase !== 0,
});

/**
 * A guest shares a page and must revoke it while the host writes to it (a background action, never
 * progress): "every shared page is revoked" needs fairness on revoke.
 */
export const hostWrites = defineModel({
  name: "host_writes",
  params: { fairness },
  state: () => ({ shared: bool, writes: int(0, 1), revoked: bool }),
  init: () => {},
  actions: (p, { action }) => [
    action("share", {
      guard: (s) => !s.shared && !s.revoked,
      effect: (s) => void (s.shared = true),
      fair: "weak",
    }),
    action("host_write", {
      guard: (s) => s.shared,
      effect: (s) => void (s.writes = 1 - s.writes),
      background: true,
    }),
    action("revoke", {
      guard: (s) => s.shared,
      effect: (s) => {
        s.shared = false;
        s.revoked = true;
      },
      fair: p.fairness,
    }),
  ],
  properties: (_p, { leadsTo, eventually }) => [
    leadsTo("shared_is_revoked", (s) => s.shared, (s) => !s.shared),
    leadsTo("answered_at_once", (s) => s.writes === 1 && !s.shared, (s) => s.revoked),
    eventually("revoked", (s) => s.revoked),
  ],
  terminal: (s) => s.revoked,
});
