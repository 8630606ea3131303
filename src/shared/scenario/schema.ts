import { z } from "zod";
import { COURSE_SLUGS } from "../course.js";
import { CLIENT_NAME, FAULT_LIMITS } from "../network.js";
import { DIRECTIONS, PACKET_FAULT_LIMITS, PACKET_KINDS } from "../packet-faults.js";
import { SCENARIO_LIMITS as L } from "./limits.js";
import { SCENARIO_VERSION } from "./version.js";

/**
 * The scenario format (docs/scenarios.md): what a lab is set up with, its clients, and the steps that run on
 * it, each an action or an expectation. One schema for every reader: the lab page, a shared link, the
 * scripting route and the tests; `parseScenario` is the only way in.
 */

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;
const name = z.string().trim().min(1).max(L.maxNameChars);
const label = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, "A label is 1 to 32 letters, digits, - or _.")
  .max(L.maxLabelChars);
const clientName = z.string().regex(CLIENT_NAME, "A client name is 1 to 32 letters, digits, spaces, - or _.");
const timeoutMs = z
  .int()
  .min(1)
  .max(L.maxWaitMs, `At most ${L.maxWaitMs} ms: a step waits at most ${L.maxWaitMs / 1000} s.`);
const eventName = z.string().min(1).max(L.maxEventChars);
const jsonArgs = z
  .array(z.json())
  .refine((args) => utf8Bytes(JSON.stringify(args)) <= L.maxArgsBytes, `An emit's arguments are at most ${L.maxArgsBytes} bytes of JSON.`);
const common = { name: name.optional() };
/** The learner's server code (docs/server-code.md), in a scenario's setup or a runServerCode step. */
const serverCode = z
  .string()
  .min(1)
  .refine((code) => utf8Bytes(code) <= L.maxServerCodeBytes, `Server code is at most ${L.maxServerCodeBytes} bytes.`);

export const TRANSPORTS = ["default", "websocket", "polling", "websocket-first", "websocket-first-try-all"] as const;
export const CLIENT_STATES = ["connecting", "connected", "disconnected"] as const;
export const LINK_FAULTS = ["drop", "kick", "blackhole", "offline", "latency", "blockWebSocket"] as const;
/** The link faults that last until lifted (drop and kick happen once). */
export const LASTING_LINK_FAULTS = ["blackhole", "offline", "latency", "blockWebSocket"] as const;
export const SERVER_LOG_KINDS = [
  "connect",
  "disconnect",
  "received",
  "sent",
  "upgrade",
  "refused",
  "log",
  "fault",
  "http",
  "room",
] as const;

const clientOptions = z.strictObject({
  ackTimeout: z.int().min(0).max(L.maxWaitMs).optional(),
  retries: z.int().min(0).max(10).optional(),
  trackOffset: z.boolean().optional(),
});

const client = z.strictObject({
  name: clientName,
  transport: z.enum(TRANSPORTS).optional(),
  options: clientOptions.optional(),
  /** Scaling only: which node the client talks to, or "balancer" (the default). */
  node: z.string().min(1).max(16).optional(),
  /** Connect before the first step (the default), or only at a `connect` step. */
  connect: z.boolean().optional(),
});

const packetMatch = z.strictObject({
  kind: z.enum(PACKET_KINDS),
  event: z.string().min(1).max(PACKET_FAULT_LIMITS.maxEventName).optional(),
});
const count = z.int().min(1).max(PACKET_FAULT_LIMITS.maxCount);
const direction = z.enum(DIRECTIONS);
/** The packet-fault contract of src/shared/packet-faults.ts, checked. */
export const packetFaultSchema = z.discriminatedUnion("type", [
  z
    .strictObject({ type: z.literal("drop"), direction, match: packetMatch, next: count.optional(), every: count.optional() })
    .refine((fault) => (fault.next === undefined) !== (fault.every === undefined), "A drop says either next or every."),
  z.strictObject({ type: z.literal("delayAcks"), direction, delayMs: z.int().min(1).max(PACKET_FAULT_LIMITS.maxDelayMs) }),
  z.strictObject({ type: z.literal("duplicate"), direction, match: packetMatch, next: count }),
  z.strictObject({ type: z.literal("closeAfter"), direction, packets: count }),
]);

