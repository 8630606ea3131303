// One server node of a Scaling lab: a separate Node process running its own Socket.IO server on its own
// loopback port, with a lesson's handlers and the adapter the learner picked. The host starts it with
// child_process.fork, reads its port from the first IPC message, and routes the lab's clients to it.
import { createServer } from "node:http";
import type { Socket as EngineSocket } from "engine.io";
import { Server, type Socket } from "socket.io";
import { messageFrame, truncate } from "../../shared/wire.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import { NODE_CONFIG_ENV, type HostMessage, type NodeConfig, type NodeMessage } from "./node-protocol.js";
import { CLIENT_NAME } from "../../shared/network.js";
import { FRAME_CHARS } from "../lab/server-log.js";
import { RateLimit } from "../lab/rate-limit.js";
import { refuseRecoveryWhenFull } from "../lab/recovery-cap.js";
import { LAB_ERROR_EVENT, type LabErrorPayload } from "../../shared/lab-api.js";
import { createNodeAdapter } from "./node-adapter.js";

/** What a node's handlers know of their place: the node's name, and the lab's server log. */
export interface NodeContext {
  node: string;
  log(message: string): void;
}

/** A lesson's handlers, as a node runs them: plain Socket.IO code on the node's server. */
export type NodeHandlers = (io: Server, context: NodeContext) => void;

/** A node reports its state at most this often: the inspector shows a snapshot a few times a second. */
const STATE_EVERY_MS = 100;

/** The name the page gave the client (`?client=Alice`), as the server log shows it. */
function clientName(socket: { id: string; handshake: { query: Record<string, unknown> } }): string {
  const name = socket.handshake.query.client;
  return typeof name === "string" && CLIENT_NAME.test(name) ? name : socket.id;
}

/** Tells a client why the lab refuses it something: the lab's own event, not one of the lesson's typed events. */
function labError(socket: Socket, payload: LabErrorPayload): void {
  (socket as unknown as { emit(event: string, payload: LabErrorPayload): void }).emit(LAB_ERROR_EVENT, payload);
}

