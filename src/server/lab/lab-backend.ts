import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { InspectorSnapshot } from "../../shared/inspector.js";
import type { LabInfo } from "../../shared/lab-api.js";
import type { PlaygroundLimits } from "../config.js";
import type { Server } from "socket.io";
import type { LabContext, LabDatabase, LessonRoute, LessonServerOptions } from "../../lessons/lab-context.js";
import type { ServerLog } from "./server-log.js";
import type { CompiledServerCode } from "../sandbox/compile.js";

/** A lesson's handlers as a lab runs them: on a server that carries no event types (the lesson's own are its business). */
export type LessonHandlers = (io: Server, lab: LabContext) => void;

/** What a lab gives the backend it starts: the lesson's handlers, the options in force, and the lab's log, settings and database. */
export interface LabBackendParts {
  /** The lab's id: its URLs start at `/labs/<id>`, and it keeps the lab's shared state (e.g. in Redis) apart. */
  id: string;
  /** The handlers to run in the playground's process; a backend that runs them elsewhere has none. */
  handlers: LessonHandlers | undefined;
  options: LessonServerOptions;
  limits: PlaygroundLimits;
  log: ServerLog;
  onActivity(): void;
  onStateChange(): void;
  settings: Readonly<Record<string, number>>;
  database(): LabDatabase;
  /** Whether a browser request's Origin may reach this lab (the lab's own pages, and code runs it admitted). */
  acceptsOrigin(req: IncomingMessage): boolean;
  /** A backend that runs learner code elsewhere (a Scaling node) says here when that code hit a limit and stopped. */
  onLearnerCodeStopped(reason: string): void;
}

/**
 * What a lab runs behind its network links and log: one in-process Socket.IO server (LabServer), or, for
 * the Scaling lesson, several node processes behind a balancer. The lab hands it requests that already
 * passed the client's link, and asks it for its state; it never knows which kind it holds.
 */
export interface LabBackend {
  readonly heartbeat: { pingInterval: number; pingTimeout: number };
  readonly clientCount: number;
  readonly isEmpty: boolean;
  /**
   * Whether `path` (what follows `/labs/<id>/`) reaches a Socket.IO server of this backend besides the lab's
   * own `socket.io/`, e.g. one node of several: the dispatcher asks before it hands a request over.
   */
  servesPath?(path: string): boolean;
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The lesson's own HTTP route at `path`, if it has one. */
  route(path: string): LessonRoute | undefined;
  inspect(): Omit<InspectorSnapshot, "links">;
  /** `socket.disconnect()` on every socket of that client; returns how many there were. */
  disconnectClient(name: string): number;
  /** A polling session whose connection the client's link cut: the server should notice now. */
  failPolling(sid: string): void;
  /**
   * Answers a polling session's waiting poll now, with a noop, as Engine.IO does to release one: the link
   * adds the packets it delayed to that response (packet faults, "delay acks").
   */
  releasePoll?(sid: string): void;
  /** Starts over in place, if it knows how (keeping choices a new backend would not know); else the lab makes a new one. */
  restart?(): Promise<void>;
  /** What the backend adds to the lab's description, e.g. the Scaling lab's nodes. */
  info?(): Partial<LabInfo>;
  /**
   * Switches connection state recovery in place, with a window of the backend's own. A backend without it
   * is started anew with the options the lab then holds.
   */
  setRecovery?(on: boolean): Promise<void>;
  /**
   * Runs a learner's compiled server code on the backend's own servers (each in a sandbox of its own), or
   * the lesson's again when `code` is undefined; restarts them. A backend without it runs handlers in process.
   */
  runLearnerCode?(code: CompiledServerCode | undefined): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Changes the backend's own setup (the Scaling lab's adapter and balancer); a reason when the change is refused. */
  configure?(change: unknown): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;
}
