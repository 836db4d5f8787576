/**
 * The naive liveness checker on classic cases with known answers, then on random models: every lasso
 * it returns is checked step by step (lassoProblem), and verdicts and prefixes move as fairness says
 * they must (none, weak, strong: each admits fewer behaviours than the one before).
 */
import assert from "node:assert/strict";
import { arrayOf, bool, defineModel, enumOf, enumParam, int, range } from "../../mod.ts";
import { instantiate, type Model } from "../model/model.ts";
import {
  checkLivenessNaively,
  type Fairness,
  lassoProblem,
  type NaiveLivenessOptions,
  type NaiveLivenessResult,
} from "./naive_liveness.ts";
import { pageSharing } from "./page_sharing.ts";
import { randomLivenessCase } from "./random_model.ts";

const fairnessParam = enumParam({
  values: ["none", "weak", "strong"],
  default: "none",
  description: "fairness of the actions",
});

/** `fair` for an action from a fairness parameter. */
const fairOf = (f: "none" | "weak" | "strong") => f === "none" ? {} : { fair: f };

/** Checks a model naively; every violation's lasso must be a fair violating behaviour. */
function check(
  model: unknown,
  params: Record<string, unknown> = {},
  options: NaiveLivenessOptions = {},
): NaiveLivenessResult {
  const result = checkLivenessNaively(instantiate(model as Model, params), options);
  for (const [name, verdict] of Object.entries(result.properties)) {
    assert.equal(verdict.status === "violated", verdict.lasso !== undefined, name);
    if (verdict.lasso) {
      assert.equal(lassoProblem(result.graph, result.truth[name]!, verdict.lasso), undefined, name);
      assert.equal(verdict.prefixLength, verdict.lasso.prefix.length);
    }
  }
  return result;
}

function statuses(result: NaiveLivenessResult): Record<string, string> {
  return Object.fromEntries(Object.entries(result.properties).map(([name, v]) => [name, v.status]));
}

/**
 * Peterson's algorithm for two processes (G. L. Peterson, "Myths about the mutual exclusion problem",
 * Information Processing Letters 12(3), 1981; Baier & Katoen, Principles of Model Checking, MIT Press
 * 2008, §3.5 on fairness). A process may stay in its noncritical section forever (think, request: never
 * fair). With no fairness a waiting process starves while the other thinks forever; with weak fairness
 * on the steps from the request on (yield the turn, enter, exit) it cannot.
 */
const peterson = defineModel({
  name: "peterson",
  params: { fairness: fairnessParam },
  state: () => ({
    pc: arrayOf(2, enumOf("idle", "want", "wait", "crit")),
    flag: arrayOf(2, bool),
    turn: int(0, 1),
  }),
  init: () => {},
  actions: (p, { action }) => [
    action("think", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "idle",
      effect: () => {},
    }),
    action("request", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "idle",
      effect: (s, { i }) => {
        s.flag.set(i, true);
        s.pc.set(i, "want");
      },
    }),
    action("yield_turn", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "want",
      effect: (s, { i }) => {
        s.turn = 1 - i;
        s.pc.set(i, "wait");
      },
      ...fairOf(p.fairness),
    }),
    action("enter", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "wait" && (!s.flag.get(1 - i) || s.turn === i),
      effect: (s, { i }) => s.pc.set(i, "crit"),
      ...fairOf(p.fairness),
    }),
    action("exit", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "crit",
      effect: (s, { i }) => {
        s.flag.set(i, false);
        s.pc.set(i, "idle");
      },
      ...fairOf(p.fairness),
    }),
  ],
  properties: (_p, { always, leadsTo }) => [
    always("mutex", (s) => !(s.pc.get(0) === "crit" && s.pc.get(1) === "crit")),
    ...[0, 1].map((i) =>
      leadsTo(
        `p${i}_enters`,
        (s) => s.pc.get(i) === "want" || s.pc.get(i) === "wait",
        (s) => s.pc.get(i) === "crit",
      )
    ),
  ],
});

Deno.test("Peterson: a process can starve without fairness, not with weak fairness", () => {
  assert.deepEqual(statuses(check(peterson, { fairness: "none" })), {
    p0_enters: "violated",
    p1_enters: "violated",
  });
  assert.deepEqual(statuses(check(peterson, { fairness: "weak" })), {
    p0_enters: "holds",
    p1_enters: "holds",
  });
  assert.deepEqual(statuses(check(peterson, { fairness: "strong" })), {
    p0_enters: "holds",
    p1_enters: "holds",
  });
});

