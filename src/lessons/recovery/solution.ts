import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("connect", () => {
  console.log("connected as", socket.id, "recovered:", socket.recovered);
  // Post a message once: the server sends it back to the chat room, so this client has an offset.
  if (!socket.recovered) socket.emit("message", "hello from my code");
});

// Closing the engine cuts the connection as a network failure would: the client reconnects by itself and
// asks to recover from its last offset. socket.disconnect() would tell the server it left for good.
socket.once("message", () => socket.io.engine.close());
