import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("connect", () => console.log("connected as", socket.id));

let ticks = 0;
socket.on("tick", (tick) => {
  ticks += 1;
  console.log(`tick ${tick.n}, ${tick.sentAt - tick.changedAt} ms stale`);
  if (ticks === 3) socket.disconnect();
});