/**
 * Mutual exclusion with a semaphore (Baier & Katoen 2008, §3.5, the semaphore-based mutual exclusion
 * program): a waiting process's `enter` is enabled only while the lock is free, so the other process
 * can take the lock again and again; weak fairness does not rule that out, strong fairness does
 * (also Lamport, Specifying Systems, Addison-Wesley 2002, ch. 8, on weak and strong fairness).
 */
const semaphore = defineModel({
  name: "semaphore_mutex",
  params: { fairness: fairnessParam, enter: fairnessParam },
  state: () => ({ pc: arrayOf(2, enumOf("idle", "wait", "crit")), lock: bool }),
  init: () => {},
  actions: (p, { action }) => [
    action("request", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "idle",
      effect: (s, { i }) => s.pc.set(i, "wait"),
      ...fairOf(p.fairness),
    }),
    action("enter", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "wait" && !s.lock,
      effect: (s, { i }) => {
        s.pc.set(i, "crit");
        s.lock = true;
      },
      ...fairOf(p.enter),
    }),
    action("exit", {
      params: { i: range(2) },
      guard: (s, { i }) => s.pc.get(i) === "crit",
      effect: (s, { i }) => {
        s.pc.set(i, "idle");
        s.lock = false;
      },
      ...fairOf(p.fairness),
    }),
  ],
  properties: (_p, { leadsTo }) =>
    [0, 1].map((i) => leadsTo(`p${i}_enters`, (s) => s.pc.get(i) === "wait", (s) => s.pc.get(i) === "crit")),
});

Deno.test("semaphore mutex: starvation needs strong fairness on enter to rule out", () => {
  const none = check(semaphore, { fairness: "none", enter: "none" });
  assert.deepEqual(statuses(none), { p0_enters: "violated", p1_enters: "violated" });
  const weak = check(semaphore, { fairness: "weak", enter: "weak" });
  assert.deepEqual(statuses(weak), { p0_enters: "violated", p1_enters: "violated" });
  // The starving process waits while the other cycles through request, enter and exit.
  const lasso = weak.properties.p1_enters!.lasso!;
  assert.equal(lasso.stutters, false);
  assert.deepEqual(
    new Set(lasso.cycleActions.map((a) => weak.graph.actions[a])),
    new Set(["request(i=0)", "enter(i=0)", "exit(i=0)"]),
  );
  const strong = check(semaphore, { fairness: "weak", enter: "strong" });
  assert.deepEqual(statuses(strong), { p0_enters: "holds", p1_enters: "holds" });
});

/**
 * A client whose request can only be sent while the server is idle, and a server that keeps switching
 * between idle and busy (Lamport, Specifying Systems, 2002, ch. 8: an action enabled infinitely often
 * but not continuously; Baier & Katoen 2008, §3.5): weak fairness on send does not make it happen,
 * strong fairness does. The model's default fairness is weak; send may ask for strong.
 */
const server = defineModel({
  name: "server_client",
  params: { send: enumParam({ values: ["default", "strong"], default: "default", description: "send" }) },
  state: () => ({ server: enumOf("idle", "busy"), sent: bool }),
  init: () => {},
  actions: (p, { action }) => [
    action("toggle", { effect: (s) => void (s.server = s.server === "idle" ? "busy" : "idle") }),
    action("send", {
      guard: (s) => s.server === "idle" && !s.sent,
      effect: (s) => void (s.sent = true),
      ...(p.send === "strong" ? { fair: "strong" as const } : {}),
    }),
  ],
  properties: (_p, { eventually }) => [eventually("sent", (s) => s.sent)],
  fairness: "weak",
});

Deno.test("server and client: weak fairness does not suffice where strong does", () => {
  const weak = check(server);
  assert.equal(weak.properties.sent!.status, "violated");
  const lasso = weak.properties.sent!.lasso!;
  assert.equal(weak.properties.sent!.prefixLength, 0);
  assert.deepEqual(lasso.cycle.map((id) => JSON.parse(weak.graph.keys[id]!).server).sort(), ["busy", "idle"]);
  assert.equal(check(server, { send: "strong" }).properties.sent!.status, "holds");
  // The model's default is what an action without its own fairness gets; without any, violated too.
  assert.equal(
    check(server, { send: "strong" }, { fairness: () => "none" }).properties.sent!.status,
    "violated",
  );
});

