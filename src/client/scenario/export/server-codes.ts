import type { Scenario } from "../../../shared/scenario/schema.js";

/**
 * Every learner server code a scenario runs, once each, in order: its setup's, then each `runServerCode`
 * step's. An exported script carries each compiled, and plays them where the lab would run them.
 */
export function scenarioServerCodes(scenario: Scenario): string[] {
  const codes = [scenario.server?.code, ...scenario.steps.map((step) => (step.type === "runServerCode" ? step.code : undefined))];
  return [...new Set(codes.filter((code): code is string => code !== undefined))];
}
