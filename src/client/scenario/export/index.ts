import type { Scenario } from "../../../shared/scenario/schema.js";
import { assembleScript, lessonUrl, runnerUrl, type CompiledCode } from "./assemble.js";
import { scenarioServerCodes } from "./server-codes.js";

export { bugReport, type BugReportInput } from "./bug-report.js";

/** The host's route that compiles learner server code for a script (src/server/scenario-export/compile-route.ts). */
export const COMPILE_URL = "/api/scenario-export/compile";

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The site could not give ${url} (${response.status}).`);
  return response.text();
}

/** The learner's TypeScript compiled by the host, with the compiler its sandbox uses. */
async function compile(origin: string, lesson: string, source: string): Promise<CompiledCode> {
  const response = await fetch(`${origin}${COMPILE_URL}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lesson, code: source }),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    js?: string;
    error?: { message?: string };
    errors?: { line: number; column: number; message: string }[];
  };
  if (!response.ok || typeof answer.js !== "string") {
    const first = answer.errors?.[0];
    const where = first ? ` (server.ts:${first.line}:${first.column}: ${first.message})` : "";
    throw new Error(`${answer.error?.message ?? `The site could not compile the server code (${response.status}).`}${where}`);
  }
  return { source, js: answer.js };
}

/**
 * "Export as a script": one standalone Node file that plays the scenario on a plain Socket.IO server
 * (docs/scenarios.md, "Export"). Its parts are fetched only now, so none of them weigh on the page; the
 * learner's server code, if the scenario has some, is compiled by the host now. `origin` is the site's
 * ("" on the page itself).
 */
export async function scenarioScript(scenario: Scenario, origin = ""): Promise<string> {
  const [runner, lesson, learner] = await Promise.all([
    text(`${origin}${runnerUrl()}`),
    text(`${origin}${lessonUrl(scenario.lesson)}`),
    Promise.all(scenarioServerCodes(scenario).map((source) => compile(origin, scenario.lesson, source))),
  ]);
  return assembleScript(scenario, { runner, lesson, learner });
}