/** Fairness is per instance (TLA+'s \A c : WF(serve(c)), Lamport 2002, ch. 8): serving one client
 * forever does not excuse the other's enabled serve. */
const clients = defineModel({
  name: "two_clients",
  params: { fairness: fairnessParam },
  state: () => ({ waiting: arrayOf(2, bool) }),
  init: () => {},
  actions: (p, { action }) => [
    action("request", {
      params: { c: range(2) },
      guard: (s, { c }) => !s.waiting.get(c),
      effect: (s, { c }) => s.waiting.set(c, true),
    }),
    action("serve", {
      params: { c: range(2) },
      guard: (s, { c }) => s.waiting.get(c),
      effect: (s, { c }) => s.waiting.set(c, false),
      ...fairOf(p.fairness),
    }),
  ],
  properties: (_p, { leadsTo }) => [leadsTo("c1_served", (s) => s.waiting.get(1), (s) => !s.waiting.get(1))],
});

Deno.test("fairness is per action instance: each client's serve is fair on its own", () => {
  assert.equal(check(clients, { fairness: "none" }).properties.c1_served!.status, "violated");
  assert.equal(check(clients, { fairness: "weak" }).properties.c1_served!.status, "holds");
});

/** A protocol that may end (terminal) without reaching its goal; a counter that deadlocks short of it. */
const handshake = defineModel({
  name: "handshake",
  params: { startIsTerminal: enumParam({ values: ["no", "yes"], default: "no", description: "" }) },
  state: () => ({ phase: enumOf("start", "done", "aborted") }),
  init: () => {},
  actions: (_p, { action }) => [
    action("complete", { guard: (s) => s.phase === "start", effect: (s) => void (s.phase = "done") }),
    action("abort", { guard: (s) => s.phase === "start", effect: (s) => void (s.phase = "aborted") }),
  ],
  properties: (_p, { eventually }) => [eventually("completes", (s) => s.phase === "done")],
  terminal: (s, p) => s.phase !== "start" || p.startIsTerminal === "yes",
  fairness: "weak",
});

Deno.test("an end state (terminal, or no successor) may end a behaviour short of its goal", () => {
  // A maximal path may end in a terminal state (Baier & Katoen 2008, ch. 3), whatever fairness says.
  const aborts = check(handshake).properties.completes!;
  assert.equal(aborts.status, "violated");
  assert.equal(aborts.prefixLength, 1);
  assert.equal(aborts.lasso!.stutters, true);
  // Terminal where actions are still enabled: the behaviour may stop at once, weak fairness or not.
  const stops = check(handshake, { startIsTerminal: "yes" }).properties.completes!;
  assert.deepEqual([stops.status, stops.prefixLength, stops.lasso!.stutters], ["violated", 0, true]);
  const counter = defineModel({
    name: "stops_at_two",
    params: {},
    state: () => ({ n: int(0, 3) }),
    init: () => {},
    actions: (_p, { action }) => [
      action("inc", { guard: (s) => s.n < 2, effect: (s) => void (s.n += 1), fair: "strong" }),
    ],
    properties: (_p, { eventually }) => [eventually("reaches_three", (s) => s.n === 3)],
  });
  const deadlock = check(counter).properties.reaches_three!;
  assert.deepEqual([deadlock.status, deadlock.prefixLength, deadlock.lasso!.stutters], ["violated", 2, true]);
});

/**
 * The host's background writes loop forever: never progress, never fair. A guest waiting for a reply
 * that never comes is a violation even with weak fairness on every guest action.
 */
const waitsForReply = defineModel({
  name: "waits_for_reply",
  params: { replies: enumParam({ values: ["never", "after_ask"], default: "never", description: "" }) },
  state: () => ({ asked: bool, replied: bool, dirty: bool }),
  init: () => {},
  actions: (p, { action }) => [
    action("ask", { guard: (s) => !s.asked, effect: (s) => void (s.asked = true) }),
    action("reply", {
      guard: (s) => p.replies === "after_ask" && s.asked && !s.replied,
      effect: (s) => void (s.replied = true),
    }),
    action("host_write", { effect: (s) => void (s.dirty = !s.dirty), background: true }),
  ],
  properties: (_p, { eventually }) => [eventually("replied", (s) => s.replied)],
  fairness: "weak",
});

