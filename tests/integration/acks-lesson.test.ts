import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { PollResult } from "../../src/lessons/acks/events.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForFrame, waitForLogEntry } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function setDelay(lab: LabInfo, delayMs: number): Promise<void> {
  await fault(running.origin, lab, "/settings", "PUT", { delayMs });
}

describe("the Acknowledgements lesson's lab", () => {
  it("calls the callback given as the last argument with the server's result", async () => {
    const lab = await createLab(running.origin, "acks");
    const alice = await connectClient(running.origin, lab, "Alice");
    const [sum] = await new Promise<unknown[]>((resolve) => alice.emit("add", 2, 3, (...reply: unknown[]) => resolve(reply)));
    expect(sum).toBe(5);
    alice.disconnect();
  });

  it("resolves emitWithAck's promise with the server's result", async () => {
    const lab = await createLab(running.origin, "acks");
    const alice = await connectClient(running.origin, lab, "Alice");
    expect(await alice.emitWithAck("add", 20, 22)).toBe(42);
    alice.disconnect();
  });

  it("makes the callback error-first with timeout(ms), and fails with a timeout error when the server is slower", async () => {
    const lab = await createLab(running.origin, "acks");
    const alice = await connectClient(running.origin, lab, "Alice");
    const inTime = await new Promise<unknown[]>((resolve) =>
      alice.timeout(2000).emit("add", 1, 1, (...reply: unknown[]) => resolve(reply)),
    );
    expect(inTime).toEqual([null, 2]);
    await setDelay(lab, 1000);
    const late = await new Promise<unknown[]>((resolve) => alice.timeout(200).emit("add", 1, 1, (...reply: unknown[]) => resolve(reply)));
    expect(late).toHaveLength(1);
    expect((late[0] as Error).message).toBe("operation has timed out");
    await expect(alice.timeout(200).emitWithAck("add", 1, 1)).rejects.toThrow("operation has timed out");
    alice.disconnect();
  });

  it("lets the server ask a client and wait for its answer", async () => {
    const lab = await createLab(running.origin, "acks");
    const alice = await connectClient(running.origin, lab, "Alice");
    alice.on("question", (text: string, answer: (reply: unknown) => void) => {
      expect(text).toBe("What is 6 × 7?");
      answer(42);
    });
    const logged = waitForLogEntry(running.origin, lab, (e) => e.kind === "log" && e.message === "the client answered 42");
    expect(await alice.timeout(3000).emitWithAck("ask me")).toBe(42);
    await logged;
    alice.disconnect();
  });

  it("on a disconnect, fails a pending ack that has a timeout, and never calls a plain one", async () => {
    const lab = await createLab(running.origin, "acks");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", {
      reconnection: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
    });
    await setDelay(lab, 300);
    let plainCalled = false;
    alice.emit("add", 1, 2, () => (plainCalled = true));
    const withTimeout = new Promise<unknown[]>((resolve) => alice.timeout(5000).emit("add", 3, 4, (...reply: unknown[]) => resolve(reply)));
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    const [error] = await withTimeout;
    expect((error as Error).message).toBe("socket has been disconnected");
    await nextEvent(alice, "connect", 5000);
    // The server handlers for the two lost emits started first, so they finished before this one answers.
    expect(await alice.timeout(3000).emitWithAck("add", 5, 6)).toEqual(11);
    expect(plainCalled).toBe(false);
    alice.disconnect();
  });

  it("logs an answer whose socket disconnected meanwhile as dropped, not as answered", async () => {
    const lab = await createLab(running.origin, "acks");
    const alice = await connectClient(running.origin, lab, "Alice");
    await setDelay(lab, 1000);
    const arrived = waitForFrame(running.origin, lab, "received", (frame) => frame === '420["add",1,1]');
    alice.emit("add", 1, 1, () => undefined);
    await arrived;
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    const logged = await waitForLogEntry(running.origin, lab, (e) => e.kind === "log" && e.message.startsWith("add(1, 1)"), 5000);
    expect(logged).toMatchObject({
      message: "add(1, 1) = 2 after 1000 ms, but the socket had disconnected: the acknowledgement was dropped",
    });
    alice.close();
  });

  it("logs a poll result whose asker disconnected meanwhile as dropped", async () => {
    const lab = await createLab(running.origin, "acks");
    await fault(running.origin, lab, "/settings", "PUT", { pollTimeoutMs: 1000 });
    const alice = await connectClient(running.origin, lab, "Alice");
    const arrived = waitForFrame(running.origin, lab, "received", (frame) => frame === '420["poll",true]');
    alice.emit("poll", true, () => undefined);
    await arrived;
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    const logged = await waitForLogEntry(running.origin, lab, (e) => e.kind === "log" && e.message.startsWith("poll: "), 5000);
    expect(logged).toMatchObject({ message: "poll: the result, but the socket had disconnected: the acknowledgement was dropped" });
    alice.close();
  });

  it("collects one response per client with io.timeout(ms).emit, and fails at once with [] without .timeout()", async () => {
    const lab = await createLab(running.origin, "acks");
    const names = ["Alice", "Bob", "Carol"];
    const clients = await Promise.all(names.map((name) => connectClient(running.origin, lab, name)));
    clients.forEach((client, i) => client.on("vote", (_text: string, answer: (choice: unknown) => void) => answer(`${names[i]}: pizza`)));
    const polled = (await clients[0]!.timeout(6000).emitWithAck("poll", true)) as PollResult;
    expect(polled.error).toBeNull();
    expect([...polled.responses].sort()).toEqual(["Alice: pizza", "Bob: pizza", "Carol: pizza"]);
    // Now every client takes 50 ms to answer: with no timeout, the server does not wait even that long.
    clients.forEach((client, i) => {
      client.off("vote");
      client.on("vote", (_text: string, answer: (choice: unknown) => void) => setTimeout(() => answer(`${names[i]}: pasta`), 50));
    });
    const started = Date.now();
    const untimed = (await clients[0]!.timeout(6000).emitWithAck("poll", false)) as PollResult;
    expect(untimed).toEqual({ error: "operation has timed out", responses: [] });
    expect(Date.now() - started).toBeLessThan(1000);
    clients.forEach((client) => client.disconnect());
  });

  it("reports the responses that arrived in time when a client does not answer a broadcast", async () => {
    const lab = await createLab(running.origin, "acks");
    await fault(running.origin, lab, "/settings", "PUT", { pollTimeoutMs: 300 });
    const alice = await connectClient(running.origin, lab, "Alice");
    const bob = await connectClient(running.origin, lab, "Bob");
    alice.on("vote", (_text: string, answer: (choice: unknown) => void) => answer("pasta"));
    bob.on("vote", () => undefined);
    const result = (await alice.timeout(3000).emitWithAck("poll", true)) as PollResult;
    expect(result).toEqual({ error: "operation has timed out", responses: ["pasta"] });
    alice.disconnect();
    bob.disconnect();
  });

  it("makes every ack callback error-first when the client sets the ackTimeout option", async () => {
    const lab = await createLab(running.origin, "acks");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { ackTimeout: 2000 });
    const reply = await new Promise<unknown[]>((resolve) => alice.emit("add", 2, 2, (...args: unknown[]) => resolve(args)));
    expect(reply).toEqual([null, 4]);
    alice.disconnect();
  });

  it("stays up when a client sends the lesson's events without a callback or with wrong arguments", async () => {
    const lab = await createLab(running.origin, "acks");
    const mallory = await connectClient(running.origin, lab, "Mallory");
    mallory.emit("add", 1, 2);
    mallory.emit("add", "x", { y: 1 });
    mallory.emit("ask me");
    mallory.emit("poll", true);
    mallory.emit("poll", "nonsense", 42);
    expect(await mallory.timeout(3000).emitWithAck("add", "2", "3")).toBe(5);
    expect((await fetch(`${running.origin}/api/health`)).ok).toBe(true);
    mallory.disconnect();
  });

  it("refuses an unknown setting, and clamps a value to the setting's range", async () => {
    const lab = await createLab(running.origin, "acks");
    const unknown = await fetch(`${running.origin}/api/labs/${lab.id}/settings`, { method: "PUT", body: JSON.stringify({ nope: 1 }) });
    expect(unknown.status).toBe(400);
    expect(await fault(running.origin, lab, "/settings", "PUT", { delayMs: 999_999 })).toEqual({ delayMs: 30_000, pollTimeoutMs: 5000 });
  });
});