// Expectations: each waits (up to its timeout) for what it names, and its result carries what was seen.
const expectReceived = z.strictObject({
  ...common,
  type: z.literal("expectReceived"),
  client: clientName,
  event: eventName,
  /** The first arguments, compared as JSON; more may follow (recovery appends its offset). */
  args: jsonArgs.optional(),
  /** How many such events, not claimed by an earlier expectation, must have arrived; 0: none so far. */
  count: z.int().min(0).max(100).optional(),
  /** The earliest unclaimed event of this name must be the one that matches: checks the order of arrival. */
  inOrder: z.boolean().optional(),
  timeoutMs: timeoutMs.optional(),
});
const expectStatus = z.strictObject({
  ...common,
  type: z.literal("expectStatus"),
  client: clientName,
  state: z.enum(CLIENT_STATES),
  /** The client's own disconnect reason, e.g. "ping timeout", "transport close", "io server disconnect". */
  reason: z.string().min(1).max(L.maxMatchChars).optional(),
  recovered: z.boolean().optional(),
  transport: z.enum(["polling", "websocket"]).optional(),
  timeoutMs: timeoutMs.optional(),
});
const expectServerLog = z.strictObject({
  ...common,
  type: z.literal("expectServerLog"),
  kind: z.enum(SERVER_LOG_KINDS),
  client: clientName.optional(),
  /** Text the entry must contain: its message, frame, reason, room, path or transport. */
  includes: z.string().min(1).max(L.maxMatchChars).optional(),
  /** As for expectReceived: matching entries not claimed by an earlier expectation; 0: none so far. */
  count: z.int().min(0).max(100).optional(),
  timeoutMs: timeoutMs.optional(),
});
const expectAck = z.strictObject({
  ...common,
  type: z.literal("expectAck"),
  /** The `id` of an earlier emit step that asked for an ack. */
  emit: label,
  /** answered: the server's ack came; failed: the client gave up (timeout, disconnect); none: nothing came. */
  outcome: z.enum(["answered", "failed", "none"]),
  /** For answered: the ack's first arguments (after the error slot when the ack is error-first). */
  args: jsonArgs.optional(),
  /** The callback's arguments exactly as it got them, the error slot (null) included when it has one. */
  callbackArgs: jsonArgs.optional(),
  /** Counted from the emit; for "none", how long nothing must come. */
  withinMs: timeoutMs.optional(),
});
const expectSocketId = z.strictObject({
  ...common,
  type: z.literal("expectSocketId"),
  client: clientName,
  /** Compared with the id of the client's previous connection, once it is connected on a new one. */
  same: z.boolean(),
  timeoutMs: timeoutMs.optional(),
});

export const expectationSchema = z.discriminatedUnion("type", [expectReceived, expectStatus, expectServerLog, expectAck, expectSocketId]);

