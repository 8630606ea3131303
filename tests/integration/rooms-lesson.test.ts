import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { News, SendPlan } from "../../src/lessons/rooms/events.js";
import { connectClient, createLab, fault, startServer, waitForSnapshot } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

const NAMES = ["Alice", "Bob", "Carol", "Dave"] as const;
type Name = (typeof NAMES)[number];

/** Four clients: Alice and Bob in "red", Bob and Carol in "blue", Dave in no room. */
async function fourClients() {
  const lab = await createLab(running.origin, "rooms");
  const clients = Object.fromEntries(
    await Promise.all(NAMES.map(async (name) => [name, await connectClient(running.origin, lab, name)] as const)),
  ) as Record<Name, Socket>;
  for (const [name, room] of [
    ["Alice", "red"],
    ["Bob", "red"],
    ["Bob", "blue"],
    ["Carol", "blue"],
  ] as const) {
    await clients[name].timeout(2000).emitWithAck("join", room);
  }
  return { lab, clients, close: () => Object.values(clients).forEach((c) => c.disconnect()) };
}

let runs = 0;
/**
 * Runs a send and returns who received it, and how many times. After the sender's ack, a round trip on every
 * client proves anything sent to it has arrived: each connection delivers in order.
 */
async function recipients(clients: Record<Name, Socket>, from: Name, plan: Omit<SendPlan, "run">): Promise<Partial<Record<Name, number>>> {
  const run = `run-${++runs}`;
  const counts: Partial<Record<Name, number>> = {};
  const listeners = NAMES.map((name) => {
    const listener = (news: News) => {
      if (news.run === run) counts[name] = (counts[name] ?? 0) + 1;
    };
    clients[name].on("news", listener);
    return () => clients[name].off("news", listener);
  });
  expect(await clients[from].timeout(2000).emitWithAck("send", { ...plan, run })).toEqual({});
  await Promise.all(NAMES.map((name) => clients[name].timeout(2000).emitWithAck("sync")));
  listeners.forEach((stop) => stop());
  return counts;
}

describe("the Broadcast & rooms lesson's lab", () => {
  const cases: [string, Name, Omit<SendPlan, "run">, Partial<Record<Name, number>>][] = [
    ["io.emit reaches every client, the sender too", "Alice", { target: "io.emit" }, { Alice: 1, Bob: 1, Carol: 1, Dave: 1 }],
    [
      "socket.broadcast.emit reaches everyone except the sender",
      "Alice",
      { target: "socket.broadcast.emit" },
      { Bob: 1, Carol: 1, Dave: 1 },
    ],
    ["socket.to(room) reaches the room except the sender", "Alice", { target: "socket.to(room)", room: "red" }, { Bob: 1 }],
    ["io.to(room) reaches the whole room, the sender too", "Alice", { target: "io.to(room)", room: "red" }, { Alice: 1, Bob: 1 }],
    ["io.to(room) from outside the room reaches only its members", "Dave", { target: "io.to(room)", room: "blue" }, { Bob: 1, Carol: 1 }],
    [
      "to(a).to(b) is a union: Bob, in both rooms, receives the event once",
      "Dave",
      { target: "union", room: "red", otherRoom: "blue" },
      { Alice: 1, Bob: 1, Carol: 1 },
    ],
    ["except(room) reaches everyone not in the room", "Alice", { target: "except", room: "red" }, { Carol: 1, Dave: 1 }],
  ];
  for (const [behaviour, from, plan, expected] of cases) {
    it(behaviour, async () => {
      const { clients, close } = await fourClients();
      expect(await recipients(clients, from, plan)).toEqual(expected);
      close();
    });
  }

  it("a private message through a socket id's own room reaches that socket only", async () => {
    const { clients, close } = await fourClients();
    expect(await recipients(clients, "Alice", { target: "private", socketId: clients.Carol.id })).toEqual({ Carol: 1 });
    close();
  });

  it("leaves every room on disconnect: a dropped client's memberships vanish from the server's rooms", async () => {
    const { lab, clients, close } = await fourClients();
    await waitForSnapshot(running.origin, lab, (s) => s.rooms.some((r) => r.name === "red" && r.members.includes(clients.Alice.id!)));
    const aliceId = clients.Alice.id!;
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    const after = await waitForSnapshot(running.origin, lab, (s) => !s.sockets.some((socket) => socket.id === aliceId));
    expect(after.rooms.find((r) => r.name === "red")?.members).toEqual([clients.Bob.id]);
    close();
  });

  it("refuses a bad room name or an unknown target with an error, and stays up", async () => {
    const { clients, close } = await fourClients();
    expect(await clients.Alice.timeout(2000).emitWithAck("join", "x".repeat(100))).toMatchObject({ error: expect.any(String) });
    expect(await clients.Alice.timeout(2000).emitWithAck("send", { target: "constructor", run: "x" })).toEqual({
      error: "Unknown target.",
    });
    expect(await clients.Alice.timeout(2000).emitWithAck("send", null)).toEqual({ error: "Unknown target." });
    clients.Alice.emit("join", { room: 1 });
    expect((await fetch(`${running.origin}/api/health`)).ok).toBe(true);
    close();
  });
});
