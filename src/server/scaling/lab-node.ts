// One server node of a Scaling lab: a separate Node process running its own Socket.IO server on its own
// loopback port, with a lesson's handlers and the adapter the learner picked. The host starts it with
// child_process.fork, reads its port from the first IPC message, and routes the lab's clients to it.
// The lab's rules (naming, caps, the server log, the inspector's state) are the lab server's own
// (../lab/lab-rules.ts): this file only says where the sockets run and how the host hears of them.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { defaultLimits } from "../config.js";
import { clientName, socketsOf } from "../lab/client-name.js";
import { inspectServer } from "../lab/inspector-state.js";
import { applyLabRules, lessonLog, nodeScope, type LabLog } from "../lab/lab-rules.js";
import { connectionRefusal, LAB_IO_OPTIONS, labEngineOptions } from "../lab/lab-server-options.js";
import { PollingSessions } from "../lab/polling-sessions.js";
import { FRAME_CHARS } from "../lab/server-log.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import { messageFrame, truncate } from "../../shared/wire.js";
import type { LessonServerOptions, NodeContext } from "../../lessons/lab-context.js";
import { learnerNodeCode } from "./learner-node-code.js";
import { FloodReporter } from "./flood-ledger.js";
import { createNodeAdapter } from "./node-adapter.js";
import { NODE_CONFIG_ENV, type HostMessage, type NodeConfig, type NodeMessage } from "./node-protocol.js";

/** A lesson's handlers, as a node runs them: plain Socket.IO code on the node's server. */
export type NodeHandlers = (io: Server, context: NodeContext) => void;

/** What a node runs: the lesson's handlers, or a learner's code loaded in a sandbox (with its options). */
interface NodeCode {
  handlers: NodeHandlers;
  options?: LessonServerOptions;
}

/** A node reports its state at most this often: the inspector shows a snapshot a few times a second. */
const STATE_EVERY_MS = 100;

async function main(node: NodeConfig, code: NodeCode, send: (message: NodeMessage) => void, exiting: () => void): Promise<void> {
  const { handlers, options = {} } = code;
  // The host shows the inspector from what each node reports: its sockets, rooms and pending acks, soon
  // after a change. Any log entry may be one (a frame can carry an ack, or answer one), so each schedules a report.
  let stateTimer: NodeJS.Timeout | undefined;
  const stateChanged = () => {
    stateTimer ??= setTimeout(reportState, STATE_EVERY_MS);
  };
  const report = (entry: ServerLogEntry) => send({ type: "log", entry: { ...entry, node: node.name } });
  const add = (entry: ServerLogEntry) => {
    report(entry);
    stateChanged();
  };
  // The host's ServerLog keeps frames cheaply; across the IPC channel a frame is an entry like any other.
  const log: LabLog = {
    add,
    addFrame: (kind, client, socketId, data) =>
      add({ at: Date.now(), kind, client, socketId, frame: truncate(messageFrame(data), FRAME_CHARS) }),
  };

  const { adapter, close: closeAdapter } = await createNodeAdapter(node, report);
  const http = createServer();
  const scope = nodeScope(node.name);
  // A learner's options hold within the node's own (its heartbeat, its payload cap), as on a lab server.
  const heartbeat = { pingInterval: options.pingInterval ?? node.pingInterval, pingTimeout: options.pingTimeout ?? node.pingTimeout };
  const recoveryMs = options.connectionStateRecovery?.maxDisconnectionDuration ?? node.recoveryMs;
  const io: Server = new Server(http, {
    ...labEngineOptions(heartbeat, Math.min(node.maxPayloadBytes, options.maxHttpBufferSize ?? Number.POSITIVE_INFINITY)),
    ...LAB_IO_OPTIONS,
    adapter,
    allowRequest: (_req, callback) => {
      const refusal = connectionRefusal(io.engine.clientsCount, node.maxClients, scope.noun);
      callback(refusal ?? null, refusal === undefined);
    },
    ...(recoveryMs > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: recoveryMs } } : {}),
  });
  const namespace = io.of("/");
  function reportState() {
    stateTimer = undefined;
    const state = inspectServer(io);
    send({ type: "state", state: { ...state, sockets: state.sockets.map((socket) => ({ ...socket, node: node.name })) } });
  }
  reportState();
  const sessions = new PollingSessions(io.engine);
  // The events budgets are the lab's, not this node's: a client that moves to the other node brings its debts.
  const floods = new FloodReporter((spends) => send({ type: "flood-spent", spends }));

  applyLabRules(io, {
    caps: {
      maxClients: node.maxClients,
      maxRooms: node.maxRooms,
      maxEventsPerSecond: node.maxEventsPerSecond,
      maxOutgoingBytes: node.maxOutgoingBytes ?? defaultLimits.maxOutgoingBytes,
      maxRecoveryPackets: node.maxRecoveryPackets ?? defaultLimits.maxRecoveryPackets,
    },
    scope,
    log,
    onActivity: stateChanged,
    onStateChange: stateChanged,
    sharedFlood: floods,
  });
  // What only a lab of several nodes shows: requests a node does not know (no sticky sessions), and a
  // session recovered on another node than the one it started on.
  io.engine.on("connection_error", (error: { code: number; message: string; req: { url?: string } }) => {
    const client = new URL(error.req.url ?? "/", "http://node").searchParams.get("client") ?? "a client";
    add({ at: Date.now(), kind: "refused", client, message: `HTTP 400 ${JSON.stringify({ code: error.code, message: error.message })}` });
  });
  io.on("connection", (socket) => {
    const first = (socket.data as { node?: unknown }).node;
    if (socket.recovered)
      add({ at: Date.now(), kind: "log", message: `${clientName(socket)} recovered its session (first seen on node ${String(first)})` });
  });
  handlers(io, { node: node.name, log: lessonLog(log) });

  process.on("message", (message: HostMessage) => {
    if (message?.type === "kick") {
      for (const socket of socketsOf(namespace, message.client)) socket.disconnect();
      return;
    }
    if (message?.type === "fail-polling") return sessions.fail(message.sid);
    if (message?.type === "release-polling") return sessions.release(message.sid);
    if (message?.type === "flood-debt") return floods.owe(message.debts);
    if (message?.type !== "close") return;
    clearTimeout(stateTimer);
    floods.stop();
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

  // The host gone (it crashed, or a test run was killed) means this node has no one to serve: exit at once.
  let closing = false;
  process.on("disconnect", () => {
    if (!closing) process.exit(1);
  });

  const code: Promise<NodeCode> = config.learnerCode
    ? learnerNodeCode(config.name, config.learnerCode, send)
    : Promise.resolve({ handlers });
  code
    .then((chosen) => main(config, chosen, send, () => (closing = true)))
    .catch((error: unknown) => {
      send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    });
}