const actions = [
  z.strictObject({
    ...common,
    type: z.literal("connect"),
    client: clientName,
    /** Reconnects the client with this transport (the panel's transport choice), in place of its own. */
    transport: z.enum(TRANSPORTS).optional(),
    wait: z.boolean().optional(),
    timeoutMs: timeoutMs.optional(),
  }),
  z.strictObject({ ...common, type: z.literal("disconnect"), client: clientName }),
  z.strictObject({
    ...common,
    type: z.literal("emit"),
    client: clientName,
    event: eventName,
    args: jsonArgs.optional(),
    ack: z.strictObject({ style: z.enum(["callback", "emitWithAck"]).optional(), timeoutMs: timeoutMs.optional() }).optional(),
    volatile: z.boolean().optional(),
    /** Names this emit for an expectAck step. */
    id: label.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal("join"),
    client: clientName,
    room: z.string().min(1).max(L.maxRoomChars),
    timeoutMs: timeoutMs.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal("leave"),
    client: clientName,
    room: z.string().min(1).max(L.maxRoomChars),
    timeoutMs: timeoutMs.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal("linkFault"),
    client: clientName,
    fault: z.enum(LINK_FAULTS),
    latencyMs: z.int().min(0).max(FAULT_LIMITS.maxLatencyMs).optional(),
    jitterMs: z.int().min(0).max(FAULT_LIMITS.maxJitterMs).optional(),
  }),
  z.strictObject({ ...common, type: z.literal("endLinkFault"), client: clientName, fault: z.enum([...LASTING_LINK_FAULTS, "all"]) }),
  z.strictObject({ ...common, type: z.literal("packetFault"), client: clientName, fault: packetFaultSchema, id: label.optional() }),
  z.strictObject({ ...common, type: z.literal("endPacketFault"), client: clientName, id: label }),
  z.strictObject({ ...common, type: z.literal("clearPacketFaults"), client: clientName }),
  z.strictObject({ ...common, type: z.literal("restartServer") }),
  /** "Run on my lab": the learner's server code replaces the lesson's handlers (the server restarts). */
  z.strictObject({ ...common, type: z.literal("runServerCode"), code: serverCode }),
  /** "Back to the lesson's code": the lesson's own handlers again (the server restarts). */
  z.strictObject({ ...common, type: z.literal("restoreLessonCode") }),
  z.strictObject({ ...common, type: z.literal("setSettings"), values: z.record(z.string().min(1).max(32), z.number()) }),
  z.strictObject({
    ...common,
    type: z.literal("setRecovery"),
    enabled: z.boolean(),
    maxDisconnectionDuration: z.int().min(1000).max(600_000).optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal("configureNodes"),
    adapter: z.enum(["none", "cluster", "redis-streams"]).optional(),
    routing: z.enum(["round-robin", "sticky"]).optional(),
    recovery: z.boolean().optional(),
  }),
  z.strictObject({ ...common, type: z.literal("wait"), ms: z.int().min(1).max(L.maxWaitMs) }),
  z.strictObject({ ...common, type: z.literal("waitFor"), until: expectationSchema }),
] as const;

export const stepSchema = z.discriminatedUnion("type", [
  ...actions,
  expectReceived,
  expectStatus,
  expectServerLog,
  expectAck,
  expectSocketId,
]);

const serverSetup = z.strictObject({
  /** Connection state recovery (not Scaling: its nodes take `nodes.recovery`). */
  recovery: z.strictObject({ enabled: z.boolean(), maxDisconnectionDuration: z.int().min(1000).max(600_000).optional() }).optional(),
  /** Scaling only: how the nodes are joined and balanced. */
  nodes: z
    .strictObject({
      adapter: z.enum(["none", "cluster", "redis-streams"]).optional(),
      routing: z.enum(["round-robin", "sticky"]).optional(),
      recovery: z.boolean().optional(),
    })
    .optional(),
  /** The lesson's settings (its server.ts `settings`), set before the clients connect. */
  settings: z.record(z.string().min(1).max(32), z.number()).optional(),
  /** The learner's server code, run in place of the lesson's handlers (docs/server-code.md). */
  code: serverCode.optional(),
});

