import type { DefaultEventsMap, Server, Socket } from "socket.io";
import type { LabContext } from "../lab-context.js";
import { RESEND, type ClientToServerEvents, type ServerToClientEvents, type StoredMessage } from "./events.js";

interface SocketData {
  name: string;
  firstSeenAt: number;
}

// Short, so that "the window expired" is something you can wait for.
export const options = { connectionStateRecovery: { maxDisconnectionDuration: 15_000 } };

/** Numbers you can change on the page while the lab runs: the handlers read their current values from `settings`. */
export const settings = {
  resend: { label: "Resend when not recovered (0 none, 1 full state, 2 offset)", default: 0, min: 0, max: 2 },
};

export default (
  io: Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>,
  { log, settings, database }: LabContext,
) => {
  const db = database();
  const ready = db.exec(
    "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, sender TEXT NOT NULL, text TEXT NOT NULL)",
  );
  const rowsAfter = async (id: number): Promise<StoredMessage[]> => {
    await ready;
    const rows = await db.all<{ id: number; sender: string; text: string }>(
      "SELECT id, sender, text FROM messages WHERE id > ? ORDER BY id",
      id,
    );
    return rows.map((row) => ({ id: row.id, from: row.sender, text: row.text }));
  };
  /** What a socket that was not recovered gets, by the lesson's setting: nothing, every message, or those after its offset. */
  const resend = async (socket: Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>) => {
    const strategy = settings.resend ?? RESEND.none;
    if (strategy === RESEND.fullState) {
      socket.emit("state", await rowsAfter(0));
    } else if (strategy === RESEND.offset) {
      const offset = Number((socket.handshake.auth as { serverOffset?: unknown }).serverOffset ?? 0);
      socket.emit("missed", await rowsAfter(Number.isFinite(offset) ? offset : 0));
    }
  };

  // A middleware that only logs: it runs for every new connection, and not for a recovered one,
  // because skipMiddlewares defaults to true.
  // #region middleware
  io.use((socket, next) => {
    log(`middleware ran for ${String(socket.handshake.query.client ?? socket.id)}`);
    next();
  });
  // #endregion

  io.on("connection", (socket) => {
    if (socket.recovered) {
      // Same id, same rooms, same data: and the missed packets were already sent, before this runs.
      log(`${socket.data.name} recovered: rooms ${JSON.stringify([...socket.rooms])}, data ${JSON.stringify(socket.data)}`);
    } else {
      socket.data = { name: String(socket.handshake.query.client ?? socket.id), firstSeenAt: Date.now() };
      void socket.join("chat");
      // The database answers later: the handlers below are registered meanwhile, so no event misses them.
      resend(socket).catch((error: Error) => log(`resend failed: ${error.message}`));
    }

    socket.on("message", async (text, ack) => {
      const from = socket.data.name;
      try {
        await ready;
        const { lastInsertRowid } = await db.run("INSERT INTO messages (sender, text) VALUES (?, ?)", from, String(text));
        const message: StoredMessage = { id: lastInsertRowid, from, text: String(text) };
        io.to("chat").emit("message", message);
        if (typeof ack === "function") ack(message.id);
      } catch (error) {
        log(`store failed: ${(error as Error).message}`);
      }
    });

    // Recovery stores only the plain notice: not the one with an acknowledgement, nor the volatile one.
    // #region announce
    socket.on("announce", (how, text) => {
      const notice = String(text).slice(0, 200);
      if (how === "ack") {
        io.to("chat")
          .timeout(5_000)
          .emit("acked notice", notice, (error, answers) =>
            log(`acked notice "${notice}": ${answers.length} answered${error ? `, then ${error.message}` : ""}`),
          );
      } else if (how === "volatile") {
        io.to("chat").volatile.emit("notice", notice);
      } else {
        io.to("chat").emit("notice", notice);
      }
    });
    // #endregion

    socket.on("move", (room, ack) => {
      for (const joined of [...socket.rooms]) if (joined !== socket.id) void socket.leave(joined);
      void socket.join(String(room).slice(0, 32));
      if (typeof ack === "function") ack([...socket.rooms]);
    });
  });
};
