import type { Server } from "socket.io";
import type { ServerLogEntry } from "../../shared/server-log.js";
import { truncate, type FrameData } from "../../shared/wire.js";
import { capClients } from "./client-cap.js";
import { ignoreBlindPongs } from "./blind-pongs.js";
import { cutFloods, FloodBudgets, type SharedFloodBudgets } from "./flood-cap.js";
import { capOutgoing } from "./outgoing-cap.js";
import { capRecoveryBuffer } from "./recovery-buffer-cap.js";
import { logRooms } from "./room-log.js";
import { capRooms } from "./room-cap.js";
import { logSocket } from "./socket-log.js";

/** The caps a lab holds its Socket.IO server to, whichever backend runs it. */
export interface LabCaps {
  /** Sockets connected at once; one more gets a connect_error. */
  maxClients: number;
  /** Rooms held at once (each socket's own room not counted); a join past it is refused. */
  maxRooms: number;
  /** Events one client (by name, else address) may send per second, across reconnects; a flood is disconnected. */
  maxEventsPerSecond: number;
  /** Bytes queued for one connection that its client has not read; past it the connection is closed. */
  maxOutgoingBytes: number;
  /** Packets kept for connection state recovery (the in-memory adapter keeps them all otherwise). */
  maxRecoveryPackets: number;
}

/**
 * What a cap's message calls the server that is full: a lab is one server, a Scaling lab's node one of
 * several, and the learner should read which one refused ("This lab already has…", "Node A already has…").
 */
export interface LabScope {
  subject: string;
  noun: string;
  actor: string;
}

export const WHOLE_LAB: LabScope = { subject: "This lab", noun: "lab", actor: "the lab" };

export function nodeScope(name: string): LabScope {
  return { subject: `Node ${name}`, noun: "node", actor: `node ${name}` };
}

/** Where the rules write the server log: the lab's own ServerLog, or a node's channel to its host. */
export interface LabLog {
  add(entry: ServerLogEntry): void;
  /** A frame received from or sent to a client (the hot path: the sink may keep it cheaply). */
  addFrame(kind: "received" | "sent", client: string, socketId: string, data: FrameData): void;
}

export interface LabRules {
  caps: LabCaps;
  scope: LabScope;
  log: LabLog;
  /** A client connected or disconnected: the lab is in use. */
  onActivity(): void;
  /** The server's state changed without a log entry of its own (a room joined or left, a transport upgraded). */
  onStateChange(): void;
  /** On one of several nodes of a lab: the events budgets are the lab's, shared with the other nodes. */
  sharedFlood?: SharedFloodBudgets;
}

/**
 * The rules of every lab, on whichever server runs its sockets (LabServer in process, a Scaling lab's
 * node in its own process): admitting and naming clients, the caps, and the server log. Call it before
 * the lesson's handlers are set up, so that the rules hold whatever the handlers do.
 */
export function applyLabRules(io: Server, rules: LabRules): void {
  const namespace = io.of("/");
  logRooms(namespace, rules);
  capRecoveryBuffer(namespace, rules.caps.maxRecoveryPackets);
  capClients(io, rules);
  ignoreBlindPongs(io);
  // One server's budgets, kept across its clients' reconnects (and, on a node, holding the lab's debts).
  const budgets = new FloodBudgets(rules.caps.maxEventsPerSecond, rules.caps.maxClients, rules.sharedFlood);
  io.on("connection", (socket) => {
    rules.onActivity();
    // Here rather than in a middleware: a recovered socket skips middlewares, but not this listener.
    capRooms(socket, rules);
    logSocket(socket, rules);
    cutFloods(socket, rules, budgets);
    capOutgoing(socket, rules);
  });
}

/** The lesson's own lines in the server log (its `log(message)`), cut short as every entry is. */
export function lessonLog(log: LabLog): (message: string) => void {
  return (message) => log.add({ at: Date.now(), kind: "log", message: truncate(message) });
}
