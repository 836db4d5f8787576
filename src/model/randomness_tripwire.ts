/**
 * Math.random in model code, caught where it is called. A guard, effect or property that draws a random
 * number makes the search's verdict a draw too: with `always("coin", () => Math.random() < 0.9)` on a
 * small model, the sampling that compares two evaluations of the same state misses the difference often
 * enough for a wrong "holds". While the engine runs model code, Math.random throws instead, naming the
 * line; called by anything else (the engine never calls it; a program using the library between checks),
 * it is the original.
 *
 * @module
 */

import { isEngineModule, stackFrames } from "./model_failure.ts";

/** Model code called Math.random: the search cannot say anything about such a model. */
export class RandomnessError extends Error {
  constructor() {
    super(
      "it called Math.random(): guards, effects, properties and terminal must depend only on the state and " +
        "the parameters, or the search's verdict is a draw (model a choice as an action parameter instead)",
    );
    this.name = "RandomnessError";
  }
}

const original = Math.random;

/** Math.random as the engine leaves it: throws when its caller is code the engine runs. */
function tripwire(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40; // deep enough to see the engine below the model code
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  const frames = stackFrames(stack);
  // frames[0] is this function; frames[1] its caller.
  const caller = frames[1];
  if (
    caller !== undefined && !isEngineModule(caller.url) && frames.slice(2).some((f) => isEngineModule(f.url))
  ) {
    throw new RandomnessError();
  }
  return original();
}

/** Puts the tripwire in place (again, if a load watcher put its own wrapper there meanwhile). */
export function installRandomnessTripwire(): void {
  if (Math.random !== tripwire) Math.random = tripwire;
}
