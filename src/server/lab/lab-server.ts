import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { Server as EngineServer, type Socket as EngineSocket } from "engine.io";
import { Server, type Namespace, type ServerOptions, type Socket } from "socket.io";
import { SessionAwareAdapter } from "socket.io-adapter";
import type { PlaygroundLimits } from "../config.js";
import type { LessonRoute } from "../lesson-lab.js";
import { LAB_ERROR_EVENT, type LabErrorPayload } from "../../shared/lab-api.js";
import type { InspectorSnapshot } from "../../shared/inspector.js";
import { CLIENT_NAME } from "../../shared/network.js";
import { truncate, type FrameData } from "../../shared/wire.js";
import { RateLimit } from "./rate-limit.js";
import { labParser } from "./lab-parser.js";
import { refuseRecoveryWhenFull } from "./recovery-cap.js";
import type { ServerLog } from "./server-log.js";
import type { LabBackend, LabBackendParts } from "./lab-backend.js";

/** Labs answer heartbeats fast so that a dead link shows within seconds (Socket.IO's defaults take 45 s). */
export const LAB_HEARTBEAT = { pingInterval: 3000, pingTimeout: 2000 };

/** Frames in the server log are cut to this many characters: enough to read, cheap to keep per lab. */

/** The name the page gave a client (the `client` query parameter, else `auth.name`), or its socket id. */
export function clientName(socket: Socket): string {
  const fromQuery = socket.handshake.query.client;
  if (typeof fromQuery === "string" && CLIENT_NAME.test(fromQuery)) return fromQuery;
  const fromAuth: unknown = socket.handshake.auth.name;
  return typeof fromAuth === "string" && CLIENT_NAME.test(fromAuth) ? fromAuth : socket.id;
}

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
  private readonly ioOptions: Partial<ServerOptions>;
  private readonly engine: EngineServer;
  private readonly io: Server;
  /** The lesson's plain HTTP routes by path, and what to clear when this server stops. */
  private readonly routes = new Map<string, LessonRoute>();
  private readonly cleanups: (() => void)[] = [];
  /** Engine.IO sessions by id, so a cut can reach one whose poll was not in flight. */
  private readonly sessions = new Map<string, EngineSocket>();

  private readonly limits: PlaygroundLimits;
  private readonly log: ServerLog;
  private readonly onActivity: () => void;
  private readonly onStateChange: () => void;
  private readonly acceptsOrigin: (req: IncomingMessage) => boolean;

  constructor({ lesson, options, limits, log, onActivity, onStateChange, settings, database, acceptsOrigin }: LabServerParts) {
    this.acceptsOrigin = acceptsOrigin;
    this.limits = limits;
    this.log = log;
    this.onActivity = onActivity;
    this.onStateChange = onStateChange;
    this.heartbeat = {
      pingInterval: options.pingInterval ?? LAB_HEARTBEAT.pingInterval,
      pingTimeout: options.pingTimeout ?? LAB_HEARTBEAT.pingTimeout,
    };
    this.engine = new EngineServer({
      ...this.heartbeat,
      maxHttpBufferSize: limits.maxPayloadBytes,
      // Frames stay readable on the wire, and compression would cost CPU for nothing on small frames.
      httpCompression: false,
      perMessageDeflate: false,
      allowRequest: (req, callback) => this.allowRequest(req, callback),
    });
    // Socket.IO fills in this object's defaults (e.g. maxDisconnectionDuration): the inspector reads it back.
    this.ioOptions = {
      connectionStateRecovery: options.connectionStateRecovery && { ...options.connectionStateRecovery },
      ...(options.connectionStateRecovery ? { adapter: ClosableSessionAwareAdapter } : {}),
      cleanupEmptyChildNamespaces: true,
      parser: labParser,
    };
    this.io = new Server(this.ioOptions);
    this.io.bind(this.engine);
    this.engine.on("connection", (session: EngineSocket) => {
      // Engine.IO documents `socket.id` as public; only its type declaration marks it private.
      const { id } = session as unknown as { id: string };
      this.sessions.set(id, session);
      session.once("close", () => this.sessions.delete(id));
    });
    this.watchRooms();
    this.capRecoveryBuffer();
    refuseRecoveryWhenFull(this.io.of("/"), limits.maxClientsPerLab);
    // The lab's own listeners go first, so limits and logging hold whatever the lesson's handlers do.
    this.io.use((socket, next) => this.admit(socket, next));
    this.io.on("connection", (socket) => this.watch(socket));
    const lessonLog = (message: string) => this.log.add({ at: Date.now(), kind: "log", message: truncate(message) });
    lesson.setup?.(this.io, {
      log: lessonLog,
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
    const namespace = this.io.of("/");
    const sockets = [...namespace.sockets.values()];
    const ownRooms = new Set(sockets.map((socket) => socket.id));
    // The adapter's recovery buffer and a socket's pending acks are private fields: the only way to show
    // the real numbers is to read them (socket.io-adapter SessionAwareAdapter, socket.io Socket).
    const adapter = namespace.adapter as unknown as { packets?: { id: string }[]; sessions?: Map<string, unknown> };
    const recovery = this.ioOptions.connectionStateRecovery;
    return {
      at: Date.now(),
      sockets: sockets.map((socket) => ({
        id: socket.id,
        client: clientName(socket),
        transport: socket.conn.transport.name,
        rooms: [...socket.rooms],
        data: jsonSafe(socket.data),
        recovered: socket.recovered,
        pendingAcks: (socket as unknown as { acks?: Map<number, unknown> }).acks?.size ?? 0,
      })),
      rooms: [...namespace.adapter.rooms.entries()]
        .filter(([name]) => !ownRooms.has(name))
        .map(([name, members]) => ({ name, members: [...members] })),
      recovery: {
        enabled: recovery !== undefined,
        retainedPackets: adapter.packets?.length ?? 0,
        ...(adapter.packets?.length ? { newestOffset: adapter.packets.at(-1)?.id } : {}),
        sessions: adapter.sessions?.size ?? 0,
      },
      options: {
        pingInterval: this.engine.opts.pingInterval ?? this.heartbeat.pingInterval,
        pingTimeout: this.engine.opts.pingTimeout ?? this.heartbeat.pingTimeout,
        maxHttpBufferSize: this.engine.opts.maxHttpBufferSize ?? this.limits.maxPayloadBytes,
        transports: (this.engine.opts.transports ?? []).map(String),
        connectionStateRecovery: recovery
          ? { maxDisconnectionDuration: recovery.maxDisconnectionDuration ?? 0, skipMiddlewares: recovery.skipMiddlewares ?? false }
          : false,
      },
    };
  }

  /** `socket.disconnect()` on every socket of that client; returns how many there were. */
  disconnectClient(name: string): number {
    const sockets = [...this.io.of("/").sockets.values()].filter((socket) => clientName(socket) === name);
    for (const socket of sockets) socket.disconnect();
    return sockets.length;
  }

  /**
   * A long-polling session whose connection was cut between two polls: fail its transport the way Engine.IO
   * does when a poll connection closes early, so the server notices now rather than at the next ping timeout.
   */
  failPolling(sid: string): void {
    const transport = this.sessions.get(sid)?.transport;
    if (transport?.name !== "polling") return;
    const error = Object.assign(new Error("poll connection closed prematurely"), { type: "TransportError" });
    transport.emit("error", error);
  }

  /** Disconnects every client ("server shutting down") and frees the server. */
  close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    return new Promise((resolve) => this.io.close(() => resolve()));
  }

  private allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void {
    if (!this.acceptsOrigin(req)) return callback("Cross-origin connections to a lab are not allowed", false);
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
    this.onActivity();
    // Here rather than in a middleware: a recovered socket skips middlewares, but not this listener.
    this.capRooms(socket);
    const entry = { client: clientName(socket), socketId: socket.id };
    this.log.add({ at: Date.now(), kind: "connect", ...entry, transport: socket.conn.transport.name });

    const rate = new RateLimit(this.limits.maxEventsPerSecond, Date.now());
    let flooded = false;
    socket.conn.on("packet", (packet: { type: string; data?: FrameData }) => {
      if (packet.type !== "message" || packet.data === undefined) return;
      this.log.addFrame("received", entry.client, entry.socketId, packet.data);
      // Binary attachments ride with the event they belong to: only text frames count as events.
      if (!flooded && typeof packet.data === "string" && !rate.take(Date.now())) {
        flooded = true;
        this.disconnectFlood(socket, entry.client);
      }
    });
    socket.conn.on("packetCreate", (packet: { type: string; data?: FrameData }) => {
      if (packet.type !== "message" || packet.data === undefined) return;
      this.log.addFrame("sent", entry.client, entry.socketId, packet.data);
    });
    socket.conn.on("upgrade", (transport: { name: string }) => {
      this.log.add({ at: Date.now(), kind: "upgrade", ...entry, transport: transport.name });
    });
    socket.on("disconnect", (reason, details) => {
      this.onActivity();
      const description = describeDisconnect(details);
      this.log.add({ at: Date.now(), kind: "disconnect", ...entry, reason, ...(description ? { description } : {}) });
    });
  }

  /**
   * Rooms cost memory in the adapter for as long as they have members: a join that would take the lab past
   * its cap is skipped, and the client is told why. The lesson's handler carries on as if the join were
   * a no-op (it must not throw: an exception in a handler would reach the process).
   */
  private capRooms(socket: Socket): void {
    const join = socket.join.bind(socket);
    const max = this.limits.maxRoomsPerLab;
    socket.join = (rooms) => {
      const namespace = this.io.of("/");
      const wanted = (Array.isArray(rooms) ? rooms : [rooms]).filter((room) => !namespace.adapter.rooms.has(room));
      const held = namespace.adapter.rooms.size - namespace.sockets.size;
      if (wanted.length > 0 && held + wanted.length > max) {
        const message = `This lab already has ${max} rooms, the most a lab allows. Leave or empty a room first.`;
        this.log.add({ at: Date.now(), kind: "refused", client: clientName(socket), message });
        const payload: LabErrorPayload = { code: "too_many_rooms", message };
        socket.emit(LAB_ERROR_EVENT, payload);
        return;
      }
      return join(rooms);
    };
  }

  /**
   * Connection state recovery keeps every broadcast packet for the whole recovery window, with no count
   * limit (socket.io-adapter): a busy lab would grow without bound. Keep the newest ones only.
   */
  private capRecoveryBuffer(): void {
    const adapter = this.io.of("/").adapter as unknown as { packets?: unknown[]; broadcast: (...args: unknown[]) => unknown };
    if (!Array.isArray(adapter.packets)) return;
    const broadcast = adapter.broadcast.bind(adapter);
    const max = this.limits.maxRecoveryPackets;
    adapter.broadcast = (...args: unknown[]) => {
      const result = broadcast(...args);
      const packets = adapter.packets ?? [];
      if (packets.length > max) packets.splice(0, packets.length - max);
      return result;
    };
  }

  /** Joins and leaves go to the server log; each socket's own private room is left out as noise. */
  private watchRooms(): void {
    const namespace = this.io.of("/");
    const report = (action: "joined" | "left") => (room: string, id: string) => {
      this.onStateChange();
      if (room === id) return;
      const socket = namespace.sockets.get(id);
      const client = socket ? clientName(socket) : id;
      this.log.add({ at: Date.now(), kind: "room", client, socketId: id, room, action });
    };
    namespace.adapter.on("join-room", report("joined"));
    namespace.adapter.on("leave-room", report("left"));
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

/** `socket.data` is the lesson's: show it as JSON, and say so when it cannot be. */
function jsonSafe(value: unknown): unknown {
  try {
    const text = JSON.stringify(value ?? {});
    return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : (JSON.parse(text) as unknown);
  } catch {
    return "(not JSON-serialisable)";
  }
}
