import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents, StoredRow } from "./events.js";

/** SQLite's extended result code for a UNIQUE constraint failure. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log, database }: LabContext) => {
  const db = database();
  // A fresh table each time this code starts; the index lets "stats" group by text without a full scan.
  const ready = db.exec(`
    DROP TABLE IF EXISTS inbox;
    CREATE TABLE inbox (row INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT UNIQUE, text TEXT NOT NULL);
    CREATE INDEX inbox_text ON inbox (text);
  `);
  let duplicatesRejected = 0;

  io.on("connection", (socket) => {
    socket.on("message", async (message, ack) => {
      await ready;
      try {
        await db.run("INSERT INTO inbox (message_id, text) VALUES (?, ?)", message?.id ?? null, String(message?.text));
        log(`stored ${message?.id}`);
        ack({ stored: true, duplicate: false });
      } catch (error) {
        if ((error as { errcode?: number }).errcode !== SQLITE_CONSTRAINT_UNIQUE) throw error;
        // Stored by an earlier try: the work is done, so the ack still goes back.
        duplicatesRejected += 1;
        ack({ stored: false, duplicate: true });
      }
    });

    socket.on("stats", async (ack) => {
      await ready;
      const rows = await db.all<StoredRow>("SELECT text, COUNT(*) AS copies FROM inbox GROUP BY text");
      ack({ stored: rows.length, duplicatesRejected, rows });
    });
  });
};
