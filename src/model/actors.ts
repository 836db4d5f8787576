/**
 * Who takes each action of a model instance, by action label: the lanes of sequence diagrams.
 *
 * @module
 */

import type { ModelInstance } from "./model.ts";
import { type ActionLabel, formatAction } from "./properties.ts";

/** A lookup from an action label to its instance's actor (`kernel` for a label the model lacks). */
export function actorsOf(instance: ModelInstance): (label: ActionLabel) => string {
  const byText = new Map(instance.actions.map((a) => [a.text, a.actor]));
  return (label) => byText.get(formatAction(label)) ?? "kernel";
}