Deno.test("a background action looping forever is a violation: it never counts as progress", () => {
  const result = check(waitsForReply);
  const never = result.properties.replied!;
  assert.equal(never.status, "violated");
  // Weak fairness on ask forces the ask first; then only the host moves.
  assert.equal(never.prefixLength, 1);
  assert.deepEqual(never.lasso!.cycleActions.map((a) => result.graph.actions[a]), [
    "host_write",
    "host_write",
  ]);
  assert.equal(check(waitsForReply, { replies: "after_ask" }).properties.replied!.status, "holds");
  // Without fairness the host may write from the start.
  const unfair = check(waitsForReply, { replies: "after_ask" }, { fairness: () => "none" }).properties
    .replied!;
  assert.deepEqual([unfair.status, unfair.prefixLength], ["violated", 0]);
  // The page-sharing model: revoke fair or not, the host is never obliged to write.
  for (const revoke of ["none", "weak", "strong"]) {
    const result = check(pageSharing, { pages: 2, revoke });
    const revoked = revoke === "none" ? "violated" : "holds";
    assert.deepEqual(statuses(result), {
      page0_revoked: revoked,
      page1_revoked: revoked,
      host_writes: "violated",
    });
  }
});

/** A self-loop (an effect that changes nothing) is a cycle of one state. */
const selfLoop = defineModel({
  name: "self_loop",
  params: { idle: fairnessParam, finish: fairnessParam },
  state: () => ({ done: bool }),
  init: () => {},
  actions: (p, { action }) => [
    action("idle", { guard: (s) => !s.done, effect: () => {}, ...fairOf(p.idle) }),
    action("finish", { guard: (s) => !s.done, effect: (s) => void (s.done = true), ...fairOf(p.finish) }),
  ],
  properties: (_p, { eventually }) => [eventually("finishes", (s) => s.done)],
});

Deno.test("a self-loop: a cycle unless fairness makes the way out be taken", () => {
  const loops = check(selfLoop).properties.finishes!;
  assert.equal(loops.status, "violated");
  assert.deepEqual([loops.prefixLength, loops.lasso!.cycle.length, loops.lasso!.stutters], [0, 1, false]);
  assert.equal(check(selfLoop, { finish: "weak" }).properties.finishes!.status, "holds");
  assert.equal(check(selfLoop, { finish: "strong" }).properties.finishes!.status, "holds");
  // Fairness on the loop itself is met by looping.
  assert.equal(check(selfLoop, { idle: "weak" }).properties.finishes!.status, "violated");
  assert.equal(check(selfLoop, { idle: "strong" }).properties.finishes!.status, "violated");
});

/** A counter 0 -> 1 -> 0 that never reaches 2. */
const ring = defineModel({
  name: "ring",
  params: {},
  state: () => ({ x: int(0, 2) }),
  init: () => {},
  actions: (
    _p,
    { action },
  ) => [action("step", { guard: (s) => s.x < 2, effect: (s) => void (s.x = 1 - s.x) })],
  properties: (_p, { eventually, leadsTo }) => [
    leadsTo("two_leads_to_zero", (s) => s.x === 2, (s) => s.x === 0),
    eventually("reaches_two", (s) => s.x === 2),
    eventually("starts_at_zero", (s) => s.x === 0),
    leadsTo("one_leads_to_zero", (s) => s.x === 1, (s) => s.x === 0),
  ],
});

Deno.test("eventually and leadsTo: a trigger never true, a start that satisfies, a step that must come", () => {
  assert.deepEqual(statuses(check(ring)), {
    two_leads_to_zero: "holds", // the trigger never holds
    reaches_two: "violated",
    starts_at_zero: "holds", // the initial state satisfies it
    one_leads_to_zero: "holds", // no fairness, but a state with a successor cannot stutter
  });
});

/**
 * Strong fairness refines a component: A <-> B, A <-> C, and from C a strongly fair exit. The states
 * where exit is enabled (C) cannot recur, but A <-> B remains a fair cycle unless going to C is fair
 * too. The removal and decomposition are those of O. Lichtenstein and A. Pnueli, "Checking that finite
 * state concurrent programs satisfy their linear specification", POPL 1985 (also Baier & Katoen 2008,
 * ch. 6, on CTL model checking under strong fairness).
 */
