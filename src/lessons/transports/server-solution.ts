import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";

interface ClientToServerEvents {
  say: (text: string, ack: (reply: { status: "ok" } | { error: string }) => void) => void;
}
interface ServerToClientEvents {
  say: (text: string) => void;
}

const MAX_LENGTH = 200;

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    socket.on("say", (text, ack) => {
      const length = String(text).length;
      log(`say: ${length} characters`);
      // The sender hears why, rather than the message vanishing.
      if (length > MAX_LENGTH) return ack({ error: `Messages are at most ${MAX_LENGTH} characters; this one has ${length}.` });
      socket.broadcast.emit("say", text);
      ack({ status: "ok" });
    });
  });
};
