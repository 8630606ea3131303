import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(lab.url, lab.options);

socket.on("news", (news) => console.log(`news from ${news.from} via ${news.target}`));

socket.on("connect", async () => {
  console.log("connected as", socket.id);
  console.log("my rooms:", await socket.timeout(3000).emitWithAck("join", "red"));
  await socket.timeout(3000).emitWithAck("send", { target: "io.to(room)", room: "red", run: "exercise" });
});
