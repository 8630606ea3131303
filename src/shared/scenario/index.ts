export { SCENARIO_VERSION } from "./version.js";
export { SCENARIO_LIMITS } from "./limits.js";
export * from "./schema.js";
