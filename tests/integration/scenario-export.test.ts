import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleScript, type CompiledCode } from "../../src/client/scenario/export/assemble.js";
import { COMPILE_URL } from "../../src/client/scenario/export/index.js";
import { EXPORT_UNSUPPORTED, LEARNER_CODE_DIFFERENCES } from "../../src/client/scenario/export/unsupported.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { defaultSandboxLimits } from "../../src/server/sandbox/sandbox-limits.js";
import type { ScenarioReport } from "../../src/client/scenario/scenario-events.js";
import { EXPORT_FILES, exportBundle } from "../../src/server/scenario-export/export-bundles.js";
import type { Scenario } from "../../src/shared/scenario/schema.js";
import { describeReport, readScenario, runScenario, shippedScenarioFiles } from "../support/scenarios.js";
import { startServer } from "../support/server.js";

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

async function script(scenario: Scenario, learner?: CompiledCode[]): Promise<string> {
  let lesson = lessons.get(scenario.lesson);
  if (lesson === undefined) lessons.set(scenario.lesson, (lesson = await exportBundle(`lesson-${scenario.lesson}.js`)));
  return assembleScript(scenario, { runner, lesson, learner });
}

function reportOf(run: { code: number; stdout: string; stderr: string }): ScenarioReport {
  try {
    return JSON.parse(run.stdout) as ScenarioReport;
  } catch {
    throw new Error(`The script printed no report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

function run(file: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { timeout: SCRIPT_TIMEOUT_MS, cwd: dir }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The packages a module imports or requires, Node's built-ins left out. */
function packagesOf(text: string): string[] {
  const imported = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]!);
  return [...new Set(imported.filter((name) => !name.startsWith("node:")))].sort();
}

describe("an exported scenario script", () => {
  it("imports only socket.io, socket.io-client and Node's built-ins", async () => {
    const text = await script(readScenario(shippedScenarioFiles()[0]!.path));
    expect(packagesOf(text)).toEqual(["socket.io", "socket.io-client"]);
  });

  // The site's build serves the same parts (src/pages/scenario-export/[file].ts); npm test builds first.
  it.runIf(existsSync("dist/client/scenario-export"))("has every part served by the site's build", () => {
    for (const file of EXPORT_FILES) expect(existsSync(join("dist/client/scenario-export", file)), file).toBe(true);
    expect(packagesOf(readFileSync("dist/client/scenario-export/runner.js", "utf8"))).toEqual(["socket.io", "socket.io-client"]);
  });

  for (const { lesson, file, path } of shippedScenarioFiles().filter(({ lesson }) => !(lesson in EXPORT_UNSUPPORTED))) {
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

/**
 * Learner server code that behaves visibly unlike the Emit lesson's (which passes every event on to the
 * others): `add` acks the sum and is passed on to nobody, `shout` goes back to everyone, the sender too, a
 * counter shows each server start loads the code afresh, and its pingInterval is clamped as the lab does.
 */
const LEARNER_CODE = `import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";

export const options = { pingInterval: 100 };

export default (io: Server, { log }: LabContext) => {
  let calls = 0;
  io.on("connection", (socket) => {
    socket.on("add", (a: number, b: number, ack: (sum: number) => void) => {
      calls += 1;
      console.log("add", calls, { a, b });
      ack(a + b);
    });
    socket.on("shout", (text: string) => io.emit("shouted", text.toUpperCase()));
  });
  log("learner code started");
};
`;

const BACK_TO_LESSON = `export default (io: import("socket.io").Server) => {
  io.on("connection", (socket) => socket.on("add", (a: number, b: number, ack: (sum: number) => void) => ack(a * b)));
};
`;

const learnerScenario: Scenario = {
  version: 1,
  lesson: "emit",
  title: "Learner code: add acks the sum",
  server: { code: LEARNER_CODE },
  clients: [
    { name: "Alice", transport: "websocket" },
    { name: "Bob", transport: "websocket" },
  ],
  steps: [
    { type: "expectServerLog", kind: "log", includes: "pingInterval 100 is outside the lab's range" },
    { type: "expectServerLog", kind: "log", includes: "learner code started" },
    { type: "emit", client: "Alice", event: "add", args: [2, 3], ack: {}, id: "sum" },
    { type: "expectAck", emit: "sum", outcome: "answered", args: [5] },
    { type: "expectServerLog", kind: "log", includes: 'add 1 {"a":2,"b":3}' },
    { type: "expectReceived", client: "Bob", event: "add", count: 0, timeoutMs: 300 },
    { type: "emit", client: "Alice", event: "shout", args: ["hi"] },
    { type: "expectReceived", client: "Alice", event: "shouted", args: ["HI"] },
    { type: "expectReceived", client: "Bob", event: "shouted", args: ["HI"] },
    { type: "restartServer" },
    { type: "expectSocketId", client: "Alice", same: false, timeoutMs: 10_000 },
    { type: "emit", client: "Alice", event: "add", args: [1, 1], ack: {}, id: "again" },
    { type: "expectAck", emit: "again", outcome: "answered", args: [2] },
    { type: "expectServerLog", kind: "log", includes: 'add 1 {"a":1,"b":1}' },
    { type: "runServerCode", code: BACK_TO_LESSON },
    { type: "expectSocketId", client: "Alice", same: false, timeoutMs: 10_000 },
    { type: "emit", client: "Alice", event: "add", args: [3, 4], ack: {}, id: "product" },
    { type: "expectAck", emit: "product", outcome: "answered", args: [12] },
    { type: "restoreLessonCode" },
    { type: "expectSocketId", client: "Alice", same: false, timeoutMs: 10_000 },
    { type: "emit", client: "Alice", event: "add", args: [3, 4], ack: {}, id: "lesson" },
    { type: "expectAck", emit: "lesson", outcome: "answered", args: [{ status: "ok" }] },
  ],
};

describe("an exported scenario with the learner's server code", () => {
  let host: RunningPlayground;
  beforeAll(async () => {
    host = await startServer();
  });
  afterAll(() => host?.close());

  const compile = (body: unknown, raw?: string) =>
    fetch(`${host.origin}${COMPILE_URL}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: raw ?? JSON.stringify(body),
    });

  async function compiled(scenario: Scenario): Promise<CompiledCode[]> {
    const sources = [scenario.server?.code, ...scenario.steps.map((step) => (step.type === "runServerCode" ? step.code : undefined))];
    return Promise.all(
      [...new Set(sources.filter((code) => code !== undefined))].map(async (source) => {
        const response = await compile({ lesson: scenario.lesson, code: source });
        expect(response.status).toBe(200);
        return { source, js: ((await response.json()) as { js: string }).js };
      }),
    );
  }

  it(
    "runs the learner's code natively and gets the lab's expectation results",
    async () => {
      const [lab, text] = await Promise.all([
        runScenario(host.origin, learnerScenario),
        compiled(learnerScenario).then((codes) => script(learnerScenario, codes)),
      ]);
      expect(lab.report.failed, describeReport(lab.report)).toBe(0);
      expect(lab.report.state).toBe("done");
      expect(text).toContain(`Unlike the lab: ${LEARNER_CODE_DIFFERENCES.slice(0, 60)}`);
      expect(packagesOf(text)).toEqual(["socket.io", "socket.io-client"]);
      const target = join(dir, "learner-code.mjs");
      writeFileSync(target, text);
      const exported = reportOf(await run(target, ["--json"]));
      const outcome = (report: ScenarioReport) => ({
        state: report.state,
        error: report.error,
        results: report.results.map((result) => `${result.index + 1}: ${result.passed ? "passed" : "failed"}`),
      });
      expect(outcome(exported), describeReport(exported)).toEqual(outcome(lab.report));
    },
    SCRIPT_TIMEOUT_MS * 2,
  );

  it("refuses server code that does not compile, with the line, and code over the sandbox's cap with 413", async () => {
    const broken = await compile({ lesson: "emit", code: "export default (io) => {\n  io.on(\n};" });
    expect(broken.status).toBe(400);
    const answer = (await broken.json()) as { error: { code: string }; errors: { line: number }[] };
    expect(answer.error.code).toBe("compile_error");
    expect(answer.errors[0]?.line).toBe(3);
    const huge = await compile({ lesson: "emit", code: `// ${"x".repeat(defaultSandboxLimits.maxCodeBytes)}` });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe("code_too_large");
    // Past twice the cap the body itself is refused before it is parsed.
    const flood = await compile(undefined, `{"lesson":"emit","code":"${"\\n".repeat(defaultSandboxLimits.maxCodeBytes * 2)}"}`);
    expect(flood.status).toBe(413);
    expect((await compile({ lesson: "nope", code: "export default () => {};" })).status).toBe(400);
    expect((await compile({ lesson: "emit" })).status).toBe(400);
    expect((await compile(undefined, "{not json")).status).toBe(400);
    expect((await fetch(`${host.origin}${COMPILE_URL}`)).status).toBe(405);
  });

  it("spends the address's server-code quota, as Run on my lab does: past it, 429", async () => {
    const tight = await startServer({ serverCodePerAddressPerMinute: 1 });
    try {
      const ask = () =>
        fetch(`${tight.origin}${COMPILE_URL}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ lesson: "emit", code: "export default () => {};" }),
        });
      expect((await ask()).status).toBe(200);
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("quota_exceeded");
    } finally {
      await tight.close();
    }
  });
});
