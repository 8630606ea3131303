import { decodeFrame, type DecodedPacket } from "./frame-decoder.js";
import type { LinkState } from "./network.js";
import type { ServerLogEntry } from "./server-log.js";

/** Pass or fail, with the lines of the server log that decided it. */
export interface Verdict {
  pass: boolean;
  evidence: string[];
}

/** A change to the run client's link `atMs` after it first connects, or a Drop (a cut: what is in flight is lost). */
export interface FaultStep {
  atMs: number;
  change?: Partial<LinkState>;
  drop?: true;
}

/**
 * A lesson's code exercise, judged from what the lab server observed (its log), never from the code's text.
 * The run's client is always "Code"; the page applies `before` and `steps` to its link through the lab API.
 */
export interface Exercise {
  /** What to make happen, in a sentence or two. */
  task: string;
  /** Help before the solution, one step at a time: each press of "Hint" shows the next. */
  hints: readonly string[];
  before?: Partial<LinkState>;
  steps?: FaultStep[];
  /** How long the judge waits for a pass before it calls the run a fail. */
  withinMs: number;
  judge(entries: readonly ServerLogEntry[]): Verdict;
}

export const RUN_CLIENT = "Code";

/** One frame the server saw from (`received`) or wrote to (`sent`) the run's client, decoded. */
export interface SeenFrame {
  kind: "received" | "sent";
  raw: string;
  packet?: DecodedPacket;
}

/** The run client's frames in the order the server logged them. */
export function runFrames(entries: readonly ServerLogEntry[], client = RUN_CLIENT): SeenFrame[] {
  return entries.flatMap((entry) =>
    (entry.kind === "received" || entry.kind === "sent") && entry.client === client
      ? [{ kind: entry.kind, raw: entry.frame, ...(decodeFrame(entry.frame).packet ? { packet: decodeFrame(entry.frame).packet } : {}) }]
      : [],
  );
}

/** How a frame reads in the evidence: who sent it, then the frame. */
export function describeFrame(frame: SeenFrame, client = RUN_CLIENT): string {
  return frame.kind === "received" ? `server received from ${client}: ${frame.raw}` : `server sent to ${client}: ${frame.raw}`;
}

/** The run client's connects and disconnects, as evidence lines. */
export function connections(entries: readonly ServerLogEntry[], client = RUN_CLIENT): ServerLogEntry[] {
  return entries.filter((entry) => (entry.kind === "connect" || entry.kind === "disconnect") && entry.client === client);
}

export function describeEntry(entry: ServerLogEntry): string {
  switch (entry.kind) {
    case "connect":
      return `${entry.client} connected over ${entry.transport} as ${entry.socketId}`;
    case "disconnect":
      return `${entry.client} (${entry.socketId}) disconnected: ${entry.reason}`;
    case "room":
      return `${entry.client} ${entry.action} room "${entry.room}"`;
    default:
      return entry.kind;
  }
}

/** A verdict for a judge that found nothing from the run client at all. */
export function nothingSeen(what: string): Verdict {
  return { pass: false, evidence: [`The server has not seen ${what} from ${RUN_CLIENT} yet.`] };
}
