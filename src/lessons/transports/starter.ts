import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

// The lab blocks WebSocket for this client, as a strict proxy would.
// TODO: make the client connect anyway, and emit "hello" once it does.
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, { ...lab.options, transports: ["websocket"] });

socket.on("connect_error", (error) => console.log("connect_error:", error.message));
socket.on("connect", () => console.log("connected over", socket.io.engine.transport.name));
