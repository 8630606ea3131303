import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";

interface ClientToServerEvents {
  say: (text: string) => void;
}
interface ServerToClientEvents {
  greet: (text: string) => void;
  said: (text: string) => void;
}

export const options = { connectionStateRecovery: { maxDisconnectionDuration: 30_000 } };

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    log(`connection, recovered: ${socket.recovered}`);
    // A recovered client already had its welcome: it keeps its id, rooms and missed events instead.
    if (!socket.recovered) socket.emit("greet", "welcome");

    socket.on("say", (text) => io.emit("said", text));
  });
};
