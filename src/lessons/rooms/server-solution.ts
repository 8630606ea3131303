import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";

interface ClientToServerEvents {
  join: (room: string, ack: (rooms: string[]) => void) => void;
  shout: (room: string, text: string) => void;
}
interface ServerToClientEvents {
  shout: (text: string) => void;
}

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log }: LabContext) => {
  io.on("connection", (socket) => {
    socket.on("join", (room, ack) => {
      void socket.join(String(room));
      ack([...socket.rooms]);
    });

    socket.on("shout", (room, text) => {
      log(`shout to ${room}: ${text}`);
      // socket.to(room): the room's members, minus this socket.
      socket.to(String(room)).emit("shout", text);
    });
  });
};
