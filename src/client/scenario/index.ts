export { ScenarioRunner, type ScenarioRunnerOptions } from "./scenario-runner.js";
export type { Evidence, ExpectationResult, RunnerState, ScenarioEvent, ScenarioReport, StepResult } from "./scenario-events.js";
