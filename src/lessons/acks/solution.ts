import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("connect", async () => {
  console.log("connected as", socket.id);
  const sum = await socket.timeout(5000).emitWithAck("add", 2, 3);
  console.log("the server says 2 + 3 =", sum);
});
