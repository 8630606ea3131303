import type { Scenario, ScenarioStep } from "../../../shared/scenario/schema.js";
import type { ExpectationResult, ScenarioReport } from "../scenario-events.js";
import { VERSIONS } from "./versions.js";

/** At most this many timeline lines go in a report: an excerpt, not the whole run. */
export const BUG_REPORT_TIMELINE_LINES = 60;

export interface BugReportInput {
  scenario: Scenario;
  report: ScenarioReport;
  /** The timeline as text, one line per entry, oldest first (the view's own rendering). */
  timeline: string[];
}

/** A table cell: no pipe or newline may break the row. */
const cell = (text: string) => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
/** An inline code span that survives backticks in the text. */
const code = (text: string) => {
  const fence = "`".repeat((text.match(/`+/g) ?? []).reduce((most, run) => Math.max(most, run.length), 0) + 1);
  return `${fence}${fence.length > 1 ? " " : ""}${text}${fence.length > 1 ? " " : ""}${fence}`;
};
/** A fenced block whose fence is longer than any run of backticks inside. */
const block = (lang: string, text: string) => {
  const longest = (text.match(/`{3,}/g) ?? []).reduce((most, run) => Math.max(most, run.length), 2);
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
};

/** One step in a sentence: what it does, without the noise of its JSON. */
export function describeStep(step: ScenarioStep): string {
  const { type, name: _name, ...rest } = step;
  const fields = Object.entries(rest)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(", ");
  return `${type}${fields ? ` (${fields})` : ""}`;
}

function resultLine(result: ExpectationResult | undefined): string {
  if (!result) return "not run";
  return `**${result.passed ? "passed" : "failed"}**: ${cell(result.evidence.summary)}`;
}

/**
 * "Copy as a bug report": Markdown a maintainer can read without the playground, with the versions, the
 * options, every step with its result, and what the timeline showed. Pure: the view passes what it has.
 */
export function bugReport({ scenario, report, timeline }: BugReportInput): string {
  const lines: string[] = [];
  lines.push(`## ${scenario.title}`, "");
  if (scenario.description) lines.push(scenario.description, "");
  lines.push(
    `Reproduced on the Socket.IO Playground (lesson "${scenario.lesson}"): ${report.passed} of ${report.results.length} expectations passed${
      report.failed ? `, ${report.failed} failed` : ""
    }${report.error ? `; the run stopped: ${report.error}` : ""}.`,
    "",
  );

  lines.push("### Versions", "", "| Package | Version |", "| --- | --- |");
  lines.push(`| socket.io | ${VERSIONS.socketIo} |`, `| socket.io-client | ${VERSIONS.socketIoClient} |`);
  lines.push(`| Node.js (the playground's host) | ${cell(VERSIONS.node)} |`, `| Socket.IO Playground | ${VERSIONS.site} |`, "");

  lines.push("### Options", "");
  const server = scenario.server ?? {};
  const { code: serverCode, ...serverOptions } = server;
  lines.push(
    `- Server: ${Object.keys(serverOptions).length ? code(JSON.stringify(serverOptions)) : "the lesson's defaults"}${
      serverCode === undefined ? "" : " and the learner's server code below"
    }`,
  );
  for (const client of scenario.clients) {
    const parts = [
      `transport ${client.transport ?? "default"}`,
      ...(client.options && Object.keys(client.options).length ? [`options ${code(JSON.stringify(client.options))}`] : []),
      ...(client.node ? [`node ${client.node}`] : []),
      ...(client.connect === false ? ["connects at a step"] : []),
    ];
    lines.push(`- Client ${client.name}: ${parts.join(", ")}`);
  }
  lines.push("");
  if (serverCode !== undefined) lines.push("Server code:", "", block("js", serverCode), "");

  lines.push("### Steps, expectations and results", "", "| # | Step | Result |", "| --- | --- | --- |");
  const byIndex = new Map(report.steps.map((step) => [step.index, step]));
  scenario.steps.forEach((step, index) => {
    const done = byIndex.get(index);
    const what = `${step.name ? `${step.name}: ` : ""}${code(describeStep(step))}`;
    let result: string;
    if (step.type.startsWith("expect")) result = resultLine(done?.expectation);
    else if (!done) result = "not run";
    else if (!done.ok) result = `**error**: ${cell(done.error ?? done.expectation?.evidence.summary ?? "failed")}`;
    else result = done.expectation ? `done: ${cell(done.expectation.evidence.summary)}` : "done";
    lines.push(`| ${index + 1} | ${cell(what)} | ${result} |`);
  });
  lines.push("");

  lines.push("### Timeline excerpt", "");
  if (timeline.length === 0) lines.push("(The timeline was empty.)");
  else {
    const excerpt = timeline.slice(-BUG_REPORT_TIMELINE_LINES);
    const cut = timeline.length - excerpt.length;
    if (cut > 0) lines.push(`The last ${excerpt.length} of ${timeline.length} entries:`, "");
    lines.push(block("text", excerpt.join("\n")));
  }
  lines.push(
    "",
    "### The scenario",
    "",
    "<details><summary>Scenario JSON</summary>",
    "",
    block("json", JSON.stringify(scenario, null, 2)),
    "",
    "</details>",
    "",
  );
  return lines.join("\n");
}
