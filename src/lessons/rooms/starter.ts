import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("news", (news) => console.log(`news from ${news.from} via ${news.target}`));

socket.on("connect", async () => {
  console.log("connected as", socket.id);
  // TODO: join the room "red", then ask the server to send to it with io.to(room).
});