async function main(node: NodeConfig, handlers: NodeHandlers, send: (message: NodeMessage) => void, log: (entry: ServerLogEntry) => void, exiting: () => void): Promise<void> {
  const { adapter, close: closeAdapter } = await createNodeAdapter(node, log);
  const http = createServer();
  const io = new Server(http, {
    adapter,
    pingInterval: node.pingInterval,
    pingTimeout: node.pingTimeout,
    maxHttpBufferSize: node.maxPayloadBytes,
    httpCompression: false,
    perMessageDeflate: false,
    cleanupEmptyChildNamespaces: true,
    ...(node.recoveryMs > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: node.recoveryMs } } : {}),
  });

  // The host shows the inspector from what each node reports: its sockets and rooms, soon after a change.
  let stateTimer: NodeJS.Timeout | undefined;
  const reportState = () => {
    stateTimer = undefined;
    const namespace = io.of("/");
    const sockets = [...namespace.sockets.values()];
    const own = new Set(sockets.map((socket) => socket.id));
    const adapter = namespace.adapter as unknown as { sessions?: Map<string, unknown> };
    send({
      type: "state",
      state: {
        sockets: sockets.map((socket) => ({
          id: socket.id,
          client: clientName(socket),
          transport: socket.conn.transport.name,
          rooms: [...socket.rooms],
          data: { ...socket.data },
          recovered: socket.recovered,
          pendingAcks: 0,
          node: node.name,
        })),
        rooms: [...namespace.adapter.rooms.entries()].filter(([name]) => !own.has(name)).map(([name, members]) => ({ name, members: [...members] })),
        // Each adapter keeps its recovery buffer its own way (in memory, in a Redis stream): only this is common.
        recovery: { enabled: node.recoveryMs > 0, retainedPackets: 0, sessions: adapter.sessions?.size ?? 0 },
      },
    });
  };
  const stateChanged = () => {
    stateTimer ??= setTimeout(reportState, STATE_EVERY_MS);
  };
  io.of("/").adapter.on("join-room", stateChanged);
  io.of("/").adapter.on("leave-room", stateChanged);
  reportState();

  // Engine.IO sessions by id, so the host can fail a polling session its network link cut.
  const sessions = new Map<string, EngineSocket>();
  io.engine.on("connection", (session: EngineSocket) => {
    const { id } = session as unknown as { id: string };
    sessions.set(id, session);
    session.once("close", () => sessions.delete(id));
  });

  // A node holds at most maxClients sockets: one more is refused with a reason the client can read.
  refuseRecoveryWhenFull(io.of("/"), node.maxClients);
  io.use((socket, next) => {
    if (io.of("/").sockets.size < node.maxClients) return next();
    const error: Error & { data?: LabErrorPayload } = new Error(`Node ${node.name} already has ${node.maxClients} clients connected, the most a node allows.`);
    error.data = { code: "lab_full", message: error.message };
    log({ at: Date.now(), kind: "refused", client: clientName(socket), message: error.message });
    next(error);
  });

  // What the learner reads in the server log, from every node, marked with the node's name.
  io.engine.on("connection_error", (error: { code: number; message: string; req: { url?: string } }) => {
    const client = new URL(error.req.url ?? "/", "http://node").searchParams.get("client") ?? "a client";
    log({ at: Date.now(), kind: "refused", client, message: `HTTP 400 ${JSON.stringify({ code: error.code, message: error.message })}` });
  });
  io.on("connection", (socket) => {
    stateChanged();
    const entry = { client: clientName(socket), socketId: socket.id };
    log({ at: Date.now(), kind: "connect", ...entry, transport: socket.conn.transport.name });
    if (socket.recovered) log({ at: Date.now(), kind: "log", message: `${entry.client} recovered its session (first seen on node ${socket.data.node})` });
    capRooms(socket);
    const rate = new RateLimit(node.maxEventsPerSecond, Date.now());
    let flooded = false;
    socket.conn.on("packet", (packet: { type: string; data?: unknown }) => {
      if (packet.type !== "message" || typeof packet.data !== "string") return;
      log({ at: Date.now(), kind: "received", ...entry, frame: truncate(messageFrame(packet.data), FRAME_CHARS) });
      if (!flooded && !rate.take(Date.now())) {
        // Over the rate limit: say why, then cut the client off, as every other lab does.
        flooded = true;
        const message = `More than ${node.maxEventsPerSecond} events per second: node ${node.name} disconnected this client. Reconnect to carry on.`;
        log({ at: Date.now(), kind: "refused", client: entry.client, message });
        labError(socket, { code: "rate_limited", message });
        socket.disconnect(true);
      }
    });
    socket.conn.on("packetCreate", (packet: { type: string; data?: unknown }) => {
      if (packet.type === "message" && typeof packet.data === "string") {
        log({ at: Date.now(), kind: "sent", ...entry, frame: truncate(messageFrame(packet.data), FRAME_CHARS) });
      }
    });
    socket.conn.on("upgrade", (transport: { name: string }) => {
      stateChanged();
      log({ at: Date.now(), kind: "upgrade", ...entry, transport: transport.name });
    });
    socket.on("disconnect", (reason) => {
      stateChanged();
      log({ at: Date.now(), kind: "disconnect", ...entry, reason });
    });
  });
  /**
   * Rooms cost memory for as long as they have members: a join that would take the node past its cap is
   * skipped and the client told why, and the lesson's handler carries on as if it were a no-op.
   */
  function capRooms(socket: Socket): void {
    const join = socket.join.bind(socket);
    socket.join = (rooms) => {
      const namespace = io.of("/");
      const wanted = (Array.isArray(rooms) ? rooms : [rooms]).filter((room) => !namespace.adapter.rooms.has(room));
      const held = namespace.adapter.rooms.size - namespace.sockets.size;
      if (wanted.length === 0 || held + wanted.length <= node.maxRooms) return join(rooms);
      const message = `Node ${node.name} already has ${node.maxRooms} rooms, the most a node allows. Leave or empty a room first.`;
      log({ at: Date.now(), kind: "refused", client: clientName(socket), message });
      labError(socket, { code: "too_many_rooms", message });
    };
  }
  handlers(io, { node: node.name, log: (message) => log({ at: Date.now(), kind: "log", message }) });

  process.on("message", (message: HostMessage) => {
    if (message?.type === "kick") {
      for (const socket of io.of("/").sockets.values()) if (clientName(socket) === message.client) socket.disconnect();
      return;
    }
    if (message?.type === "fail-polling") {
      // As Engine.IO fails a poll whose connection closed early: the node notices the cut now.
      const transport = sessions.get(message.sid)?.transport;
      if (transport?.name === "polling") transport.emit("error", Object.assign(new Error("poll connection closed prematurely"), { type: "TransportError" }));
      return;
    }
    if (message?.type !== "close") return;
    clearTimeout(stateTimer);
    exiting();
    void io
      .close()
      .then(closeAdapter)
      .finally(() => process.exit(0));
  });
  http.listen(0, "127.0.0.1", () => {
    const address = http.address();
    send({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
  });
}

/** Runs this process as a lab node with `handlers`, from the configuration and IPC channel the host gave it. */
export function runLabNode(handlers: NodeHandlers): void {
  const config = JSON.parse(process.env[NODE_CONFIG_ENV] ?? "null") as NodeConfig | null;
  if (!config || typeof process.send !== "function") {
    console.error("A lab node is started by the playground, with an IPC channel and its configuration.");
    process.exit(2);
  }
  const send = (message: NodeMessage) => process.send?.(message);
  const log = (entry: ServerLogEntry) => send({ type: "log", entry: { ...entry, node: config.name } });

  // The host gone (it crashed, or a test run was killed) means this node has no one to serve: exit at once.
  let closing = false;
  process.on("disconnect", () => {
    if (!closing) process.exit(1);
  });

  main(config, handlers, send, log, () => (closing = true)).catch((error: unknown) => {
    send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
}
