import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { connectClient, createLab, nextEvent, startServer, waitForFrame, waitForLogEntry, type Transport } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function aliceAndBob(transport: Transport = "websocket") {
  const lab = await createLab(running.origin, "emit");
  const alice = await connectClient(running.origin, lab, "Alice", transport);
  const bob = await connectClient(running.origin, lab, "Bob", transport);
  return { lab, alice, bob, close: () => [alice, bob].forEach((s) => s.disconnect()) };
}

/** Resolves true if `socket` receives `event` before a round trip on it completes. */
async function receivesBeforeRoundTrip(socket: Socket, event: string): Promise<boolean> {
  let received = false;
  const mark = () => (received = true);
  socket.on(event, mark);
  await socket.timeout(3000).emitWithAck("round-trip");
  socket.off(event, mark);
  return received;
}

describe("the Emit lesson's lab", () => {
  for (const transport of ["websocket", "polling"] as const) {
    it(`relays an event with any number of arguments, in order, to the other client (${transport})`, async () => {
      const { alice, bob, close } = await aliceAndBob(transport);
      const arrived = nextEvent(bob, "greet");
      alice.emit("greet", "hi", { mood: "curious", tags: ["a", "b"] }, 42, null, true);
      expect(await arrived).toEqual(["hi", { mood: "curious", tags: ["a", "b"] }, 42, null, true]);
      close();
    });
  }

  it("relays the co-editing text from Alice to Bob and logs it on the server", async () => {
    const { lab, alice, bob, close } = await aliceAndBob();
    const arrived = nextEvent(bob, "editing");
    const logged = waitForLogEntry(running.origin, lab, (e) => e.kind === "log" && e.message.includes("hello Bob"));
    alice.emit("editing", "hello Bob");
    expect(await arrived).toEqual(["hello Bob"]);
    expect(await logged).toMatchObject({ kind: "log", message: 'editing: "hello Bob"' });
    close();
  });

  it("does not send the sender its own relayed event (socket.broadcast.emit)", async () => {
    const { alice, bob, close } = await aliceAndBob();
    const arrived = nextEvent(bob, "editing");
    alice.emit("editing", "only for Bob");
    await arrived;
    expect(await receivesBeforeRoundTrip(alice, "editing")).toBe(false);
    close();
  });

  it("delivers binary as binary, not as an array of numbers", async () => {
    const { alice, bob, close } = await aliceAndBob();
    const arrived = nextEvent<[Buffer, string]>(bob, "photo");
    alice.emit("photo", Uint8Array.from([1, 2, 255]), "caption");
    const [bytes, caption] = await arrived;
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect([...bytes]).toEqual([1, 2, 255]);
    expect(caption).toBe("caption");
    close();
  });

  it("turns a Date into an ISO string, and a Map or a Set into an empty object", async () => {
    const { alice, bob, close } = await aliceAndBob();
    const arrived = nextEvent(bob, "when");
    const date = new Date("2026-01-02T03:04:05.000Z");
    alice.emit("when", date, new Map([["a", 1]]), new Set(["x"]));
    expect(await arrived).toEqual(["2026-01-02T03:04:05.000Z", {}, {}]);
    close();
  });

  it("answers an acknowledgement with {status: 'ok'}", async () => {
    const { alice, close } = await aliceAndBob();
    expect(await alice.timeout(3000).emitWithAck("ping")).toEqual({ status: "ok" });
    close();
  });

  it("shows the wire frames in the server log: 42 for an event, 420/430 for an ack, 451- plus a binary frame", async () => {
    const { lab, alice, close } = await aliceAndBob();
    const plain = waitForFrame(running.origin, lab, "received", (f) => f.includes("editing"));
    alice.emit("editing", "hi");
    expect(await plain).toBe('42["editing","hi"]');

    const askedAck = waitForFrame(running.origin, lab, "received", (f) => f.includes('"q"'));
    const sentAck = waitForFrame(running.origin, lab, "sent", (f) => f.startsWith("43"));
    await alice.emitWithAck("q");
    expect(await askedAck).toBe('420["q"]');
    expect(await sentAck).toBe('430[{"status":"ok"}]');

    const header = waitForFrame(running.origin, lab, "received", (f) => f.startsWith("45"));
    const attachment = waitForFrame(running.origin, lab, "received", (f) => f.startsWith("<binary"));
    alice.emit("bin", Uint8Array.from([1, 2, 3]));
    expect(await header).toBe('451-["bin",{"_placeholder":true,"num":0}]');
    expect(await attachment).toBe("<binary frame, 3 bytes>");
    close();
  });

  it("logs connections and disconnect reasons on the server", async () => {
    const { lab, alice, bob, close } = await aliceAndBob();
    const connected = await waitForLogEntry(running.origin, lab, (e) => e.kind === "connect" && e.client === "Bob");
    expect(connected).toMatchObject({ socketId: bob.id, transport: "websocket" });
    const left = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Alice");
    alice.disconnect();
    expect(await left).toMatchObject({ reason: "client namespace disconnect" });
    close();
  });
});
