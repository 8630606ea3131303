import type { ScenarioStep, ScenarioStepType } from "../../shared/scenario/schema.js";

/**
 * What a scenario run reports (docs/scenarios.md, "Results"): plain JSON, so the page can render it, a script
 * can print it and the scripting route can send it. Times are `Date.now()` milliseconds, the clock the
 * timeline's entries use, so a view can mark where each step happened.
 */

/** What an expectation saw: a sentence, and the frame, log entry or status itself. */
export interface Evidence {
  summary: string;
  /** What was seen (on a pass), or what came instead (on a fail), as JSON. */
  data?: unknown;
}

export interface ExpectationResult {
  /** The step's index in the scenario. */
  index: number;
  name?: string;
  type: ScenarioStepType;
  passed: boolean;
  evidence: Evidence;
  startedAt: number;
  at: number;
}

export interface StepResult {
  index: number;
  name?: string;
  type: ScenarioStepType;
  /** An action did what it says, or an expectation passed. */
  ok: boolean;
  /** Why an action failed (an expectation's reason is in its evidence). */
  error?: string;
  /** For an expectation step (or a waitFor), its result. */
  expectation?: ExpectationResult;
  startedAt: number;
  endedAt: number;
}

/** idle: not set up; ready: set up, no step run; paused: stopped between steps; done: every step ran. */
export type RunnerState = "idle" | "setting-up" | "ready" | "running" | "paused" | "done" | "failed";

export interface ScenarioReport {
  title: string;
  lesson: string;
  state: RunnerState;
  /** Set-up failed or the run hit its deadline: what happened. */
  error?: string;
  steps: StepResult[];
  /** Every expectation step's result, in order (waitFor steps are steps, not expectations). */
  results: ExpectationResult[];
  passed: number;
  failed: number;
  startedAt?: number;
  endedAt?: number;
}

export type ScenarioEvent =
  | { type: "state"; at: number; state: RunnerState }
  | { type: "setup-started"; at: number }
  | { type: "setup-done"; at: number; ok: boolean; error?: string }
  | { type: "step-started"; at: number; index: number; step: ScenarioStep }
  | { type: "expectation"; at: number; index: number; step: ScenarioStep; result: ExpectationResult }
  | { type: "step-done"; at: number; index: number; step: ScenarioStep; result: StepResult }
  | { type: "finished"; at: number; report: ScenarioReport };
