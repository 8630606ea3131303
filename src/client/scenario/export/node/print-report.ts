import type { TimelineEntry } from "../../../timeline/timeline.js";
import type { ScenarioReport } from "../../scenario-events.js";

/** The timeline as text, without heartbeats and the page's bookkeeping: what a bug report's excerpt shows. */
export function timelineLines(entries: readonly TimelineEntry[]): string[] {
  const arrow = { "to-server": "→", "to-client": "←", none: "·" } as const;
  return entries
    .filter((entry) => !entry.heartbeat && entry.page === undefined)
    .map((entry) => `${new Date(entry.at).toISOString().slice(11, 23)} ${entry.lane} ${arrow[entry.direction]} ${entry.summary}`);
}

/** One line per expectation, as the test and a reader parse it: `passed` or `failed`, its step and evidence. */
export function reportLines(report: ScenarioReport): string[] {
  const lines = [`Scenario: ${report.title} (lesson ${report.lesson})`];
  for (const result of report.results) {
    lines.push(
      `${result.passed ? "passed" : "failed"}  step ${result.index + 1}${result.name ? ` "${result.name}"` : ""}: ${result.evidence.summary}`,
    );
  }
  for (const step of report.steps) {
    if (!step.ok && !step.expectation) lines.push(`error   step ${step.index + 1} (${step.type}): ${step.error ?? "failed"}`);
  }
  if (report.error) lines.push(`error   ${report.error}`);
  lines.push(`${report.passed} passed, ${report.failed} failed${report.state === "done" ? "" : ` (the run ${report.state})`}`);
  return lines;
}

export function printReport(
  report: ScenarioReport,
  { json, timeline, write }: { json: boolean; timeline: string[] | undefined; write: (text: string) => void },
): void {
  if (json) return write(`${JSON.stringify(timeline ? { ...report, timeline } : report, null, 2)}\n`);
  write(`${[...(timeline ? ["Timeline:", ...timeline, ""] : []), ...reportLines(report)].join("\n")}\n`);
}
