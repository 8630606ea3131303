import type { ScenarioExpectation } from "../../shared/scenario/schema.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import type { ClientStatus, ReceivedEntry } from "../virtual-client.js";
import { argsStartWith, asJson, brief } from "./json-evidence.js";
import type { Observations, SeenEntry, SeenStatus } from "./observations.js";
import type { Evidence } from "./scenario-events.js";

/** An emit that asked for an ack, by its step `id`: when it left, whether its ack is error-first, how it ended. */
export interface TrackedAck {
  client: string;
  event: string;
  emittedAt: number;
  errorFirst: boolean;
  settled?: ReceivedEntry;
}

export interface ExpectationContext {
  observations: Observations;
  acks: ReadonlyMap<string, TrackedAck>;
  /** The observation sequence when the last action step started: "after that action". */
  actionSeq: number;
  /** The last action restarted the lab's server: no status from before it is still in effect. */
  restarted: boolean;
  /** How long this step may wait: its own timeout, cut short by the run's deadline. */
  timeoutMs: number;
  signal: AbortSignal;
}

export interface Verdict {
  passed: boolean;
  evidence: Evidence;
}

/**
 * Waits for what an expectation names, then says whether it holds, with what was seen. Each wait re-checks on
 * every observation and gives up at its timeout: the result never depends on how fast the machine is, only on
 * the order in which things really happened.
 */
export function checkExpectation(expectation: ScenarioExpectation, context: ExpectationContext): Promise<Verdict> {
  switch (expectation.type) {
    case "expectReceived":
      return expectReceived(expectation, context);
    case "expectServerLog":
      return expectServerLog(expectation, context);
    case "expectStatus":
      return expectStatus(expectation, context);
    case "expectAck":
      return expectAck(expectation, context);
    case "expectSocketId":
      return expectSocketId(expectation, context);
  }
}

type Of<T extends ScenarioExpectation["type"]> = Extract<ScenarioExpectation, { type: T }>;

/** The matching entries no earlier expectation claimed; waits until `count` of them (default 1) are there. */
async function claimCount<T>(
  list: () => SeenEntry<T>[],
  matches: (value: T) => boolean,
  count: number,
  context: ExpectationContext,
): Promise<SeenEntry<T>[]> {
  const unclaimed = () => list().filter((seen) => !seen.claimed && matches(seen.value));
  if (count === 0) return unclaimed();
  const found = await context.observations.until(
    () => {
      const now = unclaimed();
      return now.length >= count ? now.slice(0, count) : undefined;
    },
    context.timeoutMs,
    context.signal,
  );
  return found ?? unclaimed();
}

function receivedEvidence(entry: ReceivedEntry) {
  return { at: entry.at, event: entry.event, args: asJson(entry.args), frames: entry.frames };
}

async function expectReceived(expectation: Of<"expectReceived">, context: ExpectationContext): Promise<Verdict> {
  const { client, event, args } = expectation;
  const count = expectation.count ?? 1;
  const list = () => context.observations.received.get(client) ?? [];
  const matches = (entry: ReceivedEntry) => entry.event === event && (args === undefined || argsStartWith(entry.args, args));
  const what = `${client} receives "${event}"${args ? ` with ${brief(args)}` : ""}`;
  if (expectation.inOrder) return expectNextReceived(expectation, context, matches, what);
  const found = await claimCount(list, matches, count, context);
  if (count === 0) {
    if (found.length === 0)
      return { passed: true, evidence: { summary: `${client} has received no "${event}"${args ? ` with ${brief(args)}` : ""}.` } };
    return {
      passed: false,
      evidence: {
        summary: `${client} received "${event}" ${found.length} time(s).`,
        data: found.map((seen) => receivedEvidence(seen.value)),
      },
    };
  }
  if (found.length >= count) {
    for (const seen of found) seen.claimed = true;
    const frames = found.flatMap((seen) => seen.value.frames).slice(0, 6);
    return {
      passed: true,
      evidence: {
        summary: `${what}${count > 1 ? ` ${count} times` : ""}: ${frames.join(" ") || brief(found[0]?.value.args)}`,
        data: found.map((seen) => receivedEvidence(seen.value)),
      },
    };
  }
  const instead = list()
    .filter((seen) => !seen.claimed)
    .slice(-5)
    .map((seen) => receivedEvidence(seen.value));
  return {
    passed: false,
    evidence: {
      summary: `Expected ${what}${count > 1 ? ` ${count} times` : ""} within ${context.timeoutMs} ms; got ${found.length}. ${
        instead.length
          ? `It received instead: ${instead.map((seen) => `${seen.event} ${brief(seen.args, 60)}`).join(", ")}.`
          : "It received nothing else."
      }`,
      data: instead,
    },
  };
}

