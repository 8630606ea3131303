import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { connectClient, createLab, fault, nextEvent, startServer } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function labWithAlice() {
  const lab = await createLab(running.origin, "retries");
  const alice = await connectClient(running.origin, lab, "Alice");
  return { lab, alice };
}

describe("the Retries lab's server", () => {
  it("answers the page's volatile stats question outside a client's retry queue, which stays the learner's", async () => {
    const lab = await createLab(running.origin, "retries");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { retries: 3, ackTimeout: 2000 });
    const queue = () => (alice as unknown as { _queue: unknown[] })._queue.length;
    const asked = alice.volatile.timeout(2000).emitWithAck("stats");
    expect(queue()).toBe(0);
    const queued = alice.timeout(2000).emitWithAck("stats");
    expect(queue()).toBe(1);
    await Promise.all([asked, queued]);
    alice.disconnect();
  });

  it("stores a message once per id: a retry is acknowledged as a duplicate and not stored again", async () => {
    const { alice } = await labWithAlice();
    const message = { text: "hi", id: crypto.randomUUID() };
    expect(await alice.timeout(2000).emitWithAck("message", message)).toEqual({ stored: true, duplicate: false });
    expect(await alice.timeout(2000).emitWithAck("message", message)).toEqual({ stored: false, duplicate: true });
    expect(await alice.timeout(2000).emitWithAck("stats")).toEqual({ stored: 1, duplicatesRejected: 1, rows: [{ text: "hi", copies: 1 }] });
    alice.disconnect();
  });

  it("stores a message sent twice without an id twice", async () => {
    const { alice } = await labWithAlice();
    await alice.timeout(2000).emitWithAck("message", { text: "hi" });
    await alice.timeout(2000).emitWithAck("message", { text: "hi" });
    expect(await alice.timeout(2000).emitWithAck("stats")).toEqual({ stored: 2, duplicatesRejected: 0, rows: [{ text: "hi", copies: 2 }] });
    alice.disconnect();
  });

  it("with Database down, stores nothing and does not acknowledge", async () => {
    const { lab, alice } = await labWithAlice();
    await fault(running.origin, lab, "/settings", "PUT", { databaseDown: 1 });
    await expect(alice.timeout(300).emitWithAck("message", { text: "lost" })).rejects.toThrow("operation has timed out");
    await fault(running.origin, lab, "/settings", "PUT", { databaseDown: 0 });
    expect(await alice.timeout(2000).emitWithAck("stats")).toMatchObject({ stored: 0, duplicatesRejected: 0 });
    alice.disconnect();
  });

  it("with Lost ack, stores the message but the acknowledgement never arrives", async () => {
    const { lab, alice } = await labWithAlice();
    await fault(running.origin, lab, "/settings", "PUT", { lostAck: 1 });
    await expect(alice.timeout(300).emitWithAck("message", { text: "done" })).rejects.toThrow("operation has timed out");
    await fault(running.origin, lab, "/settings", "PUT", { lostAck: 0 });
    expect(await alice.timeout(2000).emitWithAck("stats")).toMatchObject({ stored: 1, duplicatesRejected: 0 });
    alice.disconnect();
  });

  it("with a slow ack, answers after the delay", async () => {
    const { lab, alice } = await labWithAlice();
    await fault(running.origin, lab, "/settings", "PUT", { ackDelayMs: 300 });
    const started = Date.now();
    await alice.timeout(2000).emitWithAck("message", { text: "slow" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    alice.disconnect();
  });

  it("with a slow ack and retries, every try reaches the server: one copy stored, three duplicates rejected, and the emit still fails", async () => {
    const lab = await createLab(running.origin, "retries");
    await fault(running.origin, lab, "/settings", "PUT", { ackDelayMs: 600 });
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { retries: 3, ackTimeout: 150 });
    const [error] = await new Promise<unknown[]>((resolve) =>
      alice.emit("message", { text: "slow", id: crypto.randomUUID() }, (...reply: unknown[]) => resolve(reply)),
    );
    expect((error as Error).message).toBe("operation has timed out");
    const stats = await alice.timeout(2000).emitWithAck("stats");
    expect(stats).toMatchObject({ stored: 1, duplicatesRejected: 3 });
    alice.disconnect();
  });

  it("with the database down, the retry queue holds the second message until the first has used all its tries", async () => {
    const lab = await createLab(running.origin, "retries");
    await fault(running.origin, lab, "/settings", "PUT", { databaseDown: 1 });
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { retries: 3, ackTimeout: 100 });
    const outcomes = await Promise.all(
      ["#1", "#2"].map((text) => new Promise<unknown>((resolve) => alice.emit("message", { text }, (error: unknown) => resolve(error)))),
    );
    expect(outcomes.every((error) => error instanceof Error)).toBe(true);
    // Four tries each, one at a time: eight refusals in the lab's log, and nothing stored.
    const refusals = running.playground.labs
      .get(lab.id)
      ?.log.since()
      .filter(({ entry }) => entry.kind === "log" && entry.message.startsWith("database down"));
    expect(refusals).toHaveLength(8);
    await fault(running.origin, lab, "/settings", "PUT", { databaseDown: 0 });
    expect(await alice.timeout(2000).emitWithAck("stats")).toMatchObject({ stored: 0 });
    alice.disconnect();
  });

  it("buffers a volatile emit made during the reconnection delay, and delivers it after reconnecting", async () => {
    const lab = await createLab(running.origin, "retries");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { reconnection: true, reconnectionDelay: 200 });
    const gone = new Promise<void>((resolve) => alice.once("disconnect", () => resolve()));
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    await gone;
    expect(alice.connected).toBe(false);
    alice.volatile.emit("message", { text: "volatile, yet kept" }, () => undefined);
    expect(alice.sendBuffer).toHaveLength(1);
    await new Promise<void>((resolve) => alice.once("connect", () => resolve()));
    expect(alice.sendBuffer).toHaveLength(0);
    const stats = (await alice.timeout(2000).emitWithAck("stats")) as { rows: { text: string }[] };
    expect(stats.rows.map((row) => row.text)).toContain("volatile, yet kept");
    alice.disconnect();
  });

  it("drops a volatile emit made after a failed reconnection attempt: the new engine's transport is not writable", async () => {
    const lab = await createLab(running.origin, "retries");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", {
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
    });
    const gone = nextEvent(alice, "disconnect");
    const firstAttemptFailed = nextEvent(alice.io, "reconnect_error", 3000);
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: true });
    // Within the first delay, the closed transport still reports writable: kept.
    await gone;
    alice.volatile.emit("message", { text: "volatile, first delay" }, () => undefined);
    expect(alice.sendBuffer).toHaveLength(1);
    await firstAttemptFailed;
    expect(alice.io.engine.transport.writable).toBe(false);
    alice.volatile.emit("message", { text: "volatile, after a failed attempt" }, () => undefined);
    expect(alice.sendBuffer).toHaveLength(1);

    const back = nextEvent(alice, "connect", 3000);
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: false });
    await back;
    const stats = (await alice.timeout(2000).emitWithAck("stats")) as { rows: { text: string }[] };
    expect(stats.rows.map((row) => row.text)).toEqual(["volatile, first delay"]);
    alice.disconnect();
  });

  it("removes a timeout(ms) emit from the send buffer when it times out while disconnected", async () => {
    const lab = await createLab(running.origin, "retries");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    alice.disconnect();
    const timedOut = new Promise<unknown>((resolve) =>
      alice.timeout(100).emit("message", { text: "late" }, (error: unknown) => resolve(error)),
    );
    expect(alice.sendBuffer).toHaveLength(1);
    expect(await timedOut).toBeInstanceOf(Error);
    expect(alice.sendBuffer).toHaveLength(0);
  });
});
