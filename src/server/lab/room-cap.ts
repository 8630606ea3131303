import type { Socket } from "socket.io";
import { LAB_ERROR_EVENT, type LabErrorPayload } from "../../shared/lab-api.js";
import { clientName } from "./client-name.js";
import type { LabRules } from "./lab-rules.js";

const RULES = Symbol("the lab rules this socket's joins are held to");
const UNCAPPED_JOIN = Symbol("this socket's own join");
type CappedSocket = Socket & { [RULES]?: LabRules; [UNCAPPED_JOIN]?: Socket["join"] };

/**
 * The same `join` on every socket, finding its lab's rules on the socket: a bound join and a closure made
 * per socket were two functions and a scope each, thousands under load ([8/8]).
 */
function cappedJoin(this: CappedSocket, rooms: string | string[]): ReturnType<Socket["join"]> {
  const join = this[UNCAPPED_JOIN];
  const rules = this[RULES];
  if (!join || !rules) return;
  const { caps, scope, log } = rules;
  const namespace = this.nsp;
  const max = caps.maxRooms;
  const wanted = (Array.isArray(rooms) ? rooms : [rooms]).filter((room) => !namespace.adapter.rooms.has(room));
  const held = namespace.adapter.rooms.size - namespace.sockets.size;
  if (wanted.length === 0 || held + wanted.length <= max) return join.call(this, rooms);
  const message = `${scope.subject} already has ${max} rooms, the most a ${scope.noun} allows. Leave or empty a room first.`;
  log.add({ at: Date.now(), kind: "refused", client: clientName(this), message });
  const payload: LabErrorPayload = { code: "too_many_rooms", message };
  this.emit(LAB_ERROR_EVENT, payload);
}

/**
 * Rooms cost memory in the adapter for as long as they have members: a join that would take the server
 * past its cap is skipped, and the client is told why. The lesson's handler carries on as if the join were
 * a no-op (it must not throw: an exception in a handler would reach the process).
 */
export function capRooms(socket: Socket, rules: LabRules): void {
  const capped = socket as CappedSocket;
  capped[RULES] = rules;
  if (capped.join === cappedJoin) return;
  capped[UNCAPPED_JOIN] = capped.join;
  capped.join = cappedJoin;
}