/** The earliest unclaimed event of that name, once there is one, must be the expected one. */
async function expectNextReceived(
  { client, event }: Of<"expectReceived">,
  context: ExpectationContext,
  matches: (entry: ReceivedEntry) => boolean,
  what: string,
): Promise<Verdict> {
  const earliest = () => (context.observations.received.get(client) ?? []).find((seen) => !seen.claimed && seen.value.event === event);
  const found = await context.observations.until(earliest, context.timeoutMs, context.signal);
  if (!found) return { passed: false, evidence: { summary: `Expected ${what} next; no "${event}" came within ${context.timeoutMs} ms.` } };
  found.claimed = true;
  const data = receivedEvidence(found.value);
  if (matches(found.value)) return { passed: true, evidence: { summary: `${what} next: ${found.value.frames.join(" ")}`, data } };
  return { passed: false, evidence: { summary: `Expected ${what} next; the next "${event}" had ${brief(found.value.args)}.`, data } };
}

/** The words of a log entry that `includes` may look for. */
function logText(entry: ServerLogEntry): string {
  switch (entry.kind) {
    case "connect":
    case "upgrade":
      return `${entry.socketId} ${entry.transport}`;
    case "disconnect":
      return `${entry.socketId} ${entry.reason} ${entry.description ?? ""}`;
    case "received":
    case "sent":
      return entry.frame;
    case "refused":
    case "log":
    case "fault":
      return entry.message;
    case "http":
      return `${entry.method} ${entry.path} ${entry.status} ${entry.body ?? ""}`;
    case "room":
      return `${entry.action} ${entry.room}`;
  }
}

const entryClient = (entry: ServerLogEntry) => ("client" in entry ? entry.client : undefined);

async function expectServerLog(expectation: Of<"expectServerLog">, context: ExpectationContext): Promise<Verdict> {
  const { kind, client, includes } = expectation;
  const count = expectation.count ?? 1;
  const matches = (entry: ServerLogEntry) =>
    entry.kind === kind &&
    (client === undefined || entryClient(entry) === client) &&
    (includes === undefined || logText(entry).includes(includes));
  const what = `a server log entry "${kind}"${client ? ` of ${client}` : ""}${includes ? ` with "${includes}"` : ""}`;
  const found = await claimCount(() => context.observations.log, matches, count, context);
  if (count === 0) {
    return found.length === 0
      ? { passed: true, evidence: { summary: `The server log has no ${what.slice(2)}.` } }
      : {
          passed: false,
          evidence: { summary: `The server log has ${found.length} ${what.slice(2)}.`, data: found.map((seen) => seen.value) },
        };
  }
  if (found.length >= count) {
    for (const seen of found) seen.claimed = true;
    return {
      passed: true,
      evidence: {
        summary: `The server logged ${found.map((seen) => `${seen.value.kind}: ${logText(seen.value)}`).join("; ")}`,
        data: found.map((seen) => seen.value),
      },
    };
  }
  const instead = context.observations.log
    .filter((seen) => !seen.claimed && seen.value.kind === kind)
    .slice(-5)
    .map((seen) => seen.value);
  return {
    passed: false,
    evidence: {
      summary: `Expected ${what} within ${context.timeoutMs} ms. ${
        instead.length
          ? `The log has instead: ${instead.map((entry) => logText(entry)).join("; ")}.`
          : `The log has no other "${kind}" entry.`
      }`,
      data: instead,
    },
  };
}

export function describeStatus(status: ClientStatus): string {
  if (status.state === "connected") return `connected (${status.transport}${status.recovered ? ", recovered" : ""}, id ${status.socketId})`;
  if (status.state === "disconnected") return `disconnected (${status.reason}${status.description ? `: ${status.description}` : ""})`;
  return "connecting";
}

/**
 * The statuses an expectation about `client` may match: those after the one the last status expectation
 * claimed, and at the earliest the one in effect when the last action started (so "Alice is connected" holds
 * for a connection made before it, and "Alice is disconnected" after a drop finds the disconnect the drop made,
 * even if she has reconnected since). After a restart the connection made before it is gone, so only statuses
 * since the action count.
 */
function statusCandidates(client: string, context: ExpectationContext): SeenStatus[] {
  const all = context.observations.statuses.get(client) ?? [];
  const cursor = context.observations.statusCursor.get(client) ?? 0;
  const inEffect = context.restarted ? context.actionSeq : (all.filter((seen) => seen.seq < context.actionSeq).at(-1)?.seq ?? 0);
  const floor = Math.max(cursor + 1, inEffect);
  return all.filter((seen) => seen.seq >= floor);
}

