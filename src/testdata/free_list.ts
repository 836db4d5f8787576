/** A model file whose assertion fails in an effect (see trace_models.ts). */
export { freeList as default } from "./trace_models.ts";