const refine = defineModel({
  name: "refine",
  params: { ac: fairnessParam, exit: fairnessParam },
  state: () => ({ at: enumOf("A", "B", "C", "done") }),
  init: () => {},
  actions: (p, { action }) => [
    action("ab", { guard: (s) => s.at === "A", effect: (s) => void (s.at = "B") }),
    action("ba", { guard: (s) => s.at === "B", effect: (s) => void (s.at = "A") }),
    action("ac", { guard: (s) => s.at === "A", effect: (s) => void (s.at = "C"), ...fairOf(p.ac) }),
    action("ca", { guard: (s) => s.at === "C", effect: (s) => void (s.at = "A") }),
    action("exit", { guard: (s) => s.at === "C", effect: (s) => void (s.at = "done"), ...fairOf(p.exit) }),
  ],
  properties: (_p, { eventually }) => [eventually("exits", (s) => s.at === "done")],
});

Deno.test("strong fairness: states where an unmet strongly fair instance is enabled are cut, the rest decomposed again", () => {
  const ab = check(refine, { exit: "strong" }).properties.exits!;
  assert.equal(ab.status, "violated");
  const result = check(refine, { exit: "strong" });
  assert.deepEqual(
    result.properties.exits!.lasso!.cycle.map((id) => JSON.parse(result.graph.keys[id]!).at).sort(),
    ["A", "B"],
  );
  assert.equal(check(refine, { ac: "strong", exit: "strong" }).properties.exits!.status, "holds");
  assert.equal(check(refine, { ac: "weak", exit: "weak" }).properties.exits!.status, "violated");
  assert.equal(check(refine, { ac: "strong", exit: "weak" }).properties.exits!.status, "violated");
});

Deno.test("the shortest prefix: a leadsTo whose trigger lies on the cycle needs no run to the trigger", () => {
  // 0 -> 1 -> 2 -> 3, then 3 -> 4 -> 5 -> 3 forever: 5 ~> 0 fails on a cycle entered after 3 steps.
  const chain = defineModel({
    name: "chain_and_ring",
    params: {},
    state: () => ({ x: int(0, 5) }),
    init: [() => {}, (s) => void (s.x = 1)],
    actions: (_p, { action }) => [
      action("step", { effect: (s) => void (s.x = s.x === 5 ? 3 : s.x + 1) }),
    ],
    properties: (_p, { eventually, leadsTo }) => [
      leadsTo("five_leads_to_zero", (s) => s.x === 5, (s) => s.x === 0),
      eventually("reaches_zero", (s) => s.x === 0),
      eventually("reaches_two", (s) => s.x === 2),
    ],
    fairness: "weak",
  });
  const result = check(chain);
  const five = result.properties.five_leads_to_zero!;
  // From the second initial state (x = 1), the cycle is two steps away; the trigger comes on it.
  assert.deepEqual([five.status, five.prefixLength], ["violated", 2]);
  assert.equal(five.lasso!.trigger, 2 + five.lasso!.cycle.indexOf(result.graph.ids.get('{"x":5}')!));
  // The initial state x = 0 satisfies it, but the other one never visits 0.
  assert.deepEqual([result.properties.reaches_zero!.status, result.properties.reaches_zero!.prefixLength], [
    "violated",
    2,
  ]);
  assert.equal(result.properties.reaches_two!.status, "holds");
});

Deno.test("random models: lassos check out, and stronger fairness never turns holds into violated", () => {
  const order: Fairness[] = ["none", "weak", "strong"];
  let models = 0, properties = 0, changed = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const { model, params } = randomLivenessCase(seed, seed % 4 === 3 ? 0 : 1);
    const generated = check(model, params);
    const uniform = order.map((f) => check(model, params, { fairness: () => f }));
    for (const name of Object.keys(generated.properties)) {
      properties++;
      const [none, weak, strong] = uniform.map((r) => r.properties[name]!);
      if (none!.status === "holds") assert.equal(weak!.status, "holds", `seed ${seed} ${name}`);
      if (weak!.status === "holds") assert.equal(strong!.status, "holds", `seed ${seed} ${name}`);
      // Fewer fair behaviours, fewer violating lassos: the shortest prefix can only grow.
      if (strong!.status === "violated") {
        assert.ok(weak!.prefixLength! <= strong!.prefixLength!, `seed ${seed}`);
      }
      if (weak!.status === "violated") assert.ok(none!.prefixLength! <= weak!.prefixLength!, `seed ${seed}`);
      if (none!.status !== strong!.status) changed++;
    }
    models++;
  }
  console.log(
    `naive liveness: ${models} random models, ${properties} properties, ${changed} decided by fairness`,
  );
  assert.ok(changed > 10);
});
