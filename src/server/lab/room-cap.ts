import type { Socket } from "socket.io";
import { LAB_ERROR_EVENT, type LabErrorPayload } from "../../shared/lab-api.js";
import { clientName } from "./client-name.js";
import type { LabRules } from "./lab-rules.js";

/**
 * Rooms cost memory in the adapter for as long as they have members: a join that would take the server
 * past its cap is skipped, and the client is told why. The lesson's handler carries on as if the join were
 * a no-op (it must not throw: an exception in a handler would reach the process).
 */
export function capRooms(socket: Socket, { caps, scope, log }: LabRules): void {
  const join = socket.join.bind(socket);
  const namespace = socket.nsp;
  const max = caps.maxRooms;
  socket.join = (rooms) => {
    const wanted = (Array.isArray(rooms) ? rooms : [rooms]).filter((room) => !namespace.adapter.rooms.has(room));
    const held = namespace.adapter.rooms.size - namespace.sockets.size;
    if (wanted.length === 0 || held + wanted.length <= max) return join(rooms);
    const message = `${scope.subject} already has ${max} rooms, the most a ${scope.noun} allows. Leave or empty a room first.`;
    log.add({ at: Date.now(), kind: "refused", client: clientName(socket), message });
    const payload: LabErrorPayload = { code: "too_many_rooms", message };
    socket.emit(LAB_ERROR_EVENT, payload);
  };
}
