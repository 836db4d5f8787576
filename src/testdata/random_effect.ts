/** A model file whose effect calls Math.random() (see trace_models.ts). */
export { randomEffect as default } from "./trace_models.ts";
