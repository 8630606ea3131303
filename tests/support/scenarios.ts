import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openLab } from "../../src/client/lab-api.js";
import { createLabControl } from "../../src/client/lab-control.js";
import { LabSession } from "../../src/client/lab-session.js";
import { ScenarioRunner } from "../../src/client/scenario/scenario-runner.js";
import type { ScenarioEvent, ScenarioReport } from "../../src/client/scenario/scenario-events.js";
import { parseScenario, type Scenario } from "../../src/shared/scenario/schema.js";
import { newLearner } from "./server.js";

/** Every shipped scenario file: `src/lessons/<slug>/scenarios/*.json`. */
export function shippedScenarioFiles(): { lesson: string; file: string; path: string }[] {
  const root = "src/lessons";
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap(({ name: lesson }) => {
      const folder = join(root, lesson, "scenarios");
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((file) => file.endsWith(".json"))
        .sort()
        .map((file) => ({ lesson, file, path: join(folder, file) }));
    });
}

export function readScenario(path: string): Scenario {
  const parsed = parseScenario(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error}`);
  return parsed.scenario;
}

/** Runs a scenario on a fresh lab of its lesson, the way a script would: resolves with the report and every event. */
export async function runScenario(origin: string, scenario: Scenario): Promise<{ report: ScenarioReport; events: ScenarioEvent[] }> {
  const session = new LabSession(await openLab(scenario.lesson, newLearner(), origin), origin);
  const runner = new ScenarioRunner(scenario, { session, control: createLabControl(origin) });
  const events: ScenarioEvent[] = [];
  runner.on((event) => events.push(event));
  try {
    return { report: await runner.play(), events };
  } finally {
    runner.dispose();
    session.close();
  }
}

/** A report in a line per step, for a failing test's message. */
export function describeReport(report: ScenarioReport): string {
  return [
    `${report.title}: ${report.state}${report.error ? ` (${report.error})` : ""}`,
    ...report.steps.map(
      (step) =>
        `  ${step.index + 1}. ${step.type}${step.name ? ` "${step.name}"` : ""}: ${step.ok ? "ok" : "FAILED"}${
          step.error ? `: ${step.error}` : ""
        }${step.expectation ? ` (${step.expectation.evidence.summary})` : ""}`,
    ),
  ].join("\n");
}
