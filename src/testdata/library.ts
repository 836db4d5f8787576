// The model library and gates of this repository, as the program's entry hands them to the command
// line: for tests that run the command line in their own process.
import { gates } from "../../checks/mod.ts";
import { models } from "../../models/mod.ts";
import type { Library } from "../check/library.ts";

export const library: Library = {
  models,
  gates,
  modelsModule: new URL("../../models/mod.ts", import.meta.url).href,
};

/** A library of the given models alone (no gates), for tests of one model. */
export function libraryOf(own: ReadonlyMap<string, unknown>): Library {
  return {
    models: own as Library["models"],
    gates: [],
    modelsModule: "data:text/javascript,export const models = new Map();",
  };
}
