// The load benchmark's baseline: a plain Socket.IO server running the Broadcast & rooms lesson's own
// handlers, with no lab layer (no dispatcher, links, log, inspector, limits). Bundled by bench/load.mjs.
// Collects garbage as the lab host does: the same V8 flags at start (src/server/host/start-flags.ts).
import "../src/server/host/start-flags.js";
import { createServer } from "node:http";
import { Server } from "socket.io";
import roomsHandlers from "../src/lessons/rooms/server.js";
import { LAB_HEARTBEAT } from "../src/server/lab/lab-server.js";

const http = createServer();
const io = new Server(http, { ...LAB_HEARTBEAT, maxHttpBufferSize: 64 * 1024, httpCompression: false, perMessageDeflate: false });
roomsHandlers(io, {
  log: () => undefined,
  settings: {},
  database: () => {
    throw new Error("the rooms lesson has no database");
  },
  get: () => undefined,
  onClose: () => undefined,
});
http.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
// Exit through Node (not the signal's default) so a --cpu-prof profile is written.
process.once("SIGTERM", () => void io.close(() => process.exit(0)));
