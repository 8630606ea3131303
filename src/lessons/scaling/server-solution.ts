import type { Server } from "socket.io";
import type { NodeContext } from "../lab-context.js";

interface ClientToServerEvents {
  where: (ack: (node: string) => void) => void;
  say: (text: string) => void;
}
interface ServerToClientEvents {
  said: (text: string) => void;
}

// With the Redis Streams adapter picked in Nodes: the sessions and their missed packets live in Redis,
// where the other node finds them.
export const options = { connectionStateRecovery: { maxDisconnectionDuration: 30_000 } };

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { node, log }: NodeContext) => {
  io.on("connection", (socket) => {
    log(`connection on node ${node}, recovered: ${socket.recovered}`);
    socket.on("where", (ack) => ack(node));
    socket.on("say", (text) => io.emit("said", text));
  });
};
