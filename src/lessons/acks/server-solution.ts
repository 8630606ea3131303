import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents } from "./events.js";

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    socket.on("add", (a, b, ack) => {
      log(`add(${a}, ${b})`);
      // The ack goes back to this emit only, as its answer.
      ack(a + b);
    });
  });
};
