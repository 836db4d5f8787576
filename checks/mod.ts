/**
 * Every proof gate, in the order `deno task check` runs them.
 *
 * @module
 */

import type { Gate } from "../src/gate.ts";
import pageOwnership from "./page_ownership.ts";

/** All gates. */
export const gates: readonly Gate[] = [...pageOwnership];
