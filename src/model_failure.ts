/**
 * How a throw in model code reaches the user: as bad input naming the model, where it happened and at
 * what depth, never as a stack trace.
 *
 * @module
 */

import { InputError } from "./errors.ts";
import type { ModelInstance } from "./model.ts";
import { StateValueError } from "./state_view.ts";

/** Turns a throw in model code (or a value outside a domain) into a one-paragraph InputError. */
export function modelFailure(
  instance: ModelInstance,
  where: string,
  depth: number,
  error: unknown,
): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof StateValueError
    ? `set a value outside its domain: ${error.message}`
    : `threw ${(error as Error)?.name ?? "an error"}: ${(error as Error)?.message ?? String(error)}`;
  return new InputError(`Model ${instance.name}, ${where} at depth ${depth}, ${message}.`, { cause: error });
}
