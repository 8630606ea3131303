import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { lessonLab, type LessonLab } from "../../src/server/lesson-lab.js";
import type { StoreAck } from "../../src/lessons/retries/events.js";
import * as retries from "../../src/lessons/retries/server.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { connectClient, createLab, fault, labDatabasePath, startServer } from "../support/server.js";

/** The Retries lab with a short heartbeat, so a blackhole is noticed in half a second. */
const chaosLab: LessonLab = { ...lessonLab("retries", retries), options: { pingInterval: 300, pingTimeout: 200 } };
const MESSAGES = 1000;

let running: RunningPlayground;
beforeAll(async () => {
  // A thousand acknowledged emits in a few seconds is the point here, not the rate limit.
  running = await startServer({ maxEventsPerSecond: 100_000 }, new Map([["retries", chaosLab]]));
});
afterAll(() => running.close());

/** A small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Injects faults on the real link and in the server until `running()` says the client is done. */
async function chaos(lab: LabInfo, running_: () => boolean, seed: number): Promise<string[]> {
  const next = random(seed);
  const injected: string[] = [];
  const put = (body: unknown) => fault(running.origin, lab, "/clients/Chaos/link", "PUT", body);
  const setting = (body: unknown) => fault(running.origin, lab, "/settings", "PUT", body);
  // The first fault is always a lost ack: it is what makes retries store duplicates without ids.
  const kinds = ["lost ack", "drop", "blackhole", "latency", "database down"];
  for (let round = 0; running_(); round++) {
    const kind = round === 0 ? "lost ack" : kinds[Math.floor(next() * kinds.length)]!;
    injected.push(kind);
    if (kind === "drop") {
      await fault(running.origin, lab, "/clients/Chaos/drop", "POST").catch(() => undefined);
    } else if (kind === "blackhole") {
      await put({ blackhole: true });
      await pause(300 + next() * 400);
      await put({ blackhole: false });
    } else if (kind === "latency") {
      await put({ latencyMs: 20, jitterMs: 20 });
      await pause(200);
      await put({ latencyMs: 0, jitterMs: 0 });
    } else if (kind === "lost ack") {
      await setting({ lostAck: 1 });
      await pause(300);
      await setting({ lostAck: 0 });
    } else {
      await setting({ databaseDown: 1 });
      await pause(150);
      await setting({ databaseDown: 0 });
    }
    await pause(30 + next() * 70);
  }
  return injected;
}

async function run(withIds: boolean, seed: number) {
  const lab = await createLab(running.origin, "retries");
  const client = await connectClient(running.origin, lab, "Chaos", "websocket", {
    reconnection: true,
    reconnectionDelay: 20,
    reconnectionDelayMax: 50,
    retries: 30,
    ackTimeout: 150,
  });
  const sent = new Set<string>();
  const acked: string[] = [];
  let settled = 0;
  const all = Promise.all(
    Array.from({ length: MESSAGES }, (_, i) => {
      const text = `message ${i}`;
      sent.add(text);
      const message = withIds ? { text, id: crypto.randomUUID() } : { text };
      return new Promise<void>((resolve) => {
        // With ackTimeout set, the callback is error-first; an error means every retry went unanswered.
        client.emit("message", message, (error: Error | null, _result: StoreAck) => {
          if (!error) acked.push(text);
          settled += 1;
          resolve();
        });
      });
    }),
  );
  const injected = chaos(lab, () => settled < MESSAGES, seed);
  await all;
  const faults = await injected;
  client.disconnect();
  const db = new DatabaseSync(labDatabasePath(lab.id) ?? "missing", { readOnly: true });
  const rows = db.prepare("SELECT text, COUNT(*) AS copies FROM messages GROUP BY text").all() as { text: string; copies: number }[];
  db.close();
  return { acked, sent, rows, faults };
}

describe("at-least-once delivery with retries, made exactly-once by ids", () => {
  it(`stores every acknowledged message exactly once, and nothing never sent, through ${MESSAGES} messages of chaos`, async () => {
    const { acked, sent, rows, faults } = await run(true, 42);
    const copies = new Map(rows.map((row) => [row.text, row.copies]));
    expect(faults.length).toBeGreaterThan(3);
    expect(acked.length).toBeGreaterThan(MESSAGES * 0.9);
    for (const text of acked) expect(copies.get(text)).toBe(1);
    for (const row of rows) {
      expect(sent.has(row.text)).toBe(true);
      expect(row.copies).toBe(1);
    }
  }, 60_000);

  it("stores duplicates when the same chaos hits messages sent without ids", async () => {
    const { rows, sent } = await run(false, 42);
    const duplicated = rows.filter((row) => row.copies > 1);
    expect(duplicated.length).toBeGreaterThan(0);
    for (const row of rows) expect(sent.has(row.text)).toBe(true);
  }, 60_000);
});
