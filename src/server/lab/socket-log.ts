import type { Socket } from "socket.io";
import type { FrameData } from "../../shared/wire.js";
import { clientName } from "./client-name.js";
import { tapsOf } from "./connection-taps.js";
import type { LabRules } from "./lab-rules.js";

/** What the server log shows of one socket: its connect, every frame each way (binary too), upgrades, and why it ended. */
export function logSocket(socket: Socket, { log, onActivity, onStateChange }: LabRules): void {
  const entry = { client: clientName(socket), socketId: socket.id };
  log.add({ at: Date.now(), kind: "connect", ...entry, transport: socket.conn.transport.name });
  const taps = tapsOf(socket.conn);
  taps.packet.push((packet) => {
    if (packet.type === "message" && packet.data !== undefined)
      log.addFrame("received", entry.client, entry.socketId, packet.data as FrameData);
  });
  taps.packetCreate.push((packet) => {
    if (packet.type === "message" && packet.data !== undefined)
      log.addFrame("sent", entry.client, entry.socketId, packet.data as FrameData);
  });
  socket.conn.on("upgrade", (transport: { name: string }) => {
    onStateChange();
    log.add({ at: Date.now(), kind: "upgrade", ...entry, transport: transport.name });
  });
  socket.on("disconnect", (reason, details) => {
    onActivity();
    const description = describeDisconnect(details);
    log.add({ at: Date.now(), kind: "disconnect", ...entry, reason, ...(description ? { description } : {}) });
  });
}

/** Socket.IO passes an Error, or an object with a message (e.g. a WebSocket close), or nothing. */
function describeDisconnect(details: unknown): string | undefined {
  if (details instanceof Error) return details.message;
  if (details && typeof details === "object" && "message" in details && typeof details.message === "string") {
    return details.message;
  }
  return undefined;
}
