import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

// WebSocket first, and when it fails, the next transport in the list.
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, {
  ...lab.options,
  transports: ["websocket", "polling"],
  tryAllTransports: true,
});

socket.on("connect_error", (error) => console.log("connect_error:", error.message));
socket.on("connect", () => {
  console.log("connected over", socket.io.engine.transport.name);
  socket.emit("hello");
});
