import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents } from "./events.js";

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    socket.on("editing", (text) => {
      log(`editing: ${JSON.stringify(text)}`);
      // Send `text` on to every other client.
    });
  });
};
