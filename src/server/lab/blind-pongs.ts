import type { EventEmitter } from "node:events";
import type { Server } from "socket.io";
import { tapsOf } from "./connection-taps.js";

/** The parts of an Engine.IO connection this rule reads; they are internal to engine.io (6.6). */
interface EngineConnection extends EventEmitter {
  transport: EngineTransport;
}

interface EngineTransport {
  onPacket(packet: { type: string }): void;
}

/**
 * Engine.IO takes any pong as the answer to its ping, and a pong with no ping outstanding pushes the next
 * ping back: a client that never reads its long-polling session, but POSTs a "3" every few seconds, was
 * never pinged and never timed out, while the server queued everything sent to it. Here a pong counts only
 * when a ping has actually left the server's buffer for the client since the last pong; any other is
 * dropped before Engine.IO sees it, so such a session times out like any silent one.
 */
export function ignoreBlindPongs(io: Server): void {
  io.engine.on("connection", (connection: EngineConnection) => {
    let pingSent = false;
    const taps = tapsOf(connection);
    taps.packetCreate.push((packet) => {
      if (packet.type === "ping") pingSent = false;
    });
    taps.flush.push((packets) => {
      if (packets.some((packet) => packet.type === "ping")) pingSent = true;
    });
    const guard = (transport: EngineTransport) => {
      const onPacket = transport.onPacket.bind(transport);
      transport.onPacket = (packet) => {
        if (packet.type === "pong") {
          if (!pingSent) return;
          pingSent = false;
        }
        onPacket(packet);
      };
    };
    guard(connection.transport);
    connection.on("upgrade", guard);
  });
}
