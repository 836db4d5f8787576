/** A model file whose effect writes a value outside its domain at depth 2 (see trace_models.ts). */
export { lateOutOfRange as default } from "./trace_models.ts";
