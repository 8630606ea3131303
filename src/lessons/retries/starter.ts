import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

// The lab blackholes this client's link for 3 s right after it connects, then cuts it: whatever the link
// was holding is lost, and the client reconnects. The messages go out from 1 s after connecting.
// WebSocket only: each emit is written to the connection at once, so the cut really loses it.
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, { ...lab.options, transports: ["websocket"] });

socket.once("connect", () => {
  for (let n = 1; n <= 10; n++) {
    setTimeout(
      () => {
        // TODO: make every message arrive exactly once, even through the blackhole.
        socket.emit("message", { text: `message ${n}` }, (result) => console.log(`message ${n}:`, result));
      },
      1000 + n * 300,
    );
  }
});
