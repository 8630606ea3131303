import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioReport } from "../../src/client/scenario/scenario-events.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { HOST_BUNDLE, SCENARIO_CLI_SOURCE } from "../../scripts/host-bundle.mjs";
import { startServer } from "../support/server.js";

// docs/scenarios.md's example, run the way the doc says: the script `npm run scenario` runs, bundled as the
// build bundles it, against a running playground, its report read as JSON.

let running: RunningPlayground;
let folder: string;
let cli: string;
beforeAll(async () => {
  running = await startServer();
  // Inside the project: the bundle imports its packages from node_modules.
  mkdirSync("node_modules/.cache", { recursive: true });
  folder = mkdtempSync(join("node_modules/.cache", "scenario-cli-"));
  cli = join(folder, "run-scenario.mjs");
  await build({ ...HOST_BUNDLE, entryPoints: [SCENARIO_CLI_SOURCE], outfile: cli });
}, 60_000);
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await running.close();
});

/** The scenario right after the doc's example marker. */
function docExample(): string {
  const doc = readFileSync("docs/scenarios.md", "utf8");
  const match = /<!-- example:[^>]*-->\s*```json\n([\s\S]*?)```/.exec(doc);
  if (!match?.[1]) throw new Error("docs/scenarios.md has no example scenario");
  return match[1];
}

function runCli(file: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, file, "--origin", running.origin, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("running a scenario from a script", () => {
  it("runs the example of docs/scenarios.md against the host and prints a JSON report where every expectation passed", async () => {
    const file = join(folder, "drop.json");
    writeFileSync(file, docExample());
    const { code, stdout, stderr } = await runCli(file);
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as ScenarioReport;
    expect(report.steps.filter((step) => !step.ok)).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ state: "done", title: "Alice drops and comes back", passed: 5, failed: 0 });
    expect(report.results.map((result) => result.evidence.summary)).toEqual([
      expect.stringMatching(
        /^Alice receives "message" with \[\{"text":"first"\}\]: 42\["message",\{"id":\d+,"from":"Bob","text":"first"\},"[^"]+"\]$/,
      ),
      expect.stringMatching(/^Alice is disconnected \(transport close/),
      expect.stringMatching(/^Alice is connected \(websocket, recovered, id \S+\)\.$/),
      expect.stringMatching(/^Alice kept the socket id \S+\.$/),
      expect.stringMatching(/^Alice receives "message" with \[\{"text":"missed"\}\]: /),
    ]);
  }, 60_000);

  it("with --events, prints each event as a JSON line before the report, and exits 1 when an expectation fails", async () => {
    const scenario = JSON.parse(docExample()) as { steps: unknown[] };
    scenario.steps.push({ type: "expectReceived", client: "Bob", event: "nothing", timeoutMs: 200 });
    const file = join(folder, "failing.json");
    writeFileSync(file, JSON.stringify(scenario));
    const { code, stdout } = await runCli(file, "--events");
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type?: string; state?: string });
    expect(lines[0]).toMatchObject({ type: "state", state: "setting-up" });
    expect(lines.filter((line) => line.type === "step-done")).toHaveLength(9);
    expect(lines.at(-1)).toMatchObject({ state: "done", passed: 5, failed: 1 });
    expect(code).toBe(1);
  }, 60_000);

  it("refuses an invalid scenario, or one from a newer version, with a clear message and exit code 2", async () => {
    const file = join(folder, "newer.json");
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(docExample()) as object), version: 2 }));
    expect(await runCli(file)).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "This scenario was made by a newer version of the playground (format 2); this one reads format 1.\n",
    });
    writeFileSync(file, '{"version":1,"lesson":"emit"}');
    expect(await runCli(file)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Not a valid scenario: title: /) });
  }, 60_000);
});
