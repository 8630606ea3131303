import type { LabInfo } from "../../shared/lab-api.js";
import type { LinkState } from "../../shared/network.js";
import type { Scenario, ScenarioClient, ScenarioStep } from "../../shared/scenario/schema.js";
import type { LabControl } from "../lab-control.js";
import type { LabSession } from "../lab-session.js";
import type { ClientOptions, VirtualClient } from "../virtual-client.js";
import type { TrackedAck } from "./expectations.js";
import type { Observations } from "./observations.js";
import { ROOM_EVENTS } from "./room-events.js";
import { reviveArguments } from "../emit-args.js";

export type ActionStep = Exclude<ScenarioStep, { type: `expect${string}` } | { type: "waitFor" }>;

export interface ActionContext {
  scenario: Scenario;
  session: LabSession;
  control: LabControl;
  observations: Observations;
  acks: Map<string, TrackedAck>;
  /** The lab's ids of the packet faults this run added, by the scenario's `id`. */
  packetFaults: Map<string, string>;
  timeoutMs: (asked: number | undefined) => number;
  signal: AbortSignal;
}

/** Thrown for an action that could not be done: its message is the step's error. */
export class ActionError extends Error {}

const LINK_CHANGE: Record<string, Partial<LinkState>> = {
  blackhole: { blackhole: true },
  offline: { offline: true },
  blockWebSocket: { blockWebSocket: true },
};
const LINK_END: Record<string, Partial<LinkState>> = {
  blackhole: { blackhole: false },
  offline: { offline: false },
  latency: { latencyMs: 0, jitterMs: 0 },
  blockWebSocket: { blockWebSocket: false },
  all: { blackhole: false, offline: false, latencyMs: 0, jitterMs: 0, blockWebSocket: false },
};

/** The client options a scenario's client gets, its Scaling node's path included. */
export function clientSetup(
  lab: LabInfo,
  client: ScenarioClient,
): { transport: NonNullable<ScenarioClient["transport"]>; options: ClientOptions } {
  const options: ClientOptions = { ...client.options };
  if (lab.scaling) {
    const node = client.node ?? "balancer";
    const path = node === "balancer" ? lab.scaling.balancerPath : lab.scaling.nodes.find((candidate) => candidate.name === node)?.path;
    if (path === undefined) throw new ActionError(`The Scaling lab has no node called "${node}".`);
    options.path = path;
  }
  return { transport: client.transport ?? "default", options };
}

/** Adds a scenario client to the session, replacing a client of the same name the page had. */
export function addClient(context: ActionContext, client: ScenarioClient): VirtualClient {
  const { session } = context;
  if (session.client(client.name)) session.removeClient(client.name);
  const added = session.addClient(client.name, clientSetup(session.lab, client));
  context.observations.watchClient(added);
  return added;
}

export async function waitConnected(context: ActionContext, client: VirtualClient, timeoutMs: number): Promise<void> {
  const connected = await context.observations.until(
    () => (client.status.state === "connected" ? true : undefined),
    timeoutMs,
    context.signal,
  );
  if (!connected) {
    const { status } = client;
    const why = status.state === "disconnected" ? `: ${status.reason}${status.description ? ` (${status.description})` : ""}` : "";
    throw new ActionError(`${client.name} did not connect within ${timeoutMs} ms${why}.`);
  }
}

function clientOf(context: ActionContext, name: string): VirtualClient {
  const client = context.session.client(name);
  if (!client) throw new ActionError(`${name} has not connected yet: add a connect step first.`);
  return client;
}

/** How each step that restarts the lab's server asks for it. Every one is followed by `afterRestart`. */
const RESTARTS: {
  [Type in "restartServer" | "runServerCode" | "restoreLessonCode" | "setRecovery"]: (
    step: Extract<ActionStep, { type: Type }>,
    control: LabControl,
    lab: LabInfo,
  ) => Promise<unknown>;
} = {
  restartServer: (_step, control, lab) => control.restart(lab),
  runServerCode: (step, control, lab) => control.runServerCode(lab, step.code),
  restoreLessonCode: (_step, control, lab) => control.restoreLessonCode(lab),
  // The lab starts its server again with the new option (the schema refuses this step on Scaling, whose nodes differ).
  setRecovery: (step, control, lab) =>
    control.setRecovery(lab, {
      enabled: step.enabled,
      ...(step.maxDisconnectionDuration === undefined ? {} : { maxDisconnectionDuration: step.maxDisconnectionDuration }),
    }),
};
type RestartingStep = Extract<ActionStep, { type: keyof typeof RESTARTS }>;

/** The steps that restart the lab's server through `afterRestart`: after one, no earlier status is in effect. */
export const RESTARTING_STEPS: ReadonlySet<ActionStep["type"]> = new Set(Object.keys(RESTARTS) as (keyof typeof RESTARTS)[]);

function isRestarting(step: ActionStep): step is RestartingStep {
  return RESTARTING_STEPS.has(step.type);
}

/**
 * Restarts the lab's server (a plain restart, or a switch of its code), then waits until every client that was
 * connected is connected again on a new socket: the next step then meets the new server, as the learner did
 * when recording, and "Alice is connected" right after it means her new connection, not the one the restart ended.
 */
