import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";

interface ClientToServerEvents {
  say: (text: string) => void;
}
interface ServerToClientEvents {
  greet: (text: string) => void;
  said: (text: string) => void;
}

// Turn connection state recovery on here.
export const options = {};

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    log(`connection, recovered: ${socket.recovered}`);
    // Greet only a client that was not recovered.
    socket.emit("greet", "welcome");

    socket.on("say", (text) => io.emit("said", text));
  });
};
