import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("connect", () => {
  console.log("connected as", socket.id, "recovered:", socket.recovered);
  // Post a message once: the server sends it back to the chat room, so this client has an offset.
  if (!socket.recovered) socket.emit("message", "hello from my code");
});

// Once a message has arrived, break the connection and let the client come back.
// TODO: this way of breaking it is never recovered. Find one the server can recover from.
socket.once("message", () => {
  socket.disconnect();
  socket.connect();
});
