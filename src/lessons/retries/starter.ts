import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

// The lab blackholes this client's link for 6 s right after it connects: longer than the heartbeat
// allows, so the connection dies and comes back.
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.once("connect", () => {
  for (let n = 1; n <= 10; n++) {
    setTimeout(() => {
      // TODO: make every message arrive exactly once, even through the blackhole.
      socket.emit("message", { text: `message ${n}` }, (result) => console.log(`message ${n}:`, result));
    }, n * 300);
  }
});