async function expectStatus(expectation: Of<"expectStatus">, context: ExpectationContext): Promise<Verdict> {
  const { client, state, reason, recovered, transport } = expectation;
  const matches = ({ status }: SeenStatus) =>
    status.state === state &&
    (reason === undefined || (status.state === "disconnected" && status.reason === reason)) &&
    (recovered === undefined || (status.state === "connected" && status.recovered === recovered)) &&
    (transport === undefined || (status.state === "connected" && status.transport === transport));
  const found = await context.observations.until(() => statusCandidates(client, context).find(matches), context.timeoutMs, context.signal);
  const wanted = `${state}${reason ? ` (${reason})` : ""}${recovered === undefined ? "" : recovered ? ", recovered" : ", not recovered"}${
    transport ? ` over ${transport}` : ""
  }`;
  if (found) {
    context.observations.statusCursor.set(client, found.seq);
    return { passed: true, evidence: { summary: `${client} is ${describeStatus(found.status)}.`, data: found.status } };
  }
  const seen = statusCandidates(client, context);
  return {
    passed: false,
    evidence: {
      summary: `Expected ${client} to be ${wanted} within ${context.timeoutMs} ms; ${client} was ${
        seen.length ? seen.map(({ status }) => describeStatus(status)).join(", then ") : "unchanged"
      }.`,
      data: seen.map(({ status }) => status),
    },
  };
}

/** How an ack ended, from the entry the client recorded: answered with these arguments, or failed with this error. */
function ackOutcome(ack: TrackedAck, entry: ReceivedEntry): { outcome: "answered" | "failed"; args: unknown[]; error?: string } {
  const [first, ...rest] = entry.args;
  if (entry.how === "emitWithAck rejected" || first instanceof Error) {
    return { outcome: "failed", args: [], error: first instanceof Error ? first.message : String(first) };
  }
  return { outcome: "answered", args: ack.errorFirst && entry.how === "callback" ? rest : entry.args };
}

async function expectAck(expectation: Of<"expectAck">, context: ExpectationContext): Promise<Verdict> {
  const ack = context.acks.get(expectation.emit);
  if (!ack) return { passed: false, evidence: { summary: `The emit "${expectation.emit}" has not run yet.` } };
  const within = expectation.withinMs;
  const deadline = within === undefined ? Date.now() + context.timeoutMs : Math.min(ack.emittedAt + within, Date.now() + context.timeoutMs);
  const settled = await context.observations.until(() => ack.settled, Math.max(0, deadline - Date.now()), context.signal);
  const of = `${ack.client}'s "${ack.event}"`;
  if (!settled || (within !== undefined && settled.at - ack.emittedAt > within)) {
    const late = settled ? ` (it came after ${settled.at - ack.emittedAt} ms)` : "";
    const summary = `No ack for ${of} within ${within ?? context.timeoutMs} ms${late}.`;
    return { passed: expectation.outcome === "none", evidence: { summary, ...(settled ? { data: asJson(settled) } : {}) } };
  }
  const result = ackOutcome(ack, settled);
  const elapsed = settled.at - ack.emittedAt;
  const data = { how: settled.how, args: asJson(settled.args), frames: settled.frames, elapsedMs: elapsed };
  const told =
    result.outcome === "answered"
      ? `The ack for ${of} came after ${elapsed} ms with ${brief(result.args)}${settled.frames.length ? ` (${settled.frames.join(" ")})` : ""}.`
      : `The ack for ${of} failed after ${elapsed} ms: ${result.error}.`;
  const argsOk =
    (expectation.args === undefined || argsStartWith(result.args, expectation.args)) &&
    (expectation.callbackArgs === undefined ||
      (settled.args.length === expectation.callbackArgs.length && argsStartWith(settled.args, expectation.callbackArgs)));
  const passed = result.outcome === expectation.outcome && argsOk;
  const expected = expectation.callbackArgs ? `the callback's arguments ${brief(expectation.callbackArgs)}` : brief(expectation.args);
  return { passed, evidence: { summary: argsOk ? told : `${told} Expected ${expected}; the callback got ${brief(settled.args)}.`, data } };
}

async function expectSocketId(expectation: Of<"expectSocketId">, context: ExpectationContext): Promise<Verdict> {
  const { client, same } = expectation;
  const connections = () => (context.observations.statuses.get(client) ?? []).filter((seen) => seen.status.state === "connected");
  // A connection made after the last action started, and the one before it.
  const found = await context.observations.until(
    () => {
      const list = connections();
      const index = list.findIndex((seen) => seen.seq > context.actionSeq);
      return index > 0 ? { previous: list[index - 1], current: list[index] } : undefined;
    },
    context.timeoutMs,
    context.signal,
  );
  const idOf = (seen: SeenStatus | undefined) => (seen?.status.state === "connected" ? seen.status.socketId : "");
  if (!found) {
    return {
      passed: false,
      evidence: {
        summary: `${client} did not connect again within ${context.timeoutMs} ms.`,
        data: connections().map((seen) => seen.status),
      },
    };
  }
  const before = idOf(found.previous);
  const after = idOf(found.current);
  const kept = before === after;
  return {
    passed: kept === same,
    evidence: {
      summary: kept ? `${client} kept the socket id ${after}.` : `${client}'s socket id changed from ${before} to ${after}.`,
      data: { before, after, recovered: found.current?.status.state === "connected" && found.current.status.recovered },
    },
  };
}
