import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LessonLab } from "../../src/server/lesson-lab.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry, waitForSnapshot } from "../support/server.js";

/** A lab with rooms, socket.data, a server-to-client ack and connection state recovery, for the inspector to read. */
const roomsLab: LessonLab = {
  slug: "emit",
  options: { pingInterval: 600, pingTimeout: 400, connectionStateRecovery: { maxDisconnectionDuration: 5000 } },
  handlers(io) {
    io.on("connection", (socket) => {
      socket.data = { nickname: `nick-${String(socket.handshake.query.client)}` };
      socket.on("join", (room: string, ack: () => void) => {
        void socket.join(room);
        ack();
      });
      socket.on("leave", (room: string, ack: () => void) => {
        void socket.leave(room);
        ack();
      });
      socket.on("say", (room: string, text: string) => void io.to(room).emit("said", text));
      socket.on("ask me", () => socket.timeout(5000).emit("question", () => undefined));
    });
  },
};

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer({}, new Map([["emit", roomsLab]]));
});
afterAll(() => running.close());

describe("the server feed", () => {
  it("reports joins and leaves in the log, and rooms with their members in the inspector", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice");
    const bob = await connectClient(running.origin, lab, "Bob");
    const joined = waitForLogEntry(running.origin, lab, (e) => e.kind === "room" && e.action === "joined" && e.client === "Bob");
    await alice.timeout(2000).emitWithAck("join", "general");
    await bob.timeout(2000).emitWithAck("join", "general");
    expect(await joined).toMatchObject({ room: "general", socketId: bob.id });
    const both = await waitForSnapshot(running.origin, lab, (s) => s.rooms.some((r) => r.name === "general" && r.members.length === 2));
    expect(both.rooms).toEqual([{ name: "general", members: [alice.id, bob.id] }]);
    const aliceSocket = both.sockets.find((s) => s.client === "Alice");
    expect(aliceSocket).toMatchObject({ id: alice.id, transport: "websocket", data: { nickname: "nick-Alice" }, recovered: false });
    expect(aliceSocket?.rooms).toEqual([alice.id, "general"]);

    const left = waitForLogEntry(running.origin, lab, (e) => e.kind === "room" && e.action === "left");
    await bob.timeout(2000).emitWithAck("leave", "general");
    expect(await left).toMatchObject({ client: "Bob", room: "general" });
    const after = await waitForSnapshot(running.origin, lab, (s) => s.rooms.some((r) => r.name === "general" && r.members.length === 1));
    expect(after.rooms).toEqual([{ name: "general", members: [alice.id] }]);
    alice.disconnect();
    bob.disconnect();
  });

  it("reports the disconnect reason, and the rooms a disconnect leaves", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice");
    await alice.timeout(2000).emitWithAck("join", "general");
    const reason = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect");
    const left = waitForLogEntry(running.origin, lab, (e) => e.kind === "room" && e.action === "left");
    await fault(running.origin, lab, "/clients/Alice/kick", "POST");
    expect(await reason).toMatchObject({ client: "Alice", reason: "server namespace disconnect" });
    expect(await left).toMatchObject({ client: "Alice", room: "general" });
    const empty = await fetch(`${running.origin}/api/labs/${lab.id}/inspect`).then((r) => r.json());
    expect(empty).toMatchObject({ sockets: [], rooms: [] });
  });

  it("counts the packets the recovery buffer retains and shows the newest offset", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice");
    await alice.timeout(2000).emitWithAck("join", "general");
    const start = await fetch(`${running.origin}/api/labs/${lab.id}/inspect`).then((r) => r.json());
    expect(start.recovery).toEqual({ enabled: true, retainedPackets: 0, sessions: 0 });
    const heard: string[] = [];
    alice.on("said", (_text: string, offset: string) => heard.push(offset));
    for (const text of ["one", "two", "three"]) {
      alice.emit("say", "general", text);
      await nextEvent(alice, "said");
    }
    const snapshot = await waitForSnapshot(running.origin, lab, (s) => s.recovery.retainedPackets === 3);
    // The offset the server appended to the last event is the newest one it keeps.
    expect(snapshot.recovery.newestOffset).toBe(heard.at(-1));
    expect(snapshot.options.connectionStateRecovery).toEqual({ maxDisconnectionDuration: 5000, skipMiddlewares: true });
    alice.disconnect();
  });

  it("shows a server-to-client acknowledgement as pending until the client answers", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice");
    let answer: (() => void) | undefined;
    alice.on("question", (ack: () => void) => (answer = ack));
    const asked = nextEvent(alice, "question");
    alice.emit("ask me");
    await asked;
    const pending = await fetch(`${running.origin}/api/labs/${lab.id}/inspect`).then((r) => r.json());
    expect(pending.sockets[0].pendingAcks).toBe(1);
    answer?.();
    const answered = await waitForSnapshot(running.origin, lab, (s) => s.sockets[0]?.pendingAcks === 0);
    expect(answered.sockets[0]?.pendingAcks).toBe(0);
    alice.disconnect();
  });
});
