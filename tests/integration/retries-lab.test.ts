import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { connectClient, createLab, fault, startServer } from "../support/server.js";

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
  it("stores a message once per id: a retry is acknowledged as a duplicate and not stored again", async () => {
    const { alice } = await labWithAlice();
    const message = { text: "hi", id: crypto.randomUUID() };
    expect(await alice.timeout(2000).emitWithAck("message", message)).toEqual({ stored: true, duplicate: false });
    expect(await alice.timeout(2000).emitWithAck("message", message)).toEqual({ stored: false, duplicate: true });
    expect(await alice.timeout(2000).emitWithAck("stats")).toEqual({ stored: 1, duplicatesRejected: 1 });
    alice.disconnect();
  });

  it("stores a message sent twice without an id twice", async () => {
    const { alice } = await labWithAlice();
    await alice.timeout(2000).emitWithAck("message", { text: "hi" });
    await alice.timeout(2000).emitWithAck("message", { text: "hi" });
    expect(await alice.timeout(2000).emitWithAck("stats")).toEqual({ stored: 2, duplicatesRejected: 0 });
    alice.disconnect();
  });

  it("with Database down, stores nothing and does not acknowledge", async () => {
    const { lab, alice } = await labWithAlice();
    await fault(running.origin, lab, "/settings", "PUT", { databaseDown: 1 });
    await expect(alice.timeout(300).emitWithAck("message", { text: "lost" })).rejects.toThrow("operation has timed out");
    await fault(running.origin, lab, "/settings", "PUT", { databaseDown: 0 });
    expect(await alice.timeout(2000).emitWithAck("stats")).toEqual({ stored: 0, duplicatesRejected: 0 });
    alice.disconnect();
  });

  it("with Lost ack, stores the message but the acknowledgement never arrives", async () => {
    const { lab, alice } = await labWithAlice();
    await fault(running.origin, lab, "/settings", "PUT", { lostAck: 1 });
    await expect(alice.timeout(300).emitWithAck("message", { text: "done" })).rejects.toThrow("operation has timed out");
    await fault(running.origin, lab, "/settings", "PUT", { lostAck: 0 });
    expect(await alice.timeout(2000).emitWithAck("stats")).toEqual({ stored: 1, duplicatesRejected: 0 });
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
});
