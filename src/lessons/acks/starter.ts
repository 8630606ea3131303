import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("connect", async () => {
  console.log("connected as", socket.id);
  // TODO: ask the server to add 2 and 3, and log the sum it acknowledges with.
});
