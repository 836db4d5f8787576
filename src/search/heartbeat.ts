/**
 * Signs of life from a search running in a least-privilege child process (src/cli/sandbox.ts), for the
 * watchdog in the parent: a guard that loops forever blocks the child's thread, so neither its timers
 * nor its signal handlers run, and only the parent can stop it. The child writes single control bytes
 * on stderr, which the parent strips from what it relays: one when the child is about to run model code
 * (its start-up, Deno loading hvcheck, is over), a heartbeat when the model has loaded and whenever a
 * phase of the search or a piece of a checkpoint is done, one byte when the search has returned, and
 * one when the command has its exit code. Outside such a child (the default), every function here does
 * nothing.
 *
 * @module
 */

/** Control bytes on the child's stderr. */
export const SIGNAL = { started: 0x1c, heartbeat: 0x1e, searchDone: 0x1d, exitCode: 0x1f } as const;

let enabled = false;
let lastBeat = 0;

/** Turns the signals on (called once, in the child). */
export function enableHeartbeat(): void {
  enabled = true;
}

function send(byte: number): void {
  try {
    Deno.stderr.writeSync(new Uint8Array([byte]));
  } catch {
    // the parent is gone: nothing to tell
  }
}

/** The child is about to load the model: the watchdog's limits count from here. */
export function started(): void {
  if (enabled) send(SIGNAL.started);
}

/** The search made progress (rate-limited to a few a second). */
export function heartbeat(): void {
  if (!enabled) return;
  const now = Date.now();
  if (now - lastBeat < 200) return;
  lastBeat = now;
  send(SIGNAL.heartbeat);
}

/** The search returned: what follows (traces, the report) runs no model code that can hang. */
export function searchDone(): void {
  if (enabled) send(SIGNAL.searchDone);
}

/** The command returned its exit code normally (the process exit code can then be believed). */
export function exitCodeReady(): void {
  if (enabled) send(SIGNAL.exitCode);
}
