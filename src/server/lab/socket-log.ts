import type { Socket } from "socket.io";
import type { FrameData } from "../../shared/wire.js";
import { clientName } from "./client-name.js";
import { addTap, type ConnectionTap, type TappedPacket } from "./connection-taps.js";
import type { LabRules } from "./lab-rules.js";

const SOCKET_LOG = Symbol("the server log's tap on this socket");
type LoggedSocket = Socket & { [SOCKET_LOG]?: SocketLog };

/** One socket's lines in the server log. An object, not closures, so that a socket costs no scope of its own ([8/8]). */
class SocketLog implements ConnectionTap {
  readonly client: string;
  readonly socketId: string;

  constructor(
    socket: Socket,
    private readonly rules: LabRules,
  ) {
    this.client = clientName(socket);
    this.socketId = socket.id;
  }

  packet(packet: TappedPacket): void {
    if (packet.type === "message" && packet.data !== undefined)
      this.rules.log.addFrame("received", this.client, this.socketId, packet.data as FrameData);
  }

  packetCreate(packet: TappedPacket): void {
    if (packet.type === "message" && packet.data !== undefined)
      this.rules.log.addFrame("sent", this.client, this.socketId, packet.data as FrameData);
  }

  upgrade(transport: object): void {
    this.rules.onStateChange();
    const { client, socketId } = this;
    this.rules.log.add({ at: Date.now(), kind: "upgrade", client, socketId, transport: (transport as { name: string }).name });
  }

  /** The same listener on every socket, finding the socket's log on it. */
  static onDisconnect(this: LoggedSocket, reason: string, details: unknown): void {
    const log = this[SOCKET_LOG];
    if (!log) return;
    log.rules.onActivity();
    const description = describeDisconnect(details);
    const { client, socketId } = log;
    log.rules.log.add({ at: Date.now(), kind: "disconnect", client, socketId, reason, ...(description ? { description } : {}) });
  }
}

/** What the server log shows of one socket: its connect, every frame each way (binary too), upgrades, and why it ended. */
export function logSocket(socket: Socket, rules: LabRules): void {
  const log = new SocketLog(socket, rules);
  const { client, socketId } = log;
  rules.log.add({ at: Date.now(), kind: "connect", client, socketId, transport: socket.conn.transport.name });
  addTap(socket.conn, log);
  (socket as LoggedSocket)[SOCKET_LOG] = log;
  socket.on("disconnect", SocketLog.onDisconnect);
}

/** Socket.IO passes an Error, or an object with a message (e.g. a WebSocket close), or nothing. */
function describeDisconnect(details: unknown): string | undefined {
  if (details instanceof Error) return details.message;
  if (details && typeof details === "object" && "message" in details && typeof details.message === "string") {
    return details.message;
  }
  return undefined;
}
