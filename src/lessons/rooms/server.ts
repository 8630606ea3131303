import type { Server, Socket } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, News, SendPlan, ServerToClientEvents } from "./events.js";

type RoomsServer = Server<ClientToServerEvents, ServerToClientEvents>;
type RoomsSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const ROOM_NAME = /^[A-Za-z0-9 _-]{1,32}$/;

/** Each way to address clients, as the lesson shows it: one function per target. */
const send = {
  // #region io.emit
  "io.emit": (io: RoomsServer, _socket: RoomsSocket, _plan: SendPlan, news: News) => {
    io.emit("news", news); // every connected client, the sender too
  },
  // #endregion
  // #region socket.broadcast.emit
  "socket.broadcast.emit": (_io: RoomsServer, socket: RoomsSocket, _plan: SendPlan, news: News) => {
    socket.broadcast.emit("news", news); // everyone except the sender
  },
  // #endregion
  // #region socket.to(room)
  "socket.to(room)": (_io: RoomsServer, socket: RoomsSocket, plan: SendPlan, news: News) => {
    socket.to(plan.room ?? "").emit("news", news); // the room, except the sender
  },
  // #endregion
  // #region io.to(room)
  "io.to(room)": (io: RoomsServer, _socket: RoomsSocket, plan: SendPlan, news: News) => {
    io.to(plan.room ?? "").emit("news", news); // the whole room, the sender too if a member
  },
  // #endregion
  // #region union
  union: (io: RoomsServer, _socket: RoomsSocket, plan: SendPlan, news: News) => {
    io.to(plan.room ?? "")
      .to(plan.otherRoom ?? "")
      .emit("news", news); // either room; once each
  },
  // #endregion
  // #region except
  except: (io: RoomsServer, _socket: RoomsSocket, plan: SendPlan, news: News) => {
    io.except(plan.room ?? "").emit("news", news); // everyone not in the room
  },
  // #endregion
  // #region private
  private: (io: RoomsServer, _socket: RoomsSocket, plan: SendPlan, news: News) => {
    io.to(plan.socketId ?? "").emit("news", news); // every socket is in a room named after its id
  },
  // #endregion
};

export default (io: RoomsServer, { log }: LabContext) => {
  io.on("connection", (socket) => {
    const name = String(socket.handshake.query.client ?? socket.id);

    socket.on("join", async (room, ack) => {
      if (typeof ack !== "function") return;
      if (typeof room !== "string" || !ROOM_NAME.test(room))
        return ack({ error: "A room name is 1 to 32 letters, digits, spaces, - or _." });
      await socket.join(room);
      ack([...socket.rooms]);
    });

    socket.on("leave", async (room, ack) => {
      if (typeof ack !== "function" || typeof room !== "string") return;
      await socket.leave(room);
      ack([...socket.rooms]);
    });

    socket.on("send", (plan, ack) => {
      if (typeof ack !== "function") return;
      if (typeof plan?.target !== "string" || !Object.hasOwn(send, plan.target)) return ack({ error: "Unknown target." });
      const deliver = send[plan.target];
      deliver(io, socket, plan, { from: name, target: plan.target, run: String(plan.run) });
      log(`${name} sent with ${plan.target}`);
      ack({});
    });

    // The page's "Run" makes one round trip per client after a send: whatever the send delivered has
    // arrived by then, because each connection delivers in order.
    socket.on("sync", (ack) => {
      if (typeof ack === "function") ack();
    });

    // Rooms are left on disconnect: read them in "disconnecting", they are gone by "disconnect".
    socket.on("disconnecting", (reason) => {
      const rooms = [...socket.rooms].filter((room) => room !== socket.id);
      if (rooms.length > 0) log(`${name} is leaving ${rooms.join(", ")} (${reason})`);
    });
  });
};
