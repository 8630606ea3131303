import type { EventEmitter } from "node:events";
import type { Server } from "socket.io";
import { addTap, type ConnectionTap, type TappedPacket } from "./connection-taps.js";

/** The parts of an Engine.IO connection this rule reads; they are internal to engine.io (6.6). */
interface EngineConnection extends EventEmitter {
  transport: EngineTransport;
}

interface EngineTransport {
  onPacket(packet: { type: string }): void;
}

const GUARD = Symbol("the blind-pong guard of this transport's connection");
const UNGUARDED = Symbol("this transport's own onPacket");
type GuardedTransport = EngineTransport & { [GUARD]?: BlindPongGuard; [UNGUARDED]?: EngineTransport["onPacket"] };

/** The same function on every guarded transport, finding its connection's guard on the transport. */
function guardedOnPacket(this: GuardedTransport, packet: { type: string }): void {
  const guard = this[GUARD];
  if (guard && packet.type === "pong") {
    if (!guard.pingSent) return;
    guard.pingSent = false;
  }
  this[UNGUARDED]?.call(this, packet);
}

/** One connection's guard: whether a ping has left the server's buffer since the last pong. */
class BlindPongGuard implements ConnectionTap {
  pingSent = false;

  constructor(transport: EngineTransport) {
    this.upgrade(transport);
  }

  packetCreate(packet: TappedPacket): void {
    if (packet.type === "ping") this.pingSent = false;
  }

  flush(packets: TappedPacket[]): void {
    for (const packet of packets) if (packet.type === "ping") this.pingSent = true;
  }

  /** Guards a transport of the connection: the first, then each it upgrades to. */
  upgrade(transport: object): void {
    const guarded = transport as GuardedTransport;
    guarded[GUARD] = this;
    if (guarded.onPacket === guardedOnPacket) return;
    guarded[UNGUARDED] = guarded.onPacket;
    guarded.onPacket = guardedOnPacket;
  }
}

/**
 * Engine.IO takes any pong as the answer to its ping, and a pong with no ping outstanding pushes the next
 * ping back: a client that never reads its long-polling session, but POSTs a "3" every few seconds, was
 * never pinged and never timed out, while the server queued everything sent to it. Here a pong counts only
 * when a ping has actually left the server's buffer for the client since the last pong; any other is
 * dropped before Engine.IO sees it, so such a session times out like any silent one.
 */
export function ignoreBlindPongs(io: Server): void {
  io.engine.on("connection", (connection: EngineConnection) => addTap(connection, new BlindPongGuard(connection.transport)));
}
