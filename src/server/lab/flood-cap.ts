import type { Socket } from "socket.io";
import { LAB_ERROR_EVENT, type LabErrorPayload } from "../../shared/lab-api.js";
import { clientName } from "./client-name.js";
import type { LabRules } from "./lab-rules.js";
import { RateLimit } from "./rate-limit.js";

/** Over the events-per-second cap: tell the client why, then cut it off, so a runaway loop cannot load the server. */
export function cutFloods(socket: Socket, { caps, scope, log }: LabRules): void {
  const rate = new RateLimit(caps.maxEventsPerSecond, Date.now());
  let flooded = false;
  socket.conn.on("packet", (packet: { type: string; data?: unknown }) => {
    // Binary attachments ride with the event they belong to: only text frames count as events.
    if (flooded || packet.type !== "message" || typeof packet.data !== "string" || rate.take(Date.now())) return;
    flooded = true;
    const message = `More than ${caps.maxEventsPerSecond} events per second: ${scope.actor} disconnected this client. Reconnect to carry on.`;
    log.add({ at: Date.now(), kind: "refused", client: clientName(socket), message });
    const payload: LabErrorPayload = { code: "rate_limited", message };
    socket.emit(LAB_ERROR_EVENT, payload);
    socket.disconnect(true);
  });
}
