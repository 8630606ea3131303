import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import { MAX_BURST, type ClientToServerEvents, type ServerToClientEvents } from "./events.js";

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    // Which transport carries this socket right now: it starts on one and may upgrade once.
    log(`connection over ${socket.conn.transport.name}`);
    socket.conn.once("upgrade", (transport: { name: string }) => log(`upgraded to ${transport.name}`));

    // Several events in a row: over WebSocket each is its own frame; over polling they wait for the next
    // request and share its body.
    socket.on("burst", (count) => {
      const n = Math.min(Math.max(1, Math.floor(Number(count)) || 1), MAX_BURST);
      for (let i = 1; i <= n; i++) socket.emit("news", i, n);
    });

    // Any other event goes to the other clients unchanged.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event === "burst") return;
      const ack = typeof args.at(-1) === "function" ? (args.pop() as (reply: { status: "ok" }) => void) : undefined;
      socket.broadcast.emit(event, ...args);
      ack?.({ status: "ok" });
    });
  });
};
