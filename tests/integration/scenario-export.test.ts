import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleScript } from "../../src/client/scenario/export/assemble.js";
import type { ScenarioReport } from "../../src/client/scenario/scenario-events.js";
import { exportBundle } from "../../src/server/scenario-export/export-bundles.js";
import type { Scenario } from "../../src/shared/scenario/schema.js";
import { readScenario, shippedScenarioFiles } from "../support/scenarios.js";

/** How long one exported script may run (a scenario is capped at 120 s; the shipped ones take seconds). */
const SCRIPT_TIMEOUT_MS = 60_000;

let dir: string;
let runner: string;
const lessons = new Map<string, string>();

beforeAll(async () => {
  // Inside the project, so the script's `socket.io` and `socket.io-client` resolve from node_modules.
  mkdirSync("node_modules/.cache", { recursive: true });
  dir = mkdtempSync(resolve("node_modules/.cache", "scenario-export-"));
  runner = await exportBundle("runner.js");
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function script(scenario: Scenario): Promise<string> {
  let lesson = lessons.get(scenario.lesson);
  if (lesson === undefined) lessons.set(scenario.lesson, (lesson = await exportBundle(`lesson-${scenario.lesson}.js`)));
  return assembleScript(scenario, { runner, lesson });
}

function run(file: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { timeout: SCRIPT_TIMEOUT_MS, cwd: dir }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("an exported scenario script", () => {
  it("imports only socket.io, socket.io-client and Node's built-ins", async () => {
    const text = await script(readScenario(shippedScenarioFiles()[0]!.path));
    const imported = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]!);
    const packages = new Set(imported.filter((name) => !name.startsWith("node:")));
    expect([...packages].sort()).toEqual(["socket.io", "socket.io-client"]);
  });

  for (const { lesson, file, path } of shippedScenarioFiles()) {
    it(
      `${lesson}/${file}: runs under node with plain socket.io and gets the results the scenario records`,
      async () => {
        const scenario = readScenario(path);
        const target = join(dir, `${lesson}-${file.replace(/\.json$/, "")}.mjs`);
        writeFileSync(target, await script(scenario));
        const { code, stdout, stderr } = await run(target, ["--json"]);
        let report: ScenarioReport;
        try {
          report = JSON.parse(stdout) as ScenarioReport;
        } catch {
          throw new Error(`The script printed no report (exit ${code}):\n${stdout}\n${stderr}`);
        }
        const summary = report.results.map(
          (result) => `${result.index + 1}: ${result.passed ? "passed" : "failed"} ${result.evidence.summary}`,
        );
        const errors = report.steps.filter((step) => !step.ok && !step.expectation).map((step) => `${step.index + 1}: ${step.error}`);
        // Every shipped scenario states what the lab does: each expectation passes there (scenario-runner.test.ts).
        expect({ state: report.state, error: report.error, errors, failed: summary.filter((line) => line.includes(": failed")) }).toEqual({
          state: "done",
          error: undefined,
          errors: [],
          failed: [],
        });
        expect(report.results.length).toBe(scenario.steps.filter((step) => step.type.startsWith("expect")).length);
        expect(code).toBe(0);
      },
      SCRIPT_TIMEOUT_MS + 10_000,
    );
  }
});
