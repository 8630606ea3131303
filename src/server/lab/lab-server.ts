import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { Server as EngineServer } from "engine.io";
import { Server, type Namespace, type ServerOptions } from "socket.io";
import { SessionAwareAdapter } from "socket.io-adapter";
import type { PlaygroundLimits } from "../config.js";
import type { LessonRoute } from "../../lessons/lab-context.js";
import type { InspectorSnapshot } from "../../shared/inspector.js";
import { socketsOf } from "./client-name.js";
import { inspectServer } from "./inspector-state.js";
import { applyLabRules, lessonLog, WHOLE_LAB } from "./lab-rules.js";
import { connectionRefusal, LAB_IO_OPTIONS, labEngineOptions } from "./lab-server-options.js";
import { PollingSessions } from "./polling-sessions.js";
import type { LabBackend, LabBackendParts } from "./lab-backend.js";

/** Labs answer heartbeats fast so that a dead link shows within seconds (Socket.IO's defaults take 45 s). */
export const LAB_HEARTBEAT = { pingInterval: 3000, pingTimeout: 2000 };

/**
 * Socket.IO's adapter for connection state recovery starts a 60 s sweep timer in its constructor and never
 * stops it: its close() is the base adapter's no-op (socket.io-adapter 2.5.8). That timer holds the adapter,
 * and through it the namespace, the server, this LabServer and the lab's log, for good: every recovery lab,
 * and each of its restarts, stayed in memory after it closed. This one keeps the timer and stops it on close.
 */
class ClosableSessionAwareAdapter extends SessionAwareAdapter {
  private readonly sweepers: ReturnType<typeof setInterval>[];

  constructor(nsp: Namespace) {
    // The timer is a local of the parent constructor: catch it as it is made (construction is synchronous).
    const started: ReturnType<typeof setInterval>[] = [];
    const setIntervalBefore = globalThis.setInterval;
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
      const timer = setIntervalBefore(...args);
      started.push(timer);
      return timer;
    }) as typeof setInterval;
    try {
      super(nsp);
    } finally {
      globalThis.setInterval = setIntervalBefore;
    }
    this.sweepers = started;
  }

  override close(): Promise<void> | void {
    for (const timer of this.sweepers) clearInterval(timer);
    return super.close();
  }
}

/** What a lab server is made of: the lesson, the options in force, and the lab's log, settings and database. */
export type LabServerParts = LabBackendParts;

/**
 * The real Socket.IO server inside a lab, running the lesson's handlers with the lesson's options.
 * It is bound to its own Engine.IO server and attached to no HTTP server: the lab hands it requests.
 */
export class LabServer implements LabBackend {
  readonly heartbeat: { pingInterval: number; pingTimeout: number };
  private readonly engine: EngineServer;
  private readonly io: Server;
  /** The lesson's plain HTTP routes by path, and what to clear when this server stops. */
  private readonly routes = new Map<string, LessonRoute>();
  private readonly cleanups: (() => void)[] = [];
  private readonly sessions: PollingSessions;

  private readonly limits: PlaygroundLimits;
  private readonly acceptsOrigin: (req: IncomingMessage) => boolean;

  constructor({ handlers, options, limits, log, onActivity, onStateChange, settings, database, acceptsOrigin }: LabServerParts) {
    this.acceptsOrigin = acceptsOrigin;
    this.limits = limits;
    this.heartbeat = {
      pingInterval: options.pingInterval ?? LAB_HEARTBEAT.pingInterval,
      pingTimeout: options.pingTimeout ?? LAB_HEARTBEAT.pingTimeout,
    };
    this.engine = new EngineServer({
      ...labEngineOptions(this.heartbeat, Math.min(limits.maxPayloadBytes, options.maxHttpBufferSize ?? Number.POSITIVE_INFINITY)),
      allowRequest: (req, callback) => this.allowRequest(req, callback),
    });
    // Socket.IO fills in these options' defaults (e.g. maxDisconnectionDuration): the inspector reads them back.
    const ioOptions: Partial<ServerOptions> = {
      connectionStateRecovery: options.connectionStateRecovery && { ...options.connectionStateRecovery },
      ...(options.connectionStateRecovery ? { adapter: ClosableSessionAwareAdapter } : {}),
      ...LAB_IO_OPTIONS,
    };
    this.io = new Server(ioOptions);
    this.io.bind(this.engine);
    this.sessions = new PollingSessions(this.engine);
    // The lab's own listeners go first, so limits and logging hold whatever the lesson's handlers do.
    applyLabRules(this.io, {
      caps: {
        maxClients: limits.maxClientsPerLab,
        maxRooms: limits.maxRoomsPerLab,
        maxEventsPerSecond: limits.maxEventsPerSecond,
        maxOutgoingBytes: limits.maxOutgoingBytes,
        maxRecoveryPackets: limits.maxRecoveryPackets,
      },
      scope: WHOLE_LAB,
      log,
      onActivity,
      onStateChange,
    });
    handlers?.(this.io, {
      log: lessonLog(log),
      settings,
      database,
      get: (path, route) => void this.routes.set(path, route),
      onClose: (cleanup) => void this.cleanups.push(cleanup),
    });
  }

  get clientCount(): number {
    return this.io.of("/").sockets.size;
  }

  get isEmpty(): boolean {
    return this.clientCount === 0 && this.engine.clientsCount === 0;
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.engine.handleRequest(req, res);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.engine.handleUpgrade(req, socket, head);
  }

  /** The lesson's own HTTP route at `path`, if it has one. */
  route(path: string): LessonRoute | undefined {
    return this.routes.get(path);
  }

  /** The server's state as the real server holds it: sockets, rooms, recovery buffer, options. */
  inspect(): Omit<InspectorSnapshot, "links"> {
    return { at: Date.now(), ...inspectServer(this.io) };
  }

  /** `socket.disconnect()` on every socket of that client; returns how many there were. */
  disconnectClient(name: string): number {
    const sockets = socketsOf(this.io.of("/"), name);
    for (const socket of sockets) socket.disconnect();
    return sockets.length;
  }

  /**
   * A long-polling session whose connection was cut between two polls: fail its transport the way Engine.IO
   * does when a poll connection closes early, so the server notices now rather than at the next ping timeout.
   */
  failPolling(sid: string): void {
    this.sessions.fail(sid);
  }

  releasePoll(sid: string): void {
    this.sessions.release(sid);
  }

  /** Disconnects every client ("server shutting down") and frees the server. */
  close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    return new Promise((resolve) => this.io.close(() => resolve()));
  }

  private allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void {
    if (!this.acceptsOrigin(req)) return callback("Cross-origin connections to a lab are not allowed", false);
    const refusal = connectionRefusal(this.engine.clientsCount, this.limits.maxClientsPerLab, WHOLE_LAB.noun);
    callback(refusal ?? null, refusal === undefined);
  }
}
