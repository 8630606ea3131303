import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("connect", () => {
  console.log("connected as", socket.id);
  socket.emit("greet", "hello", 42);
});