export const scenarioSchema = z
  .strictObject({
    version: z.literal(SCENARIO_VERSION),
    lesson: z.enum(COURSE_SLUGS),
    title: name,
    description: z.string().max(L.maxDescriptionChars).optional(),
    server: serverSetup.optional(),
    clients: z.array(client).min(1).max(L.maxClients),
    steps: z.array(stepSchema).min(1).max(L.maxSteps, `At most ${L.maxSteps} steps.`),
  })
  .superRefine((scenario, context) => {
    const issue = (path: (string | number)[], message: string) => context.addIssue({ code: "custom", path, message });
    const clients = new Set<string>();
    scenario.clients.forEach((c, i) => {
      if (clients.has(c.name)) issue(["clients", i, "name"], `Two clients are called "${c.name}".`);
      clients.add(c.name);
      if (c.node !== undefined && scenario.lesson !== "scaling") issue(["clients", i, "node"], "Only the Scaling lab has nodes.");
    });
    if (scenario.server?.nodes && scenario.lesson !== "scaling") issue(["server", "nodes"], "Only the Scaling lab has nodes.");
    if (scenario.server?.recovery && scenario.lesson === "scaling") {
      issue(["server", "recovery"], "The Scaling lab sets recovery on its nodes: use server.nodes.recovery.");
    }
    const emits = new Map<string, boolean>();
    const faults = new Map<string, string>();
    let waited = 0;
    const checkClient = (path: (string | number)[], name: string | undefined) => {
      if (name !== undefined && !clients.has(name)) issue(path, `No client called "${name}" in this scenario's clients.`);
    };
    const checkExpectation = (path: (string | number)[], step: z.infer<typeof expectationSchema>) => {
      if ("client" in step) checkClient([...path, "client"], step.client);
      if (step.type === "expectAck") {
        const asked = emits.get(step.emit);
        if (asked === undefined) issue([...path, "emit"], `No earlier emit step has the id "${step.emit}".`);
        else if (!asked) issue([...path, "emit"], `The emit "${step.emit}" asks for no ack.`);
      }
    };
    scenario.steps.forEach((step, i) => {
      const path = ["steps", i];
      if (step.type === "waitFor") return checkExpectation([...path, "until"], step.until);
      if (step.type.startsWith("expect")) return checkExpectation(path, step as z.infer<typeof expectationSchema>);
      if ("client" in step) checkClient([...path, "client"], step.client);
      if (step.type === "emit" && step.id !== undefined) {
        if (emits.has(step.id)) issue([...path, "id"], `Two emits have the id "${step.id}".`);
        emits.set(step.id, step.ack !== undefined);
      }
      if (step.type === "packetFault" && step.id !== undefined) {
        if (faults.has(step.id)) issue([...path, "id"], `Two packet faults have the id "${step.id}".`);
        faults.set(step.id, step.client);
      }
      if (step.type === "endPacketFault" && faults.get(step.id) !== step.client) {
        issue([...path, "id"], `No earlier packet fault on ${step.client} has the id "${step.id}".`);
      }
      if (step.type === "linkFault" && step.fault === "latency" && step.latencyMs === undefined) {
        issue([...path, "latencyMs"], "A latency fault says its latencyMs.");
      }
      if (step.type === "setRecovery" && scenario.lesson === "scaling") {
        issue(path, "The Scaling lab sets recovery with configureNodes.");
      }
      if (step.type === "configureNodes" && scenario.lesson !== "scaling") issue(path, "Only the Scaling lab has nodes.");
      if (step.type === "wait") waited += step.ms;
    });
    if (waited > L.maxTotalMs) issue(["steps"], `The wait steps add up to ${waited} ms; a scenario runs at most ${L.maxTotalMs / 1000} s.`);
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;
export type ScenarioExpectation = z.infer<typeof expectationSchema>;
export type ScenarioClient = Scenario["clients"][number];
export type ScenarioStepType = ScenarioStep["type"];

export type ParsedScenario = { ok: true; scenario: Scenario } | { ok: false; error: string; newerVersion?: true };

/** Reads a scenario from anything (a parsed JSON value): the scenario, or one clear message of what is wrong. */
export function parseScenario(input: unknown): ParsedScenario {
  const version = (input as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > SCENARIO_VERSION) {
    return {
      ok: false,
      newerVersion: true,
      error: `This scenario was made by a newer version of the playground (format ${version}); this one reads format ${SCENARIO_VERSION}.`,
    };
  }
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) return { ok: true, scenario: parsed.data };
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "scenario"}: ${issue.message.replace(/\.$/, "")}`);
  const more = parsed.error.issues.length - problems.length;
  return { ok: false, error: `Not a valid scenario: ${problems.join("; ")}${more > 0 ? `; and ${more} more` : ""}.` };
}

/** Reads a scenario from its JSON text, with the size cap checked before parsing. */
export function parseScenarioJson(text: string): ParsedScenario {
  const bytes = utf8Bytes(text);
  if (bytes > L.maxJsonBytes) return { ok: false, error: `A scenario is at most ${L.maxJsonBytes} bytes of JSON; this one is ${bytes}.` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not a valid scenario: the JSON does not parse (${(error as Error).message}).` };
  }
  return parseScenario(value);
}
