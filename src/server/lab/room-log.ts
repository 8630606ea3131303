import type { Namespace } from "socket.io";
import { clientName } from "./client-name.js";
import type { LabRules } from "./lab-rules.js";

/** Joins and leaves go to the server log; each socket's own private room is left out as noise. */
export function logRooms(namespace: Namespace, { log, onStateChange }: LabRules): void {
  const report = (action: "joined" | "left") => (room: string, id: string) => {
    onStateChange();
    if (room === id) return;
    const socket = namespace.sockets.get(id);
    const client = socket ? clientName(socket) : id;
    log.add({ at: Date.now(), kind: "room", client, socketId: id, room, action });
  };
  namespace.adapter.on("join-room", report("joined"));
  namespace.adapter.on("leave-room", report("left"));
}