async function afterRestart(context: ActionContext, restart: () => Promise<unknown>): Promise<void> {
  const before = new Map<VirtualClient, string>();
  const own = new Set(context.scenario.clients.map((client) => client.name));
  for (const client of context.session.clients) {
    if (own.has(client.name) && client.status.state === "connected") before.set(client, client.status.socketId);
  }
  await restart();
  const timeoutMs = context.timeoutMs(undefined);
  const back = await context.observations.until(
    () => ([...before].every(([client, id]) => client.status.state === "connected" && client.status.socketId !== id) ? true : undefined),
    timeoutMs,
    context.signal,
  );
  if (!back) {
    const missing = [...before.keys()].filter((client) => client.status.state !== "connected").map((client) => client.name);
    throw new ActionError(`The server restarted, but ${missing.join(" and ") || "a client"} did not reconnect within ${timeoutMs} ms.`);
  }
}

/** Does one action step, waiting only for what the action itself needs (a connect, a join's ack, the API's answer). */
export async function runAction(step: ActionStep, context: ActionContext): Promise<void> {
  const { control, session } = context;
  const { lab } = session;
  if (isRestarting(step)) {
    const restart = RESTARTS[step.type] as (step: RestartingStep, control: LabControl, lab: LabInfo) => Promise<unknown>;
    return afterRestart(context, () => restart(step, control, lab));
  }
  switch (step.type) {
    case "connect": {
      const existing = session.client(step.client);
      const own = context.scenario.clients.find((candidate) => candidate.name === step.client)!;
      const client = existing ?? addClient(context, { ...own, ...(step.transport && { transport: step.transport }) });
      if (existing && step.transport) existing.useTransport(step.transport);
      else if (existing) existing.connect();
      if (step.wait !== false) await waitConnected(context, client, context.timeoutMs(step.timeoutMs));
      return;
    }
    case "disconnect":
      return clientOf(context, step.client).disconnect();
    case "emit": {
      const client = clientOf(context, step.client);
      const ack = step.ack
        ? { kind: step.ack.style ?? "callback", ...(step.ack.timeoutMs === undefined ? {} : { timeoutMs: step.ack.timeoutMs }) }
        : null;
      const emittedAt = Date.now();
      // `{"$bytes": [...]}` is binary, as in the panel's Arguments box (a recorded binary emit).
      const outcome = client.emit(step.event, reviveArguments(step.args ?? []), ack, { volatile: step.volatile ?? false });
      if (step.id !== undefined && outcome) {
        const { ackTimeout, retries } = client.clientOptions;
        const tracked: TrackedAck = {
          client: step.client,
          event: step.event,
          emittedAt,
          errorFirst: step.ack?.timeoutMs !== undefined || ackTimeout !== undefined || retries !== undefined,
        };
        context.acks.set(step.id, tracked);
        void outcome.then((entry) => {
          tracked.settled = entry;
          context.observations.changed();
        });
      }
      return;
    }
    case "join":
    case "leave": {
      const events = ROOM_EVENTS[lab.lesson];
      const event = step.type === "join" ? events?.join : events?.leave;
      if (!event) throw new ActionError(`The ${lab.lesson} lab has no way to ${step.type} a room.`);
      const timeoutMs = context.timeoutMs(step.timeoutMs);
      const outcome = clientOf(context, step.client).emit(event, [step.room], { kind: "callback", timeoutMs });
      const entry = await outcome;
      const [error, reply] = entry?.args ?? [];
      if (error instanceof Error) throw new ActionError(`${step.client} could not ${step.type} ${step.room}: ${error.message}.`);
      const refused = (reply as { error?: unknown } | undefined)?.error;
      if (typeof refused === "string") throw new ActionError(`${step.client} could not ${step.type} ${step.room}: ${refused}`);
      return;
    }
    case "linkFault":
      if (step.fault === "drop") return void (await control.drop(lab, step.client));
      if (step.fault === "kick") return void (await control.kick(lab, step.client));
      if (step.fault === "latency") {
        return void (await control.setLink(lab, step.client, { latencyMs: step.latencyMs ?? 0, jitterMs: step.jitterMs ?? 0 }));
      }
      return void (await control.setLink(lab, step.client, LINK_CHANGE[step.fault] ?? {}));
    case "endLinkFault":
      return void (await control.setLink(lab, step.client, LINK_END[step.fault] ?? {}));
    case "packetFault": {
      const added = await control.addPacketFault(lab, step.client, step.fault);
      if (step.id !== undefined) context.packetFaults.set(step.id, added.id);
      return;
    }
    case "endPacketFault": {
      const id = context.packetFaults.get(step.id);
      if (id === undefined) throw new ActionError(`The packet fault "${step.id}" was not added in this run.`);
      await control.endPacketFault(lab, step.client, id);
      context.packetFaults.delete(step.id);
      return;
    }
    case "clearPacketFaults":
      return void (await control.clearPacketFaults(lab, step.client));
    case "setSettings":
      return void (await control.setSettings(lab, step.values));
    case "configureNodes": {
      const { adapter, routing, recovery } = step;
      return void (await control.configureNodes(lab, {
        ...(adapter && { adapter }),
        ...(routing && { routing }),
        ...(recovery !== undefined && { recovery }),
      }));
    }
    case "wait":
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, step.ms);
        function done() {
          clearTimeout(timer);
          context.signal.removeEventListener("abort", done);
          resolve();
        }
        context.signal.addEventListener("abort", done);
      });
      return;
  }
}
