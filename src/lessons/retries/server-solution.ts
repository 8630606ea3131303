import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents, StoredRow } from "./events.js";

/** SQLite's extended result code for a UNIQUE constraint failure. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log, database }: LabContext) => {
  const db = database();
  // A fresh table each time this code starts.
  db.exec("DROP TABLE IF EXISTS inbox");
  db.exec("CREATE TABLE inbox (row INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT UNIQUE, text TEXT NOT NULL)");
  let duplicatesRejected = 0;

  io.on("connection", (socket) => {
    socket.on("message", (message, ack) => {
      try {
        db.prepare("INSERT INTO inbox (message_id, text) VALUES (?, ?)").run(message?.id ?? null, String(message?.text));
        log(`stored ${message?.id}`);
        ack({ stored: true, duplicate: false });
      } catch (error) {
        if ((error as { errcode?: number }).errcode !== SQLITE_CONSTRAINT_UNIQUE) throw error;
        // Stored by an earlier try: the work is done, so the ack still goes back.
        duplicatesRejected += 1;
        ack({ stored: false, duplicate: true });
      }
    });

    socket.on("stats", (ack) => {
      const rows = db
        .prepare("SELECT text, COUNT(*) AS copies FROM inbox GROUP BY text")
        .all()
        .map((row): StoredRow => ({ text: String(row.text), copies: Number(row.copies) }));
      ack({ stored: rows.length, duplicatesRejected, rows });
    });
  });
};
