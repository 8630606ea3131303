import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLab } from "../../src/client/lab-api.js";
import { createLabControl } from "../../src/client/lab-control.js";
import { LabSession } from "../../src/client/lab-session.js";
import { ScenarioRunner } from "../../src/client/scenario/scenario-runner.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { parseScenario, type Scenario, type ScenarioStep } from "../../src/shared/scenario/schema.js";
import { describeReport, runScenario } from "../support/scenarios.js";
import { newLearner, startServer } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

function scenario(value: unknown): Scenario {
  const parsed = parseScenario(value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.scenario;
}

const greet = scenario({
  version: 1,
  lesson: "emit",
  title: "Alice greets Bob",
  clients: [
    { name: "Alice", transport: "websocket" },
    { name: "Bob", transport: "websocket" },
  ],
  steps: [
    { type: "emit", client: "Alice", event: "greet", args: ["hi", { n: 1 }], ack: {}, id: "hello" },
    { name: "Bob gets it", type: "expectReceived", client: "Bob", event: "greet", args: ["hi"] },
    { type: "expectAck", emit: "hello", outcome: "answered", args: [{ status: "ok" }], withinMs: 5000 },
    { type: "expectServerLog", kind: "received", client: "Alice", includes: '"greet"' },
    { type: "expectReceived", client: "Alice", event: "greet", count: 0 },
  ],
});

describe("the scenario runner, on a real lab from Node", () => {
  it("runs actions and expectations in order, each expectation with the frame or log line it saw", async () => {
    const { report, events } = await runScenario(running.origin, greet);
    expect(report.state, describeReport(report)).toBe("done");
    expect(report.results.map((result) => result.passed)).toEqual([true, true, true, true]);
    expect(report.results[0]).toMatchObject({ name: "Bob gets it", evidence: { data: [{ frames: ['42["greet","hi",{"n":1}]'] }] } });
    expect(report.results[1]?.evidence.summary).toMatch(/^The ack for Alice's "greet" came after \d+ ms with \[\{"status":"ok"\}\]/);
    expect(report.results[2]?.evidence.data).toMatchObject([{ kind: "received", client: "Alice", frame: '420["greet","hi",{"n":1}]' }]);
    // The event stream: setup, then each step started and done in order, with times a timeline can mark.
    const kinds = events.filter((event) => event.type !== "state").map((event) => event.type);
    expect(kinds.slice(0, 2)).toEqual(["setup-started", "setup-done"]);
    expect(kinds.at(-1)).toBe("finished");
    const started = events.flatMap((event) => (event.type === "step-started" ? [event.index] : []));
    expect(started).toEqual([0, 1, 2, 3, 4]);
    for (const step of report.steps) expect(step.endedAt).toBeGreaterThanOrEqual(step.startedAt);
  });

  it("fails an expectation that does not happen within its timeout, and says what came instead", async () => {
    const { report } = await runScenario(
      running.origin,
      scenario({
        ...greet,
        steps: [
          { type: "emit", client: "Alice", event: "greet", args: ["hi"] },
          { type: "expectReceived", client: "Bob", event: "greet", args: ["bye"], timeoutMs: 300 },
          { type: "expectStatus", client: "Bob", state: "disconnected", timeoutMs: 200 },
        ],
      }),
    );
    expect(report.state).toBe("done");
    expect(report.failed).toBe(2);
    expect(report.results[0]?.evidence.summary).toBe(
      'Expected Bob receives "greet" with ["bye"] within 300 ms; got 0. It received instead: greet ["hi"].',
    );
    expect(report.results[1]?.evidence.summary).toMatch(
      /^Expected Bob to be disconnected within 200 ms; Bob was connected \(websocket, id /,
    );
  });

  it("waits for a real disconnect after a fault, then for the reconnect that recovery restores with the same id", async () => {
    const { report } = await runScenario(
      running.origin,
      scenario({
        version: 1,
        lesson: "recovery",
        title: "A drop, then recovery",
        clients: [{ name: "Alice", transport: "websocket" }],
        steps: [
          { type: "emit", client: "Alice", event: "message", args: ["before"] },
          { type: "expectReceived", client: "Alice", event: "message", args: [{ from: "Alice", text: "before" }] },
          { type: "linkFault", client: "Alice", fault: "drop" },
          { type: "expectStatus", client: "Alice", state: "disconnected", reason: "transport close" },
          { type: "expectStatus", client: "Alice", state: "connected", recovered: true },
          { type: "expectSocketId", client: "Alice", same: true },
        ],
      }),
    );
    expect(report.failed, describeReport(report)).toBe(0);
    expect(report.results.at(-1)?.evidence.summary).toMatch(/^Alice kept the socket id /);
  });

  /**
   * Plays `restart`, then "Alice is connected", an acked emit and its ack; asserts every step passed and that the
   * connection "Alice is connected" matched is not the one Alice had as the restarting step started.
   */
  async function expectNewConnectionAfter(restart: ScenarioStep, title: string): Promise<void> {
    const session = new LabSession(await openLab("emit", newLearner(), running.origin), running.origin);
    const runner = new ScenarioRunner(
      scenario({
        version: 1,
        lesson: "emit",
        title,
        clients: [{ name: "Alice", transport: "websocket" }],
        steps: [
          restart,
          { type: "expectStatus", client: "Alice", state: "connected" },
          { type: "emit", client: "Alice", event: "greet", args: ["again"], ack: {}, id: "again" },
          { type: "expectAck", emit: "again", outcome: "answered", withinMs: 5000 },
        ],
      }),
      { session, control: createLabControl(running.origin) },
    );
    // Alice's socket id as the restarting step starts: the connection it ends.
    let before: string | undefined;
    runner.on((event) => {
      const status = session.client("Alice")?.status;
      if (event.type === "step-started" && event.index === 0 && status?.state === "connected") before = status.socketId;
    });
    try {
      const report = await runner.play();
      expect(report.failed, describeReport(report)).toBe(0);
      const after = report.results[0]?.evidence.data as { socketId?: string } | undefined;
      expect(before).toEqual(expect.any(String));
      expect(after?.socketId).toEqual(expect.any(String));
      expect(after?.socketId).not.toBe(before);
    } finally {
      runner.dispose();
      session.close();
    }
  }

  it("after Restart server, 'Alice is connected' is her new connection, not the one the restart ended", async () => {
    await expectNewConnectionAfter({ type: "restartServer" }, "A restart, then a new connection");
  });

  it("after Connection state recovery is switched, 'Alice is connected' is her new connection, and her next ack comes", async () => {
    // Switching recovery restarts the lab's server, as a recording of the lab's recovery switch replays it.
    await expectNewConnectionAfter(
      { type: "setRecovery", enabled: true, maxDisconnectionDuration: 2000 },
      "Recovery switched on, then a new connection",
    );
  });

  it("steps one at a time, pauses between steps, and after reset plays again from the first step", async () => {
    const session = new LabSession(await openLab("emit", newLearner(), running.origin), running.origin);
    const runner = new ScenarioRunner(greet, { session, control: createLabControl(running.origin) });
    try {
      expect(runner.state).toBe("idle");
      const first = await runner.step();
      expect(first).toMatchObject({ index: 0, type: "emit", ok: true });
      expect(runner.state).toBe("paused");
      expect(runner.cursor).toBe(1);
      // Pause asked while step 2 runs: it finishes, and step 3 does not start.
      const stop = runner.on((event) => {
        if (event.type === "step-started" && event.index === 1) runner.pause();
      });
      const partial = await runner.play();
      stop();
      expect(partial.state).toBe("paused");
      expect(partial.steps).toHaveLength(2);
      await runner.reset();
      expect(runner.state).toBe("idle");
      expect(runner.cursor).toBe(0);
      expect(session.clients).toHaveLength(0);
      const again = await runner.play();
      expect(again.state, describeReport(again)).toBe("done");
      expect(again.failed).toBe(0);
      expect(again.steps).toHaveLength(5);
    } finally {
      runner.dispose();
      session.close();
    }
  });

  it("a client the scenario connects in a step is the scenario's own, even where the page already had one of that name", async () => {
    const session = new LabSession(await openLab("emit", newLearner(), running.origin), running.origin);
    // The page's own Alice, connected over WebSocket before the scenario starts.
    const pages = session.addClient("Alice", { transport: "websocket", options: {} });
    await expect.poll(() => pages.status.state, { timeout: 5000 }).toBe("connected");
    const runner = new ScenarioRunner(
      scenario({
        version: 1,
        lesson: "emit",
        title: "Alice connects over polling",
        clients: [{ name: "Alice", transport: "polling", connect: false }],
        steps: [
          { type: "connect", client: "Alice", wait: false },
          { type: "expectStatus", client: "Alice", state: "connected", transport: "polling" },
        ],
      }),
      { session, control: createLabControl(running.origin) },
    );
    try {
      const report = await runner.play();
      expect(report.state, describeReport(report)).toBe("done");
      expect(report.failed, describeReport(report)).toBe(0);
      expect(session.client("Alice")).not.toBe(pages);
    } finally {
      runner.dispose();
      session.close();
    }
  });

  it("stops a run at its deadline with a clear error instead of waiting on", async () => {
    const session = new LabSession(await openLab("emit", newLearner(), running.origin), running.origin);
    const runner = new ScenarioRunner(
      scenario({
        ...greet,
        steps: [
          { type: "wait", ms: 10_000 },
          { type: "wait", ms: 10_000 },
        ],
      }),
      { session, control: createLabControl(running.origin), maxTotalMs: 1500 },
    );
    try {
      const started = Date.now();
      const report = await runner.play();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(report.state).toBe("failed");
      expect(report.error).toBe("The scenario ran past its 1.5 s limit at step 1.");
      expect(report.steps).toHaveLength(1);
    } finally {
      runner.dispose();
      session.close();
    }
  });
});
