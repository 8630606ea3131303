import { describe, expect, it } from "vitest";
import { SCENARIO_LIMITS } from "../../src/shared/scenario/limits.js";
import { parseScenario, parseScenarioJson } from "../../src/shared/scenario/schema.js";

const minimal = {
  version: 1,
  lesson: "emit",
  title: "Alice greets",
  clients: [{ name: "Alice" }],
  steps: [{ type: "emit", client: "Alice", event: "greet", args: ["hi"] }],
};

const errorOf = (value: unknown) => {
  const parsed = parseScenario(value);
  return parsed.ok ? "" : parsed.error;
};

describe("the scenario schema", () => {
  it("reads a minimal scenario", () => {
    expect(parseScenario(minimal)).toMatchObject({ ok: true, scenario: { title: "Alice greets" } });
  });

  it("refuses a scenario from a newer version with a message that says so", () => {
    expect(parseScenario({ ...minimal, version: 2 })).toEqual({
      ok: false,
      newerVersion: true,
      error: "This scenario was made by a newer version of the playground (format 2); this one reads format 1.",
    });
  });

  it("names the path of what is wrong", () => {
    expect(errorOf({ ...minimal, steps: [{ type: "emit", client: "Alice" }] })).toMatch(/^Not a valid scenario: steps\.0\.event: /);
    expect(errorOf({ ...minimal, lesson: "nope" })).toMatch(/^Not a valid scenario: lesson: /);
    expect(errorOf({ ...minimal, steps: [{ type: "teleport" }] })).toMatch(/steps\.0\.type/);
  });

  it("refuses steps about a client the scenario does not have", () => {
    expect(errorOf({ ...minimal, steps: [{ type: "disconnect", client: "Mallory" }] })).toBe(
      'Not a valid scenario: steps.0.client: No client called "Mallory" in this scenario\'s clients.',
    );
  });

  it("refuses an ack expectation for an emit that is not there or asked for no ack", () => {
    expect(errorOf({ ...minimal, steps: [{ type: "expectAck", emit: "x", outcome: "answered" }] })).toContain(
      'No earlier emit step has the id "x".',
    );
    const noAck = { type: "emit", client: "Alice", event: "e", id: "x" };
    expect(errorOf({ ...minimal, steps: [noAck, { type: "expectAck", emit: "x", outcome: "answered" }] })).toContain(
      'The emit "x" asks for no ack.',
    );
  });

  it("caps steps, waits, total wait time and size", () => {
    const step = minimal.steps[0];
    expect(errorOf({ ...minimal, steps: Array(SCENARIO_LIMITS.maxSteps + 1).fill(step) })).toContain("At most 200 steps.");
    expect(errorOf({ ...minimal, steps: [{ type: "wait", ms: 30_001 }] })).toContain("steps.0.ms");
    expect(errorOf({ ...minimal, steps: [{ type: "expectStatus", client: "Alice", state: "connected", timeoutMs: 60_000 }] })).toContain(
      "At most 30000 ms",
    );
    expect(errorOf({ ...minimal, steps: Array(5).fill({ type: "wait", ms: 30_000 }) })).toContain(
      "The wait steps add up to 150000 ms; a scenario runs at most 120 s.",
    );
    const big = JSON.stringify({ ...minimal, description: "x".repeat(SCENARIO_LIMITS.maxJsonBytes) });
    expect(parseScenarioJson(big)).toMatchObject({ ok: false, error: expect.stringMatching(/^A scenario is at most 32768 bytes of JSON/) });
    expect(parseScenarioJson("{nope")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Not a valid scenario: the JSON does not parse/),
    });
  });

  it("checks packet faults against the contract", () => {
    const fault = (value: unknown) => errorOf({ ...minimal, steps: [{ type: "packetFault", client: "Alice", fault: value }] });
    expect(fault({ type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1 })).toBe("");
    expect(fault({ type: "drop", direction: "toClient", match: { kind: "ack" } })).toContain("A drop says either next or every.");
    expect(fault({ type: "delayAcks", direction: "sideways", delayMs: 10 })).toContain("steps.0.fault.direction");
  });

  it("keeps nodes to the Scaling lab", () => {
    expect(errorOf({ ...minimal, clients: [{ name: "Alice", node: "A" }] })).toContain("Only the Scaling lab has nodes.");
  });

  it("reads server code runs and a transport change as steps, in format 1, with the server code's size cap", () => {
    const steps = [
      { type: "runServerCode", code: "export default () => {};" },
      { type: "restoreLessonCode" },
      { type: "connect", client: "Alice", transport: "polling" },
    ];
    expect(parseScenario({ ...minimal, steps }).ok).toBe(true);
    const huge = "x".repeat(SCENARIO_LIMITS.maxServerCodeBytes + 1);
    expect(errorOf({ ...minimal, steps: [{ type: "runServerCode", code: huge }] })).toContain(
      `Server code is at most ${SCENARIO_LIMITS.maxServerCodeBytes} bytes`,
    );
    expect(errorOf({ ...minimal, steps: [{ type: "runServerCode", code: "" }] })).toContain("steps.0.code");
    expect(errorOf({ ...minimal, steps: [{ type: "connect", client: "Alice", transport: "pigeon" }] })).toContain("steps.0.transport");
  });
});
