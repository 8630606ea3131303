import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { Server, type ServerOptions } from "socket.io";
import type { LabContext, LabDatabase, LessonRoute, LessonServerOptions } from "../../../../lessons/lab-context.js";
import { socketsOf } from "../../../../server/lab/client-name.js";
import type { LabLog, LabRules } from "../../../../server/lab/lab-rules.js";
import { PollingSessions } from "../../../../server/lab/polling-sessions.js";
import { logRooms } from "../../../../server/lab/room-log.js";
import { logSocket } from "../../../../server/lab/socket-log.js";
import { truncate } from "../../../../shared/wire.js";

/** The lab's heartbeat (LAB_HEARTBEAT in src/server/lab/lab-server.ts; a unit test keeps them equal). */
export const EXPORT_HEARTBEAT = { pingInterval: 3000, pingTimeout: 2000 };
/** The lab's payload cap (PLAYGROUND_MAX_PAYLOAD_BYTES' default), so a large emit fails here as it does there. */
export const EXPORT_MAX_PAYLOAD_BYTES = 64 * 1024;

export type LessonHandlers = (io: Server, lab: LabContext) => void;

export interface ServerParts {
  handlers: LessonHandlers | undefined;
  options: LessonServerOptions;
  log: LabLog;
  settings: Record<string, number>;
  database: () => LabDatabase;
}

/**
 * One plain Socket.IO server with the lesson's handlers, as the lab's LabServer runs it: the same engine
 * options, the same server log (the lab's own socket and room loggers), and a lab context of the log, the
 * settings, the database and the routes. It listens on no port: the fault proxy hands it each request once
 * the client's link lets it through, as the lab does.
 */
export class PlainServer {
  readonly heartbeat: { pingInterval: number; pingTimeout: number };
  private readonly io: Server;
  private readonly routes = new Map<string, LessonRoute>();
  private readonly cleanups: (() => void)[] = [];
  private readonly sessions: PollingSessions;

  constructor({ handlers, options, log, settings, database }: ServerParts) {
    this.heartbeat = {
      pingInterval: options.pingInterval ?? EXPORT_HEARTBEAT.pingInterval,
      pingTimeout: options.pingTimeout ?? EXPORT_HEARTBEAT.pingTimeout,
    };
    const ioOptions: Partial<ServerOptions> = {
      ...this.heartbeat,
      maxHttpBufferSize: Math.min(EXPORT_MAX_PAYLOAD_BYTES, options.maxHttpBufferSize ?? Number.POSITIVE_INFINITY),
      httpCompression: false,
      perMessageDeflate: false,
      cleanupEmptyChildNamespaces: true,
      ...(options.connectionStateRecovery ? { connectionStateRecovery: { ...options.connectionStateRecovery } } : {}),
    };
    this.io = new Server(ioOptions);
    // socket.io makes its Engine.IO server when attached: to an HTTP server that never listens, since the
    // proxy calls the engine itself.
    this.io.attach(createServer());
    this.sessions = new PollingSessions(this.io.engine);
    const rules = { log, onActivity: () => undefined, onStateChange: () => undefined } as unknown as LabRules;
    logRooms(this.io.of("/"), rules);
    this.io.on("connection", (socket) => logSocket(socket, rules));
    handlers?.(this.io, {
      log: (message) => log.add({ at: Date.now(), kind: "log", message: truncate(String(message)) }),
      settings,
      database,
      get: (path, route) => void this.routes.set(path, route),
      onClose: (cleanup) => void this.cleanups.push(cleanup),
    });
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.io.engine.handleRequest(req, res);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.io.engine.handleUpgrade(req, socket, head);
  }

  route(path: string): LessonRoute | undefined {
    return this.routes.get(path);
  }

  disconnectClient(name: string): number {
    const sockets = socketsOf(this.io.of("/"), name);
    for (const socket of sockets) socket.disconnect();
    return sockets.length;
  }

  failPolling(sid: string): void {
    this.sessions.fail(sid);
  }

  releasePoll(sid: string): void {
    this.sessions.release(sid);
  }

  close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    return new Promise((resolve) => this.io.close(() => resolve()));
  }
}
