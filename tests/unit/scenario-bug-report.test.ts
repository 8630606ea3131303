import { describe, expect, it } from "vitest";
import { BUG_REPORT_TIMELINE_LINES, bugReport } from "../../src/client/scenario/export/bug-report.js";
import type { ScenarioReport } from "../../src/client/scenario/scenario-events.js";
import { EXPORT_HEARTBEAT, EXPORT_MAX_PAYLOAD_BYTES } from "../../src/client/scenario/export/node/plain-server.js";
import { EXPORT_SCALING_RECOVERY_MS, LOGS_REQUESTS } from "../../src/client/scenario/export/node/export-lab.js";
import { SCALING_RECOVERY_MS } from "../../src/server/scaling/scaling-backend.js";
import { LAB_HEARTBEAT } from "../../src/server/lab/lab-server.js";
import { defaultLimits } from "../../src/server/config.js";
import { lessonLabs } from "../../src/server/lessons.js";
import type { Scenario } from "../../src/shared/scenario/schema.js";

const scenario: Scenario = {
  version: 1,
  lesson: "acks",
  title: "A slow ack | times out",
  description: "Alice's add waits longer than her timeout.",
  server: { settings: { delayMs: 2000 } },
  clients: [{ name: "Alice", transport: "websocket", options: { ackTimeout: 500 } }],
  steps: [
    { type: "emit", client: "Alice", event: "add", args: [1, 2], ack: {}, id: "slow" },
    { name: "It fails", type: "expectAck", emit: "slow", outcome: "failed" },
    { type: "expectReceived", client: "Alice", event: "never" },
  ],
};

const report: ScenarioReport = {
  title: scenario.title,
  lesson: "acks",
  state: "done",
  steps: [
    { index: 0, type: "emit", ok: true, startedAt: 1, endedAt: 2 },
    {
      index: 1,
      name: "It fails",
      type: "expectAck",
      ok: true,
      startedAt: 2,
      endedAt: 3,
      expectation: {
        index: 1,
        type: "expectAck",
        passed: true,
        evidence: { summary: "The ack failed after 501 ms: operation has timed out." },
        startedAt: 2,
        at: 3,
      },
    },
    {
      index: 2,
      type: "expectReceived",
      ok: false,
      startedAt: 3,
      endedAt: 4,
      expectation: {
        index: 2,
        type: "expectReceived",
        passed: false,
        evidence: { summary: 'Expected Alice receives "never"; got 0.' },
        startedAt: 3,
        at: 4,
      },
    },
  ],
  results: [],
  passed: 1,
  failed: 1,
};
report.results = report.steps.flatMap((step) => (step.expectation ? [step.expectation] : []));

describe("Copy as a bug report", () => {
  const text = bugReport({ scenario, report, timeline: ['10:00:00.000 Alice → 420["add",1,2]', "10:00:00.501 Alice · timeout"] });

  it("names the versions of socket.io, socket.io-client, Node and the site", () => {
    expect(text).toMatch(/\| socket\.io \| 4\.\d+\.\d+ \|/);
    expect(text).toMatch(/\| socket\.io-client \| 4\.\d+\.\d+ \|/);
    expect(text).toMatch(/\| Node\.js \(the playground's host\) \| >=24 \|/);
    expect(text).toMatch(/\| Socket\.IO Playground \| \d+\.\d+\.\d+ \|/);
  });

  it("gives the options of the server and of each client", () => {
    expect(text).toContain('- Server: `{"settings":{"delayMs":2000}}`');
    expect(text).toContain('- Client Alice: transport websocket, options `{"ackTimeout":500}`');
  });

  it("lists every step with its result, passed or failed with the evidence, and escapes table cells", () => {
    expect(text).toContain("## A slow ack | times out");
    expect(text).toMatch(/\| 1 \| `emit \(client: "Alice", event: "add", args: \[1,2\], ack: \{\}, id: "slow"\)` \| done \|/);
    expect(text).toContain(
      '| 2 | It fails: `expectAck (emit: "slow", outcome: "failed")` | **passed**: The ack failed after 501 ms: operation has timed out. |',
    );
    expect(text).toContain('**failed**: Expected Alice receives "never"; got 0.');
    expect(text).toContain("1 of 2 expectations passed, 1 failed");
  });

  it("ends with the timeline excerpt, cut to its last lines, and the scenario itself", () => {
    expect(text).toContain('```text\n10:00:00.000 Alice → 420["add",1,2]\n10:00:00.501 Alice · timeout\n```');
    const long = bugReport({ scenario, report, timeline: Array.from({ length: 200 }, (_, i) => `line ${i}`) });
    expect(long).toContain(`The last ${BUG_REPORT_TIMELINE_LINES} of 200 entries:`);
    expect(long).not.toContain("line 139\n");
    expect(long).toContain("line 199");
    expect(text).toContain('"title": "A slow ack | times out"');
  });
});

describe("an exported script's lab", () => {
  it("has the lab's heartbeat, payload cap, Scaling recovery window and request-logging lessons", () => {
    expect(EXPORT_HEARTBEAT).toEqual(LAB_HEARTBEAT);
    expect(EXPORT_SCALING_RECOVERY_MS).toBe(SCALING_RECOVERY_MS);
    expect(EXPORT_MAX_PAYLOAD_BYTES).toBe(defaultLimits.maxPayloadBytes);
    expect([...LOGS_REQUESTS].sort()).toEqual(
      [...lessonLabs.values()]
        .filter((lesson) => lesson.logRequests)
        .map((lesson) => lesson.slug)
        .sort(),
    );
  });
});
