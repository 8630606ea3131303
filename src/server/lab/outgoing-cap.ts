import type { EventEmitter } from "node:events";
import type { Socket } from "socket.io";
import { clientName } from "./client-name.js";
import { addTap, hasTap, type ConnectionTap, type TappedPacket } from "./connection-taps.js";
import type { LabRules } from "./lab-rules.js";

type PacketData = string | Buffer | ArrayBuffer | ArrayBufferView | undefined;

/** The parts of an Engine.IO connection this rule reads; they are internal to engine.io (6.6). */
interface EngineConnection extends EventEmitter {
  readyState: string;
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  onClose(reason: string, description?: Error): void;
}

function byteSize(data: PacketData): number {
  if (data === undefined) return 0;
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

/** One connection's count of what it has queued and not yet handed to its transport. */
class OutgoingTap implements ConnectionTap {
  private queued = 0;
  private cut = false;

  constructor(
    private readonly socket: Socket,
    private readonly connection: EngineConnection,
    private readonly rules: LabRules,
  ) {}

  flush(): void {
    this.queued = 0;
  }

  packetCreate(packet: TappedPacket): void {
    this.queued += byteSize(packet.data);
    const { connection } = this;
    const max = this.rules.caps.maxOutgoingBytes;
    if (this.cut || this.queued + (connection.transport.socket?.bufferedAmount ?? 0) <= max) return;
    this.cut = true;
    const message = `More than ${max} bytes sent to this client were still unread: ${this.rules.scope.actor} closed its connection.`;
    this.rules.log.add({ at: Date.now(), kind: "refused", client: clientName(this.socket), message });
    // After this packet is queued, not in the middle of queueing it (a broadcast may be under way).
    process.nextTick(() => {
      if (connection.readyState === "closed") return;
      const { transport } = connection;
      // A polling session is closed here, not by its next poll (which this client may never make).
      connection.onClose("transport error", new Error(`outgoing queue over ${max} bytes`));
      // ws would wait for the client's close frame, keeping what it buffered; the client reads nothing.
      transport.socket?.terminate?.();
    });
  }
}

/**
 * Engine.IO queues whatever the server sends a connection until the client reads it: in its write buffer
 * while a long-polling client does not poll or a WebSocket is still writing, then in the WebSocket's own
 * buffer while the client does not read. Neither has a limit, so one client that never reads could make
 * the host hold every broadcast of its lab. Past `maxOutgoingBytes` queued, the connection is closed at
 * once (server reason `transport error`, the client sees its transport close) and its queue is freed.
 * A connection is counted once, however many of its sockets (namespaces) the rule is applied to.
 */
export function capOutgoing(socket: Socket, rules: LabRules): void {
  const connection = socket.conn as unknown as EngineConnection;
  if (hasTap(connection, OutgoingTap)) return;
  addTap(connection, new OutgoingTap(socket, connection, rules));
}
