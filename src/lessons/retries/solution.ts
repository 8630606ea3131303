import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

// retries + ackTimeout: each emit waits for its ack and is sent again until one comes.
// An id per message lets the server store a retried message only once. WebSocket only, as in the starter.
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, {
  ...lab.options,
  transports: ["websocket"],
  retries: 10,
  ackTimeout: 2000,
});

socket.once("connect", () => {
  for (let n = 1; n <= 10; n++) {
    setTimeout(
      () => {
        const id = crypto.randomUUID();
        socket.emitWithAck("message", { text: `message ${n}`, id }).then(
          (result) => console.log(`message ${n}:`, result),
          (error: Error) => console.log(`message ${n} failed:`, error.message),
        );
      },
      1000 + n * 300,
    );
  }
});
