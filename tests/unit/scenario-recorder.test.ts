import { describe, expect, it } from "vitest";
import { MIN_RECORDED_WAIT_MS, ScenarioRecorder } from "../../src/client/scenario/record/recorder.js";
import { parseScenario } from "../../src/shared/scenario/schema.js";
import { SCENARIO_LIMITS } from "../../src/shared/scenario/limits.js";

const lab = { id: "lab" };
const start = (at = 0) => new ScenarioRecorder({ lesson: "emit", clients: [{ name: "Alice" }, { name: "Bob" }], at });

describe("the scenario recorder", () => {
  it("records an emit, then a drop followed by a wait for the real disconnect, not a clock", () => {
    const recorder = start();
    recorder.record({ type: "emit", client: "Alice", event: "greet", args: ["hi"], ack: { style: "callback" } }, 100);
    recorder.record({ type: "control", method: "drop", args: [lab, "Alice"], result: {} }, 200);
    expect(recorder.steps).toEqual([
      { type: "emit", client: "Alice", event: "greet", args: ["hi"], ack: { style: "callback" } },
      { type: "linkFault", client: "Alice", fault: "drop" },
      { type: "waitFor", until: { type: "expectStatus", client: "Alice", state: "disconnected" } },
    ]);
    expect(parseScenario(recorder.scenario()).ok).toBe(true);
  });

  it("turns the learner's pause between two actions into a wait of that length, and a short one into none", () => {
    const recorder = start();
    recorder.record({ type: "control", method: "restart", args: [lab], result: {} }, 10);
    recorder.record({ type: "control", method: "restart", args: [lab], result: {} }, 10 + MIN_RECORDED_WAIT_MS - 1);
    recorder.record({ type: "control", method: "restart", args: [lab], result: {} }, 10 + MIN_RECORDED_WAIT_MS - 1 + 2_040);
    expect(recorder.steps.map((step) => step.type)).toEqual(["restartServer", "restartServer", "wait", "restartServer"]);
    expect(recorder.steps[2]).toEqual({ type: "wait", ms: 2_000 });
  });

  it("caps a recorded wait at the format's longest wait", () => {
    const recorder = start();
    recorder.record({ type: "control", method: "restart", args: [lab], result: {} }, 0);
    recorder.record({ type: "control", method: "restart", args: [lab], result: {} }, 10 * 60_000);
    expect(recorder.steps[1]).toEqual({ type: "wait", ms: SCENARIO_LIMITS.maxWaitMs });
  });

  it("records link toggles as faults and their ends, and a packet fault's end by the label its start got", () => {
    const recorder = start();
    recorder.record({ type: "control", method: "setLink", args: [lab, "Bob", { offline: true }], result: {} }, 0);
    recorder.record({ type: "control", method: "setLink", args: [lab, "Bob", { offline: false }], result: {} }, 1);
    recorder.record({ type: "control", method: "setLink", args: [lab, "Bob", { latencyMs: 300, jitterMs: 0 }], result: {} }, 2);
    const fault = { type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1 };
    recorder.record({ type: "control", method: "addPacketFault", args: [lab, "Bob", fault], result: { ...fault, id: "host-7" } }, 3);
    recorder.record({ type: "control", method: "endPacketFault", args: [lab, "Bob", "host-7"], result: undefined }, 4);
    expect(recorder.steps).toEqual([
      { type: "linkFault", client: "Bob", fault: "offline" },
      { type: "endLinkFault", client: "Bob", fault: "offline" },
      { type: "linkFault", client: "Bob", fault: "latency", latencyMs: 300 },
      { type: "packetFault", client: "Bob", fault, id: "fault-1" },
      { type: "endPacketFault", client: "Bob", id: "fault-1" },
    ]);
  });

  it("ignores calls that are no scenario step (run tickets)", () => {
    const recorder = start();
    expect(recorder.record({ type: "control", method: "runTicket", args: [lab], result: {} }, 0)).toEqual([]);
    expect(recorder.steps).toEqual([]);
  });

  it("keeps renamed steps and added expectations, and a client added later starts unconnected with a connect step", () => {
    const recorder = start();
    recorder.record({ type: "emit", client: "Carol", event: "hello", args: [] }, 0);
    recorder.rename(1, "Carol says hello");
    recorder.add({ type: "expectReceived", client: "Bob", event: "hello" });
    recorder.add({ type: "expectStatus", client: "Alice", state: "connected" });
    const scenario = recorder.scenario();
    expect(scenario.clients).toContainEqual({ name: "Carol", connect: false });
    expect(scenario.steps.map((step) => step.name ?? step.type)).toEqual(["connect", "Carol says hello", "expectReceived", "expectStatus"]);
    expect(parseScenario(scenario).ok).toBe(true);
  });

  it("records the learner's server code: as setup when it ran at the start, and each run and return as a step", () => {
    const code = "export default (io) => { io.on('connection', () => {}); };";
    const recorder = new ScenarioRecorder({ lesson: "emit", clients: [{ name: "Alice" }], code, at: 0 });
    const other = "export default () => {};";
    recorder.record({ type: "control", method: "runServerCode", args: [lab, other], result: {} }, 10);
    recorder.record({ type: "control", method: "restoreLessonCode", args: [lab], result: {} }, 20);
    const scenario = recorder.scenario();
    expect(scenario.server).toEqual({ code });
    expect(scenario.steps).toEqual([{ type: "runServerCode", code: other }, { type: "restoreLessonCode" }]);
    expect(parseScenario(scenario).ok).toBe(true);
  });

  it("leaves out server code over a scenario's cap, and says so", () => {
    const huge = `// ${"x".repeat(SCENARIO_LIMITS.maxServerCodeBytes)}`;
    const recorder = new ScenarioRecorder({ lesson: "emit", clients: [{ name: "Alice" }], code: huge, at: 0 });
    expect(recorder.record({ type: "control", method: "runServerCode", args: [lab, huge], result: {} }, 1)).toEqual([]);
    expect(recorder.scenario().server).toBeUndefined();
    expect(recorder.notes).toHaveLength(2);
    expect(recorder.notes.join(" ")).toContain(`${SCENARIO_LIMITS.maxServerCodeBytes} bytes`);
  });

  it("keeps an emit's binary arguments as {$bytes}, which the runner sends as binary again", async () => {
    const recorder = start();
    recorder.record({ type: "emit", client: "Alice", event: "file", args: ["a", Uint8Array.of(1, 2, 255), new Uint8Array([7]).buffer] }, 0);
    expect(recorder.steps).toEqual([
      { type: "emit", client: "Alice", event: "file", args: ["a", { $bytes: [1, 2, 255] }, { $bytes: [7] }] },
    ]);
    expect(parseScenario(recorder.scenario()).ok).toBe(true);
    const { reviveArguments } = await import("../../src/client/emit-args.js");
    const [text, bytes, more] = reviveArguments(["a", { $bytes: [1, 2, 255] }, { $bytes: [7] }]);
    expect(text).toBe("a");
    expect(bytes).toEqual(Uint8Array.of(1, 2, 255));
    expect(more).toEqual(Uint8Array.of(7));
  });

  it("leaves out an emit over a scenario's arguments cap (the oversized button), and says so", () => {
    const recorder = start();
    expect(recorder.record({ type: "emit", client: "Alice", event: "big", args: ["x".repeat(70_000)] }, 0)).toEqual([]);
    expect(recorder.notes[0]).toContain('"big" emit is not recorded');
  });

  it("records a live control's keystrokes as one emit of the last text, and a lesson button as an emit", () => {
    const recorder = start();
    for (const [at, text] of [
      [0, "h"],
      [200, "he"],
      [400, "hey"],
    ] as const) {
      recorder.record({ type: "emit", client: "Alice", event: "editing", args: [text], coalesce: true }, at);
    }
    recorder.record({ type: "emit", client: "Alice", event: "burst", args: [5] }, 600);
    recorder.record({ type: "emit", client: "Alice", event: "editing", args: ["hey!"], coalesce: true }, 5_000);
    expect(recorder.steps).toEqual([
      { type: "emit", client: "Alice", event: "editing", args: ["hey"] },
      { type: "emit", client: "Alice", event: "burst", args: [5] },
      { type: "wait", ms: 4_400 },
      { type: "emit", client: "Alice", event: "editing", args: ["hey!"] },
    ]);
  });

  it("records a change of transport as a connect with that transport", () => {
    const recorder = start();
    recorder.record({ type: "transport", client: "Bob", transport: "polling" }, 0);
    expect(recorder.record({ type: "transport", client: "Bob", transport: "carrier-pigeon" }, 1)).toEqual([]);
    expect(recorder.steps).toEqual([{ type: "connect", client: "Bob", transport: "polling" }]);
    expect(parseScenario(recorder.scenario()).ok).toBe(true);
  });
});
