import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, EmitAck, ServerToClientEvents } from "./events.js";

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    // The co-editing box: whatever one client types, every other client receives.
    socket.on("editing", (text) => {
      log(`editing: ${JSON.stringify(text)}`);
      socket.broadcast.emit("editing", text);
    });

    // Any other event goes to the other clients unchanged, so you can try any name and any arguments.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event === "editing") return;
      const ack = typeof args.at(-1) === "function" ? (args.pop() as (reply: EmitAck) => void) : undefined;
      socket.broadcast.emit(event, ...args);
      ack?.({ status: "ok" });
    });
  });
};
