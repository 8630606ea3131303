import type { Scenario } from "../../../shared/scenario/schema.js";
import { assembleScript, lessonUrl, runnerUrl } from "./assemble.js";

export { bugReport, type BugReportInput } from "./bug-report.js";

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The site could not give ${url} (${response.status}).`);
  return response.text();
}

/**
 * "Export as a script": one standalone Node file that plays the scenario on a plain Socket.IO server
 * (docs/scenarios.md, "Export"). Its parts are fetched only now, so none of them weigh on the page.
 */
export async function scenarioScript(scenario: Scenario): Promise<string> {
  const [runner, lesson] = await Promise.all([text(runnerUrl()), text(lessonUrl(scenario.lesson))]);
  return assembleScript(scenario, { runner, lesson });
}
