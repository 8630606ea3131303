import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { describeReport, readScenario, runScenario } from "../support/scenarios.js";
import { startServer } from "../support/server.js";

// Steps wait for what they name (a real disconnect, a reconnect, an event), not for a clock, so a slow
// machine changes how long a run takes and never its results. A busy loop in another process takes a core
// for the whole test, and a timing-sensitive scenario (drops, reconnection delays, recovery) replays 20 times.

const RUNS = 20;
const SCENARIO = "src/lessons/recovery/scenarios/manual-disconnect-is-not-recovered.json";

let running: RunningPlayground;
let hog: ChildProcess | undefined;
beforeAll(async () => {
  running = await startServer();
  // Bounded: it ends with the test, and by itself after 90 s whatever happens to this process.
  hog = spawn(process.execPath, ["-e", "const end = Date.now() + 90_000; while (Date.now() < end);"], { stdio: "ignore" });
});
afterAll(async () => {
  hog?.kill();
  await running.close();
});

describe("a scenario under a CPU hog", () => {
  it(`gets the same expectation results in each of ${RUNS} replays`, async () => {
    const scenario = readScenario(SCENARIO);
    const outcomes: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { report } = await runScenario(running.origin, scenario);
      const outcome = JSON.stringify(report.steps.map((step) => [step.index, step.ok]));
      if (outcomes.length && outcome !== outcomes[0]) throw new Error(`run ${run + 1} differs:\n${describeReport(report)}`);
      outcomes.push(outcome);
      expect(report.failed, describeReport(report)).toBe(0);
    }
    expect(hog?.exitCode).toBeNull();
    expect(new Set(outcomes).size).toBe(1);
  }, 90_000);
});
