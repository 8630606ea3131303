import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { describeReport, readScenario, runScenario, shippedScenarioFiles } from "../support/scenarios.js";
import { startServer } from "../support/server.js";

// Every shipped scenario is a claim the course makes: each runs on a fresh real lab of its lesson, and every
// one of its steps (actions and expectations) must pass.

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

describe("the shipped scenarios, each on a real lab", () => {
  it.each(shippedScenarioFiles().map(({ path }) => [path]))(
    "%s: every step passes",
    async (path) => {
      const { report } = await runScenario(running.origin, readScenario(path));
      expect(report.state, describeReport(report)).toBe("done");
      expect(
        report.steps.filter((step) => !step.ok),
        describeReport(report),
      ).toEqual([]);
      expect(report.results.length).toBeGreaterThan(0);
    },
    60_000,
  );
});
