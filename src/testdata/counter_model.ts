// The engine's test counter as a model file, for the command line's replay tests.
export { counter as default } from "./test_models.ts";
