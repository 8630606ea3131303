import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents, StoredRow, StoreAck } from "./events.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SQLite's extended result code for a UNIQUE constraint failure; node:sqlite puts it on the error as `errcode`. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** Numbers you can change on the page while the lab runs: the handlers read their current values from `settings`. */
export const settings = {
  ackDelayMs: { label: "Slow ack: delay (ms)", default: 0, min: 0, max: 30_000 },
  lostAck: { label: "Lost ack: store but never answer", default: 0, min: 0, max: 1 },
  databaseDown: { label: "Database down", default: 0, min: 0, max: 1 },
};

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log, settings, database }: LabContext) => {
  let duplicatesRejected = 0;
  const db = database();
  // UNIQUE on the client's message id: a retry of a stored message cannot be stored twice.
  // Messages sent without an id (NULL) are never considered equal, so their retries do duplicate.
  // The index on text lets "stats" count each text's copies without reading the whole table.
  const ready = db.exec(`
    CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT UNIQUE, sender TEXT NOT NULL, text TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS messages_text ON messages (text);
  `);

  io.on("connection", (socket) => {
    const name = String(socket.handshake.query.client ?? socket.id);

    socket.on("message", async (message, ack) => {
      if (typeof ack !== "function") return;
      if (settings.databaseDown) return log(`database down: ${name}'s message not stored, no ack`);
      let result: StoreAck;
      try {
        await ready;
        await db.run("INSERT INTO messages (client_id, sender, text) VALUES (?, ?, ?)", message?.id ?? null, name, String(message?.text));
        result = { stored: true, duplicate: false };
        socket.broadcast.emit("message", { from: name, text: String(message?.text) });
      } catch (error) {
        if ((error as { errcode?: number }).errcode !== SQLITE_CONSTRAINT_UNIQUE) {
          return log(`store failed, no ack: ${(error as Error).message}`);
        }
        // Already stored by an earlier try: the work is done, so acknowledge, but do not rebroadcast.
        duplicatesRejected += 1;
        result = { stored: false, duplicate: true };
      }
      if (settings.lostAck) return log(`lost ack: ${name}'s message stored, the answer never leaves`);
      if (settings.ackDelayMs) await wait(settings.ackDelayMs);
      ack(result);
    });

    socket.on("stats", async (ack) => {
      if (typeof ack !== "function") return;
      try {
        await ready;
        const counted = await db.get<{ stored: number }>("SELECT COUNT(*) AS stored FROM messages");
        const rows = await db.all<StoredRow>("SELECT text, COUNT(*) AS copies FROM messages GROUP BY text ORDER BY MIN(id) DESC LIMIT 50");
        ack({ stored: counted?.stored ?? 0, duplicatesRejected, rows });
      } catch (error) {
        log(`stats failed: ${(error as Error).message}`);
      }
    });
  });
};
