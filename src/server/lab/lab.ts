import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { Server as EngineServer } from "engine.io";
import { Server, type Socket } from "socket.io";
import type { PlaygroundLimits } from "../config.js";
import type { LessonLab } from "../lesson-lab.js";
import { LAB_ERROR_EVENT, type LabErrorPayload, type LabInfo } from "../../shared/lab-api.js";
import { messageFrame, truncate, type FrameData } from "../../shared/wire.js";
import { RateLimit } from "./rate-limit.js";
import { ServerLog } from "./server-log.js";
import { isSameOrigin } from "./origin.js";

/** Labs answer heartbeats fast so that a dead link shows within seconds (Socket.IO's defaults take 45 s). */
export const LAB_HEARTBEAT = { pingInterval: 3000, pingTimeout: 2000 };

/** Frames in the server log are cut to this many characters: enough to read, cheap to keep per lab. */
const FRAME_CHARS = 400;

export function labPath(id: string): string {
  return `/labs/${id}/socket.io`;
}

function clientName(socket: Socket): string {
  const name: unknown = socket.handshake.auth.name;
  return typeof name === "string" && name.trim() !== "" ? name.trim().slice(0, 32) : socket.id;
}

/**
 * One learner's private, real Socket.IO server for one lesson. It is not attached to any HTTP server:
 * the host hands it the requests and upgrades whose path names this lab.
 */
export class Lab {
  readonly log = new ServerLog();
  private readonly engine: EngineServer;
  private readonly heartbeat: { pingInterval: number; pingTimeout: number };
  private readonly io: Server;
  private lastActive: number;
  private readonly closeListeners = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly lesson: LessonLab,
    private readonly limits: PlaygroundLimits,
  ) {
    this.lastActive = Date.now();
    this.heartbeat = {
      pingInterval: lesson.options.pingInterval ?? LAB_HEARTBEAT.pingInterval,
      pingTimeout: lesson.options.pingTimeout ?? LAB_HEARTBEAT.pingTimeout,
    };
    this.engine = new EngineServer({
      ...this.heartbeat,
      maxHttpBufferSize: limits.maxPayloadBytes,
      allowRequest: (req, callback) => this.allowRequest(req, callback),
    });
    this.io = new Server({
      connectionStateRecovery: lesson.options.connectionStateRecovery,
      cleanupEmptyChildNamespaces: true,
    });
    this.io.bind(this.engine);
    // The lab's own listeners go first, so limits and logging hold whatever the lesson's handlers do.
    this.io.use((socket, next) => this.admit(socket, next));
    this.io.on("connection", (socket) => this.watch(socket));
    lesson.setup(this.io, (message) => this.log.add({ at: Date.now(), kind: "log", message: truncate(message) }));
  }

  get clientCount(): number {
    return this.io.of("/").sockets.size;
  }

  /** Idle means nobody has been connected for the whole idle period. */
  isIdle(now: number): boolean {
    return this.clientCount === 0 && this.engine.clientsCount === 0 && now - this.lastActive >= this.limits.labIdleMs;
  }

  touch(): void {
    this.lastActive = Date.now();
  }

  info(): LabInfo {
    const { maxClientsPerLab, maxEventsPerSecond, maxPayloadBytes, labIdleMs } = this.limits;
    return {
      id: this.id,
      lesson: this.lesson.slug,
      path: labPath(this.id),
      logUrl: `/api/labs/${this.id}/log`,
      server: {
        ...this.heartbeat,
        connectionStateRecovery: this.lesson.options.connectionStateRecovery !== undefined,
      },
      limits: { maxClientsPerLab, maxEventsPerSecond, maxPayloadBytes, labIdleMs },
    };
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.touch();
    this.engine.handleRequest(req, res);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.touch();
    this.engine.handleUpgrade(req, socket, head);
  }

  /** Called once when the lab closes, e.g. to end the page's log stream. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Disconnects every client ("server shutting down") and frees the server. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }

  private allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void {
    if (!isSameOrigin(req)) return callback("Cross-origin connections to a lab are not allowed", false);
    // Raw Engine.IO connections that never join a namespace still cost memory: cap them too.
    if (this.engine.clientsCount >= this.limits.maxClientsPerLab * 2) {
      return callback("Too many open connections to this lab", false);
    }
    callback(null, true);
  }

  private admit(socket: Socket, next: (err?: Error) => void): void {
    const max = this.limits.maxClientsPerLab;
    if (this.clientCount < max) return next();
    const error: Error & { data?: LabErrorPayload } = new Error(
      `This lab already has ${max} clients connected, the most a lab allows. Remove a client first.`,
    );
    error.data = { code: "lab_full", message: error.message };
    this.log.add({ at: Date.now(), kind: "refused", client: clientName(socket), message: error.message });
    next(error);
  }

  private watch(socket: Socket): void {
    this.touch();
    const client = clientName(socket);
    const socketId = socket.id;
    const entry = { client, socketId };
    this.log.add({ at: Date.now(), kind: "connect", ...entry, transport: socket.conn.transport.name });

    const rate = new RateLimit(this.limits.maxEventsPerSecond, Date.now());
    let flooded = false;
    socket.conn.on("packet", (packet: { type: string; data?: FrameData }) => {
      if (packet.type !== "message" || packet.data === undefined) return;
      this.log.add({ at: Date.now(), kind: "received", ...entry, frame: truncate(messageFrame(packet.data), FRAME_CHARS) });
      if (!flooded && !rate.take(Date.now())) {
        flooded = true;
        this.disconnectFlood(socket, client);
      }
    });
    socket.conn.on("packetCreate", (packet: { type: string; data?: FrameData }) => {
      if (packet.type !== "message" || packet.data === undefined) return;
      this.log.add({ at: Date.now(), kind: "sent", ...entry, frame: truncate(messageFrame(packet.data), FRAME_CHARS) });
    });
    socket.conn.on("upgrade", (transport: { name: string }) => {
      this.log.add({ at: Date.now(), kind: "upgrade", ...entry, transport: transport.name });
    });
    socket.on("disconnect", (reason, details) => {
      this.touch();
      const description = describeDisconnect(details);
      this.log.add({ at: Date.now(), kind: "disconnect", ...entry, reason, ...(description ? { description } : {}) });
    });
  }

  /** Over the rate limit: tell the client why, then cut it off, so a runaway loop cannot load the server. */
  private disconnectFlood(socket: Socket, client: string): void {
    const message = `More than ${this.limits.maxEventsPerSecond} events per second: the lab disconnected this client. Reconnect to carry on.`;
    const payload: LabErrorPayload = { code: "rate_limited", message };
    this.log.add({ at: Date.now(), kind: "refused", client, message });
    socket.emit(LAB_ERROR_EVENT, payload);
    socket.disconnect(true);
  }
}

function describeDisconnect(details: unknown): string | undefined {
  if (details instanceof Error) return details.message;
  if (details && typeof details === "object" && "message" in details && typeof details.message === "string") {
    return details.message;
  }
  return undefined;
}
