// The connected clients a flood process drives: `count` WebSocket clients named `${prefix} 0`, `${prefix} 1`…
// without reconnection, so a client the lab cuts off stays cut off. Shared by the database flood processes.
import { io } from "socket.io-client";

export function connectFloodSockets(origin, path, count, prefix) {
  return Promise.all(
    Array.from(
      { length: count },
      (_, n) =>
        new Promise((resolve, reject) => {
          const socket = io(origin, {
            path,
            forceNew: true,
            query: { client: `${prefix} ${n}` },
            transports: ["websocket"],
            reconnection: false,
          });
          socket.once("connect", () => resolve(socket));
          socket.once("connect_error", reject);
        }),
    ),
  );
}
