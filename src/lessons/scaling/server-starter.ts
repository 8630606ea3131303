import type { Server } from "socket.io";
import type { NodeContext } from "../lab-context.js";

interface ClientToServerEvents {
  where: (ack: (node: string) => void) => void;
  say: (text: string) => void;
}
interface ServerToClientEvents {
  said: (text: string) => void;
}

// Turn connection state recovery on here, then pick an adapter in Nodes that keeps it across nodes.
export const options = {};

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { node, log }: NodeContext) => {
  io.on("connection", (socket) => {
    log(`connection on node ${node}, recovered: ${socket.recovered}`);
    socket.on("where", (ack) => ack(node));
    socket.on("say", (text) => io.emit("said", text));
  });
};
