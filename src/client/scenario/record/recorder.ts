import { SCENARIO_LIMITS } from "../../../shared/scenario/limits.js";
import type { Scenario, ScenarioClient, ScenarioStep } from "../../../shared/scenario/schema.js";
import type { LabAction } from "../../lab-actions.js";
import type { LinkState } from "../../../shared/network.js";
import type { PacketFault } from "../../../shared/packet-faults.js";
import { TRANSPORTS } from "../../../shared/scenario/schema.js";
import { jsonArguments } from "../../emit-args.js";

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** A gap between two actions shorter than this is no wait: the learner was only moving the mouse. */
export const MIN_RECORDED_WAIT_MS = 1_500;

export interface RecordingStart {
  lesson: Scenario["lesson"];
  /** The lab's clients when the recording began, connected before the first step. */
  clients: ScenarioClient[];
  settings?: Record<string, number>;
  /** The learner's server code, when it ran on the lab as the recording began: the scenario's setup runs it. */
  code?: string;
  at: number;
}

/**
 * Turns what the learner does in a lab (src/client/lab-actions.ts) into scenario steps (docs/scenario-ui.md,
 * "Record"). No DOM. A fault that ends a connection is followed by a wait for its real disconnect, not a clock;
 * a pause of the learner's between actions becomes a `wait` of that length (capped).
 */
export class ScenarioRecorder {
  readonly steps: ScenarioStep[] = [];
  /** What the learner did that no step can hold (an emit over the arguments cap, server code over its cap), in words. */
  readonly notes: string[] = [];
  private readonly extraClients = new Map<string, ScenarioClient>();
  private last: number;
  private waited = 0;
  private faults = 0;
  /** The host's id of each packet fault recorded, to the label its step has. */
  private readonly faultLabels = new Map<string, string>();

  constructor(private readonly start: RecordingStart) {
    this.last = start.at;
    if (start.code !== undefined && !this.codeFits(start.code)) {
      this.note(`Your server code is not in the recording: it is over a scenario's ${SCENARIO_LIMITS.maxServerCodeBytes} bytes.`);
    }
  }

  get full(): boolean {
    return this.steps.length >= SCENARIO_LIMITS.maxSteps - 2;
  }

  /** Records an action at `at`; answers the steps it added (none for a call no step stands for). */
  record(action: LabAction, at: number): ScenarioStep[] {
    if (this.full) return [];
    const gap = at - this.last;
    const previous = this.steps.at(-1);
    if (action.type === "emit" && action.coalesce && gap < MIN_RECORDED_WAIT_MS && previous?.type === "emit") {
      if (previous.client === action.client && previous.event === action.event && !previous.ack) {
        // A live control's next keystroke: the step takes the latest value, and the wait stays the first one's.
        const [replacement] = this.stepsOf(action);
        if (replacement?.type === "emit") {
          this.last = at;
          if (replacement.args) previous.args = replacement.args;
          else delete previous.args;
          return [];
        }
      }
    }
    const steps = this.stepsOf(action);
    if (!steps.length) return [];
    this.last = at;
    if (gap >= MIN_RECORDED_WAIT_MS && this.steps.length) {
      const ms = Math.min(Math.round(gap / 100) * 100, SCENARIO_LIMITS.maxWaitMs, SCENARIO_LIMITS.maxTotalMs / 2 - this.waited);
      if (ms > 0) {
        this.waited += ms;
        steps.unshift({ type: "wait", ms });
      }
    }
    for (const step of steps) if ("client" in step && typeof step.client === "string") this.know(step.client, step.type === "connect");
    this.steps.push(...steps);
    return steps;
  }

  /** An expectation (or any step) the learner adds by hand, at the end. */
  add(step: ScenarioStep): void {
    if ("client" in step && typeof step.client === "string") this.know(step.client, false);
    this.steps.push(step);
  }

  rename(index: number, name: string): void {
    const step = this.steps[index];
    if (!step) return;
    const trimmed = name.trim().slice(0, SCENARIO_LIMITS.maxNameChars);
    if (trimmed) step.name = trimmed;
    else delete step.name;
  }

  /** The scenario so far (validate it with parseScenario before playing it). */
  scenario(title = "Your recording"): Scenario {
    return {
      version: 1,
      lesson: this.start.lesson,
      title,
      description: "What you did in the lab, recorded step by step.",
      ...(this.server() && { server: this.server() }),
      clients: [...this.start.clients, ...this.extraClients.values()],
      steps: this.steps.map((step) => structuredClone(step)),
    };
  }

  private server(): Scenario["server"] {
    const settings = this.start.settings && Object.keys(this.start.settings).length ? this.start.settings : undefined;
    const code = this.start.code !== undefined && this.codeFits(this.start.code) ? this.start.code : undefined;
    if (!settings && code === undefined) return undefined;
    return { ...(settings && { settings }), ...(code !== undefined && { code }) };
  }

