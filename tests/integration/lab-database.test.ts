import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LessonLab } from "../../src/server/lesson-lab.js";
import { connectClient, createLab, fault, nextEvent, startServer, testDataDir } from "../support/server.js";

/** A lab that keeps notes in its database. */
const notesLab: LessonLab = {
  slug: "emit",
  options: {},
  handlers(io, { database }) {
    io.on("connection", (socket) => {
      socket.on("note", async (text: string, ack: (count: number) => void) => {
        const db = database();
        await db.exec("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
        await db.run("INSERT INTO notes (text) VALUES (?)", String(text));
        ack((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM notes"))?.n ?? 0);
      });
    });
  },
};

/** Counts to a billion: minutes of SQLite's own C code, which nothing inside SQLite can interrupt. */
const SLOW = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000000) SELECT count(*) AS n FROM c";

/** A lab whose lesson code runs whatever query a client asks for, and answers its rows or its error. */
const queryLab: LessonLab = {
  slug: "emit",
  options: {},
  handlers(io, { database }) {
    io.on("connection", (socket) => {
      socket.on("query", (sql: string, ack: (answer: unknown) => void) => {
        database()
          .all(sql)
          .then(
            (rows) => ack({ rows }),
            (error: Error & { code?: string }) => ack({ error: error.message, code: error.code }),
          );
      });
    });
  },
};

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer({}, new Map([["emit", notesLab]]));
});
afterAll(() => running.close());

/** The lab's files, in the folder of the host that holds it (one folder per host process under the data directory). */
const labFiles = (id: string) =>
  (readdirSync(testDataDir, { recursive: true }) as string[]).filter((file) => basename(file).startsWith(`lab-${id}`));

describe("a lab's database", () => {
  it("is a file of the lab's own under the data directory, created on first use", async () => {
    const lab = await createLab(running.origin);
    expect(labFiles(lab.id)).toEqual([]);
    const alice = await connectClient(running.origin, lab, "Alice");
    expect(await alice.timeout(3000).emitWithAck("note", "first")).toBe(1);
    expect(labFiles(lab.id).map((file) => basename(file))).toContain(`lab-${lab.id}.sqlite`);
    expect(existsSync(join(testDataDir, labFiles(lab.id)[0] ?? "none"))).toBe(true);
    alice.disconnect();
  });

  it("survives Restart server, while the server's in-memory state does not", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { reconnection: true, reconnectionDelay: 50 });
    await alice.timeout(3000).emitWithAck("note", "before the restart");
    await fault(running.origin, lab, "/restart", "POST");
    await nextEvent(alice, "connect", 5000);
    expect(await alice.timeout(3000).emitWithAck("note", "after the restart")).toBe(2);
    alice.disconnect();
  });

  it("is deleted with its lab, and one lab never sees another's rows", async () => {
    const first = await createLab(running.origin);
    const second = await createLab(running.origin);
    const a = await connectClient(running.origin, first, "Alice");
    const b = await connectClient(running.origin, second, "Bob");
    await a.timeout(3000).emitWithAck("note", "one");
    await a.timeout(3000).emitWithAck("note", "two");
    expect(await b.timeout(3000).emitWithAck("note", "only mine")).toBe(1);
    a.disconnect();
    b.disconnect();
    await fetch(`${running.origin}/api/labs/${first.id}`, { method: "DELETE" });
    expect(labFiles(first.id)).toEqual([]);
  });
});

describe("a lesson's query that runs too long", () => {
  let slowRunning: RunningPlayground;
  beforeAll(async () => {
    slowRunning = await startServer({ databaseQueryMs: 400 }, new Map([["emit", queryLab]]));
  });
  afterAll(() => slowRunning.close());

  it("is stopped at the time limit with a clear error, while the host and another lab's queries carry on", async () => {
    const [slowLab, otherLab] = [await createLab(slowRunning.origin), await createLab(slowRunning.origin)];
    const mallory = await connectClient(slowRunning.origin, slowLab, "Mallory");
    const alice = await connectClient(slowRunning.origin, otherLab, "Alice");
    const started = performance.now();
    const slow = mallory.timeout(15_000).emitWithAck("query", SLOW);
    // Meanwhile the host answers at once, and the other lab's query waits only for the stop.
    const health = performance.now();
    expect((await fetch(`${slowRunning.origin}/api/health`)).status).toBe(200);
    expect(performance.now() - health).toBeLessThan(200);
    expect(await alice.timeout(15_000).emitWithAck("query", "SELECT 1 AS one")).toEqual({ rows: [{ one: 1 }] });
    expect(await slow).toEqual({ error: "The query ran past 400 ms and was stopped.", code: "ERR_LAB_DATABASE_TIMEOUT" });
    expect(performance.now() - started).toBeLessThan(10_000);
    // Its lab waits a while before its next query: code that overruns in a loop cannot hold the others.
    expect(await mallory.timeout(15_000).emitWithAck("query", "SELECT 2 AS two")).toMatchObject({ code: "ERR_LAB_DATABASE_PAUSED" });
    expect(await alice.timeout(15_000).emitWithAck("query", "SELECT 2 AS two")).toEqual({ rows: [{ two: 2 }] });
    mallory.disconnect();
    alice.disconnect();
  });
});
