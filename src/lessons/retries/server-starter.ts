import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents, StoredRow } from "./events.js";

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log, database }: LabContext) => {
  const db = database();
  // A fresh table each time this code starts; the index lets "stats" group by text without a full scan.
  const ready = db.exec(`
    DROP TABLE IF EXISTS inbox;
    CREATE TABLE inbox (row INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT, text TEXT NOT NULL);
    CREATE INDEX inbox_text ON inbox (text);
  `);

  io.on("connection", (socket) => {
    socket.on("message", async (message, ack) => {
      await ready;
      // A retry stores a second copy: make the id unique, and still acknowledge a duplicate.
      await db.run("INSERT INTO inbox (message_id, text) VALUES (?, ?)", message?.id ?? null, String(message?.text));
      log(`stored ${message?.id}`);
      ack({ stored: true, duplicate: false });
    });

    socket.on("stats", async (ack) => {
      await ready;
      const rows = await db.all<StoredRow>("SELECT text, COUNT(*) AS copies FROM inbox GROUP BY text");
      ack({ stored: rows.length, duplicatesRejected: 0, rows });
    });
  });
};
