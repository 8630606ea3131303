import type { Server } from "socket.io";

/**
 * The handlers the lab conformance test runs on every backend: plain Socket.IO code that joins rooms,
 * echoes what it gets (binary too), and asks the client something with an acknowledgement, so that every
 * rule of a lab (naming, caps, logging, the inspector) has something to show.
 */
export function conformanceHandlers(io: Server): void {
  io.on("connection", (socket) => {
    socket.data = { greeting: "hello" };
    socket.on("join", async (room: string, ack: (rooms: string[]) => void) => {
      await socket.join(room);
      ack([...socket.rooms]);
    });
    socket.on("echo", (value: unknown, ack?: (value: unknown) => void) => ack?.(value));
    // A server-to-client emit with an ack: pending on the server until the client answers.
    socket.on("ask me", () => socket.timeout(5000).emit("question", () => undefined));
  });
}
