import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents, StoredRow } from "./events.js";

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log, database }: LabContext) => {
  const db = database();
  // A fresh table each time this code starts.
  db.exec("DROP TABLE IF EXISTS inbox");
  db.exec("CREATE TABLE inbox (row INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT, text TEXT NOT NULL)");

  io.on("connection", (socket) => {
    socket.on("message", (message, ack) => {
      // A retry stores a second copy: make the id unique, and still acknowledge a duplicate.
      db.prepare("INSERT INTO inbox (message_id, text) VALUES (?, ?)").run(message?.id ?? null, String(message?.text));
      log(`stored ${message?.id}`);
      ack({ stored: true, duplicate: false });
    });

    socket.on("stats", (ack) => {
      const rows = db
        .prepare("SELECT text, COUNT(*) AS copies FROM inbox GROUP BY text")
        .all()
        .map((row): StoredRow => ({ text: String(row.text), copies: Number(row.copies) }));
      ack({ stored: rows.length, duplicatesRejected: 0, rows });
    });
  });
};
