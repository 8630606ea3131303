import type { Scenario } from "../../../../shared/scenario/schema.js";
import { LabSession } from "../../../lab-session.js";
import { ScenarioRunner } from "../../scenario-runner.js";
import { ExportLab, type LearnerCode, type LessonModule } from "./export-lab.js";
import { printReport, timelineLines } from "./print-report.js";

/** Put in front of this bundle by the exported file (src/client/scenario/export/assemble.ts). */
declare const __PLAYGROUND_EXPORT__: { scenario: Scenario; lesson: LessonModule; learner?: LearnerCode[] };

/**
 * An exported script's runner: the playground's own ScenarioRunner, LabSession and virtual clients (a real
 * socket.io-client each), on a lab made in this process (export-lab.ts). Prints one line per expectation,
 * or JSON with --json (and the timeline with --timeline), and exits 0 when every expectation passed.
 */
async function main(): Promise<number> {
  const { scenario, lesson, learner = [] } = __PLAYGROUND_EXPORT__;
  const json = process.argv.includes("--json");
  const lab = new ExportLab(scenario, lesson, learner);
  if (learner.length) {
    // The sandbox catches what a handler of the learner's throws, logs it, and the lab carries on: so here.
    process.on("uncaughtException", (error) =>
      lab.log.add({ at: Date.now(), kind: "log", message: `error in your server code: ${error.name}: ${error.message}` }),
    );
  }
  const origin = await lab.listen();
  const session = new LabSession(lab.info(), origin);
  const runner = new ScenarioRunner(scenario, { session, control: lab.control() });
  let report;
  let timeline: string[];
  try {
    report = await runner.play();
    timeline = timelineLines(session.timeline.entries);
  } finally {
    runner.dispose();
    session.close();
    await lab.close().catch(() => undefined);
  }
  printReport(report, {
    json,
    timeline: process.argv.includes("--timeline") ? timeline : undefined,
    write: (text) => process.stdout.write(text),
  });
  return report.state === "done" && report.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
