import type { ScenarioStep } from "../../../shared/scenario/schema.js";

const json = (args: readonly unknown[] | undefined) => (args?.length ? ` ${args.map((arg) => JSON.stringify(arg)).join(", ")}` : "");

/**
 * A step in a sentence, for its row in the Scenarios region and its mark on the timeline: the step's own
 * name when it has one, else what it does ("Alice emits greet \"hi\"").
 */
export function stepText(step: ScenarioStep): string {
  if (step.name) return step.name;
  switch (step.type) {
    case "connect":
      return `${step.client} connects${step.transport ? ` (transport ${step.transport})` : ""}`;
    case "disconnect":
      return `${step.client} disconnects`;
    case "emit":
      return `${step.client} emits ${step.event}${json(step.args)}${step.volatile ? " (volatile)" : ""}${step.ack ? " with an ack" : ""}`;
    case "join":
      return `${step.client} joins ${step.room}`;
    case "leave":
      return `${step.client} leaves ${step.room}`;
    case "linkFault":
      return `${step.client}'s link: ${step.fault}${step.latencyMs !== undefined ? ` ${step.latencyMs} ms` : ""}`;
    case "endLinkFault":
      return `${step.client}'s link: end ${step.fault}`;
    case "packetFault":
      return `${step.client}: packet fault ${step.fault.type} (${step.fault.direction})`;
    case "endPacketFault":
      return `${step.client}: end packet fault ${step.id}`;
    case "clearPacketFaults":
      return `${step.client}: clear packet faults`;
    case "restartServer":
      return "Restart the server";
    case "runServerCode":
      return `Run my server code (${step.code.split("\n").length} lines)`;
    case "restoreLessonCode":
      return "Back to the lesson's code";
    case "setSettings":
      return `Settings: ${Object.entries(step.values)
        .map(([key, value]) => `${key} = ${value}`)
        .join(", ")}`;
    case "setRecovery":
      return `Recovery ${step.enabled ? "on" : "off"}`;
    case "configureNodes":
      return `Nodes: ${[step.adapter, step.routing, step.recovery === undefined ? undefined : `recovery ${step.recovery ? "on" : "off"}`].filter(Boolean).join(", ")}`;
    case "wait":
      return `Wait ${step.ms} ms`;
    case "waitFor":
      return `Wait until ${stepText(step.until).replace(/^Expect /, "")}`;
    case "expectReceived":
      return step.count === 0 ? `${step.client} receives no ${step.event}` : `${step.client} receives ${step.event}${json(step.args)}`;
    case "expectStatus":
      return `${step.client}'s status becomes ${step.state}${step.reason ? ` (${step.reason})` : ""}`;
    case "expectServerLog":
      return `The server log has ${step.kind}${step.includes ? ` "${step.includes}"` : ""}`;
    case "expectAck":
      return `The ack of ${step.emit} is ${step.outcome}`;
    case "expectSocketId":
      return `${step.client} keeps ${step.same ? "the same" : "a new"} socket id`;
  }
}

export const isExpectationStep = (step: ScenarioStep): boolean => step.type.startsWith("expect");