  private codeFits(code: string): boolean {
    return code.length > 0 && utf8Bytes(code) <= SCENARIO_LIMITS.maxServerCodeBytes;
  }

  private note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** A client first seen during the recording starts unconnected; its first step connects it. */
  private know(name: string, connecting: boolean): void {
    if (this.start.clients.some((client) => client.name === name) || this.extraClients.has(name)) return;
    this.extraClients.set(name, { name, connect: false });
    if (!connecting) this.steps.push({ type: "connect", client: name });
  }

  private stepsOf(action: LabAction): ScenarioStep[] {
    const disconnected = (client: string): ScenarioStep => ({
      type: "waitFor",
      until: { type: "expectStatus", client, state: "disconnected" },
    });
    switch (action.type) {
      case "emit": {
        const args = jsonArguments(action.args);
        if (utf8Bytes(JSON.stringify(args)) > SCENARIO_LIMITS.maxArgsBytes) {
          this.note(
            `${action.client}'s "${action.event}" emit is not recorded: its arguments are over a scenario's ${SCENARIO_LIMITS.maxArgsBytes} bytes of JSON.`,
          );
          return [];
        }
        return [
          {
            type: "emit",
            client: action.client,
            event: action.event,
            ...(args.length && { args: args as never }),
            ...(action.ack && { ack: action.ack }),
            ...(action.volatile && { volatile: true }),
          },
        ];
      }
      case "transport":
        if (!(TRANSPORTS as readonly string[]).includes(action.transport)) return [];
        return [{ type: "connect", client: action.client, transport: action.transport as (typeof TRANSPORTS)[number] }];
      case "connect":
        return [{ type: "connect", client: action.client }];
      case "disconnect":
        return [{ type: "disconnect", client: action.client }];
      case "join":
      case "leave":
        return [{ type: action.type, client: action.client, room: action.room }];
      case "control":
        return this.controlSteps(action, disconnected);
    }
  }

  private controlSteps(action: Extract<LabAction, { type: "control" }>, disconnected: (client: string) => ScenarioStep): ScenarioStep[] {
    const [, first, second] = action.args;
    const client = typeof first === "string" ? first : "";
    switch (action.method) {
      case "drop":
      case "kick":
        return [{ type: "linkFault", client, fault: action.method }, disconnected(client)];
      case "setLink": {
        const change = (second ?? {}) as Partial<LinkState>;
        const steps: ScenarioStep[] = [];
        for (const fault of ["blackhole", "offline", "blockWebSocket"] as const) {
          if (change[fault] === true) steps.push({ type: "linkFault", client, fault });
          if (change[fault] === false) steps.push({ type: "endLinkFault", client, fault });
        }
        if (change.latencyMs !== undefined) {
          steps.push(
            change.latencyMs > 0
              ? {
                  type: "linkFault",
                  client,
                  fault: "latency",
                  latencyMs: change.latencyMs,
                  ...(change.jitterMs && { jitterMs: change.jitterMs }),
                }
              : { type: "endLinkFault", client, fault: "latency" },
          );
        }
        return steps;
      }
      case "addPacketFault": {
        this.faults += 1;
        const id = `fault-${this.faults}`;
        const hostId = (action.result as { id?: unknown } | undefined)?.id;
        if (typeof hostId === "string") this.faultLabels.set(hostId, id);
        return [{ type: "packetFault", client, fault: second as PacketFault, id } as ScenarioStep];
      }
      case "endPacketFault": {
        const id = typeof second === "string" ? this.faultLabels.get(second) : undefined;
        return id ? [{ type: "endPacketFault", client, id }] : [];
      }
      case "clearPacketFaults":
        return [{ type: "clearPacketFaults", client }];
      case "restart":
        return [{ type: "restartServer" }];
      case "setSettings":
        return [{ type: "setSettings", values: first as Record<string, number> }];
      case "setRecovery":
        return [{ type: "setRecovery", ...(first as { enabled: boolean; maxDisconnectionDuration?: number }) }];
      case "configureNodes":
        return [{ type: "configureNodes", ...(first as object) } as ScenarioStep];
      case "runServerCode": {
        const code = typeof first === "string" ? first : "";
        if (this.codeFits(code)) return [{ type: "runServerCode", code }];
        this.note(`"Run on my lab" is not recorded: the code is over a scenario's ${SCENARIO_LIMITS.maxServerCodeBytes} bytes.`);
        return [];
      }
      case "restoreLessonCode":
        return [{ type: "restoreLessonCode" }];
      default:
        // Run tickets and reads: not steps of a scenario.
        return [];
    }
  }
}
