import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LessonLab } from "../../src/server/lesson-lab.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry, type Transport } from "../support/server.js";

/** A short heartbeat, set through the lesson's options, so that detection takes a second, not five. */
const HEARTBEAT = { pingInterval: 600, pingTimeout: 400 };
/** Timer slack on a busy 2-core machine. */
const MARGIN_MS = 400;

/** A lab with a short heartbeat and a little in-memory state (rooms), to see faults act on both. */
const faultsLab: LessonLab = {
  slug: "emit",
  options: HEARTBEAT,
  handlers(io) {
    io.on("connection", (socket) => {
      socket.on("ping", (ack: (reply: string) => void) => ack("pong"));
      socket.on("seq", (n: number) => socket.broadcast.emit("seq", n));
      socket.on("join", (room: string, ack: () => void) => {
        void socket.join(room);
        ack();
      });
      socket.on("my rooms", (ack: (rooms: string[]) => void) => ack([...socket.rooms]));
    });
  },
};

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer({}, new Map([["emit", faultsLab]]));
});
afterAll(() => running.close());

const fastBackoff = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 };

async function labWith(name: string, transport: Transport, options = fastBackoff): Promise<{ lab: LabInfo; socket: Socket }> {
  const lab = await createLab(running.origin);
  const socket = await connectClient(running.origin, lab, name, transport, options);
  return { lab, socket };
}

function serverDisconnect(lab: LabInfo, client: string): Promise<ServerLogEntry> {
  return waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === client, 8000);
}

const reasonOf = (entry: ServerLogEntry) => (entry.kind === "disconnect" ? entry.reason : entry.kind);

for (const transport of ["websocket", "polling"] as const) {
  describe(`network faults over ${transport}`, () => {
    it("Drop cuts the connection: both sides report a transport close or error, and the client reconnects by itself", async () => {
      const { lab, socket } = await labWith("Alice", transport);
      const firstId = socket.id;
      const onServer = serverDisconnect(lab, "Alice");
      const onClient = nextEvent<[string]>(socket, "disconnect");
      await fault(running.origin, lab, "/clients/Alice/drop", "POST");
      const [reason] = await onClient;
      expect(reason).toMatch(/^transport (close|error)$/);
      expect(socket.active).toBe(true);
      expect(reasonOf(await onServer)).toMatch(/^transport (close|error)$/);
      await nextEvent(socket, "connect", 5000);
      expect(socket.id).not.toBe(firstId);
      socket.disconnect();
    });

    it("Blackhole closes nothing: both sides find out by ping timeout within pingInterval + pingTimeout, and lifting it lets the client back", async () => {
      const { lab, socket } = await labWith("Alice", transport);
      const onServer = serverDisconnect(lab, "Alice");
      const onClient = nextEvent<[string]>(socket, "disconnect", 8000);
      const started = Date.now();
      await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blackhole: true });
      const [reason] = await onClient;
      const clientDetected = Date.now() - started;
      expect(reason).toBe("ping timeout");
      const serverEntry = await onServer;
      expect(reasonOf(serverEntry)).toBe("ping timeout");
      const budget = HEARTBEAT.pingInterval + HEARTBEAT.pingTimeout + MARGIN_MS;
      expect(clientDetected).toBeLessThanOrEqual(budget);
      expect(serverEntry.at - started).toBeLessThanOrEqual(budget);
      // While the blackhole holds, the client's attempts go nowhere; lifted, it gets back in.
      expect(socket.connected).toBe(false);
      const back = nextEvent(socket, "connect", 8000);
      await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blackhole: false });
      await back;
      expect(socket.connected).toBe(true);
      socket.disconnect();
    });

    it("Offline cuts the connection and makes every reconnection attempt fail, until back online", async () => {
      const { lab, socket } = await labWith("Alice", transport);
      const manager = socket.io;
      const onClient = nextEvent<[string]>(socket, "disconnect");
      const onServer = serverDisconnect(lab, "Alice");
      await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: true });
      expect((await onClient)[0]).toMatch(/^transport (close|error)$/);
      expect(reasonOf(await onServer)).toMatch(/^transport (close|error)$/);
      // Two failed attempts in a row prove the refusal is lasting, not a single cut.
      await nextEvent(manager, "reconnect_error", 5000);
      await nextEvent(manager, "reconnect_error", 5000);
      expect(socket.connected).toBe(false);
      const reconnected = nextEvent(socket, "connect", 5000);
      await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: false });
      await reconnected;
      expect(socket.connected).toBe(true);
      socket.disconnect();
    });

    it("Latency delays every frame in both directions and keeps their order", async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      const bob = await connectClient(running.origin, lab, "Bob", transport);
      // Kept under half the pingTimeout: a round trip slower than that would (truthfully) time the heartbeat out.
      await fault(running.origin, lab, "/clients/Alice/link", "PUT", { latencyMs: 120, jitterMs: 60 });
      const started = Date.now();
      await alice.timeout(5000).emitWithAck("ping");
      // The emit waits on the way in, the acknowledgement on the way out.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 120 - 20);
      const order: number[] = [];
      const all = new Promise<void>((resolve) => {
        bob.on("seq", (n: number) => {
          order.push(n);
          if (order.length === 20) resolve();
        });
      });
      for (let n = 0; n < 20; n++) alice.emit("seq", n);
      await all;
      expect(order).toEqual(Array.from({ length: 20 }, (_, n) => n));
      alice.disconnect();
      bob.disconnect();
    });

    it("Kick makes the server disconnect the socket: io server disconnect, and no automatic reconnection", async () => {
      const { lab, socket } = await labWith("Alice", transport);
      const onServer = serverDisconnect(lab, "Alice");
      const onClient = nextEvent<[string]>(socket, "disconnect");
      expect(await fault(running.origin, lab, "/clients/Alice/kick", "POST")).toEqual({ kicked: 1 });
      expect((await onClient)[0]).toBe("io server disconnect");
      expect(socket.active).toBe(false);
      expect(reasonOf(await onServer)).toBe("server namespace disconnect");
      const again = await fetch(`${running.origin}/api/labs/${lab.id}/clients/Alice/kick`, { method: "POST" });
      expect(again.status).toBe(409);
    });

    it("Restart server loses every in-memory state (sockets, rooms), and the clients reconnect to the fresh server", async () => {
      const { lab, socket } = await labWith("Alice", transport);
      await socket.timeout(3000).emitWithAck("join", "room-1");
      expect(await socket.timeout(3000).emitWithAck("my rooms")).toContain("room-1");
      const firstId = socket.id;
      const onServer = serverDisconnect(lab, "Alice");
      const onClient = nextEvent<[string]>(socket, "disconnect");
      await fault(running.origin, lab, "/restart", "POST");
      // Over polling the old session's next request may reach the fresh server first, which answers
      // 400 "Session ID unknown": the client then reports a transport error instead.
      expect((await onClient)[0]).toMatch(transport === "websocket" ? /^transport close$/ : /^transport (close|error)$/);
      expect(reasonOf(await onServer)).toBe("server shutting down");
      await nextEvent(socket, "connect", 5000);
      expect(socket.id).not.toBe(firstId);
      expect(await socket.timeout(3000).emitWithAck("my rooms")).toEqual([socket.id]);
      socket.disconnect();
    });
  });
}

describe("fault control API", () => {
  it("answers 404 for a fault aimed at an unknown client or lab", async () => {
    const lab = await createLab(running.origin);
    const unknownClient = await fetch(`${running.origin}/api/labs/${lab.id}/clients/Nobody/drop`, { method: "POST" });
    expect(unknownClient.status).toBe(404);
    expect((await unknownClient.json()).error.code).toBe("client_not_found");
    // Reading is not a fault: a client the lab has not seen yet has a healthy link.
    const unseen = await fetch(`${running.origin}/api/labs/${lab.id}/clients/Nobody/link`);
    expect(unseen.status).toBe(200);
    expect(await unseen.json()).toEqual({ blackhole: false, offline: false, latencyMs: 0, jitterMs: 0, blockWebSocket: false });
    const unknownLab = await fetch(`${running.origin}/api/labs/AAAAAAAAAAAAAAAAAAAAAA/clients/Alice/drop`, { method: "POST" });
    expect(unknownLab.status).toBe(404);
    expect((await unknownLab.json()).error.code).toBe("lab_not_found");
  });

  it("refuses an unknown fault or a wrong type with 400, and caps latency at 10 s", async () => {
    const { lab, socket } = await labWith("Alice", "websocket");
    const bad = await fetch(`${running.origin}/api/labs/${lab.id}/clients/Alice/link`, {
      method: "PUT",
      body: JSON.stringify({ earthquake: true }),
    });
    expect(bad.status).toBe(400);
    const wrongType = await fetch(`${running.origin}/api/labs/${lab.id}/clients/Alice/link`, {
      method: "PUT",
      body: JSON.stringify({ blackhole: "yes" }),
    });
    expect(wrongType.status).toBe(400);
    const capped = await fault(running.origin, lab, "/clients/Alice/link", "PUT", { latencyMs: 60_000, jitterMs: 60_000 });
    expect(capped).toEqual({ blackhole: false, offline: false, latencyMs: 10_000, jitterMs: 5_000, blockWebSocket: false });
    socket.disconnect();
  });

  it("keeps a client's faults across its reconnections, and reports them", async () => {
    const { lab, socket } = await labWith("Alice", "websocket");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { latencyMs: 100 });
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    await nextEvent(socket, "connect", 5000);
    expect(await fault(running.origin, lab, "/clients/Alice/link", "GET")).toMatchObject({ latencyMs: 100 });
    const started = Date.now();
    await socket.timeout(3000).emitWithAck("ping");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200 - 20);
    socket.disconnect();
  });

  it("holds a kick's DISCONNECT packet in a blackhole: the client learns of it only when the blackhole lifts", async () => {
    const { lab, socket } = await labWith("Alice", "websocket");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blackhole: true });
    const onServer = serverDisconnect(lab, "Alice");
    expect(await fault(running.origin, lab, "/clients/Alice/kick", "POST")).toEqual({ kicked: 1 });
    expect(reasonOf(await onServer)).toBe("server namespace disconnect");
    expect(socket.connected).toBe(true);
    const onClient = nextEvent<[string]>(socket, "disconnect");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blackhole: false });
    expect((await onClient)[0]).toBe("io server disconnect");
  });

  it("keeps blackhole and latency set under offline, and applies them once back online", async () => {
    const { lab, socket } = await labWith("Alice", "websocket");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { latencyMs: 100, blackhole: true });
    const state = await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: true });
    expect(state).toEqual({ blackhole: true, offline: true, latencyMs: 100, jitterMs: 0, blockWebSocket: false });
    // Drop while offline: nothing more to cut, still offline.
    expect(await fault(running.origin, lab, "/clients/Alice/drop", "POST")).toMatchObject({ offline: true });
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: false });
    // Back online but still blackholed: no attempt gets through until the blackhole lifts.
    expect(socket.connected).toBe(false);
    const back = nextEvent(socket, "connect", 8000);
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blackhole: false });
    await back;
    const started = Date.now();
    await socket.timeout(3000).emitWithAck("ping");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200 - 20);
    socket.disconnect();
  });

  it("refuses a new client name past the lab's cap with 429, after forgetting idle healthy ones", async () => {
    const small = await startServer({ maxClientsPerLab: 1 }, new Map([["emit", faultsLab]]));
    try {
      const lab = await createLab(small.origin);
      const held: Socket[] = [];
      for (const name of ["A", "B", "C", "D"]) {
        const socket = await connectClient(small.origin, lab, name, "websocket").catch((e: Error) => {
          throw new Error(`${name}: ${e.message}`);
        });
        await fault(small.origin, lab, `/clients/${name}/link`, "PUT", { latencyMs: 1 });
        // The lab allows one client: let the server see this one leave before the next arrives.
        const left = waitForLogEntry(small.origin, lab, (e) => e.kind === "disconnect" && e.client === name);
        socket.disconnect();
        await left;
        held.push(socket);
      }
      const refused = await fetch(`${small.origin}${lab.path}/?EIO=4&transport=polling&client=E`);
      expect(refused.status).toBe(429);
      expect((await refused.json()).error.code).toBe("too_many_clients");
      // A healthy name with nothing open is forgotten to make room.
      await fault(small.origin, lab, "/clients/A/link", "PUT", { latencyMs: 0 });
      const admitted = await fetch(`${small.origin}${lab.path}/?EIO=4&transport=polling&client=E`);
      expect(admitted.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it("affects only the client it names: Bob keeps talking while Alice is blackholed", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    const bob = await connectClient(running.origin, lab, "Bob", "websocket");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blackhole: true });
    expect(await bob.timeout(2000).emitWithAck("ping")).toBe("pong");
    await expect(alice.timeout(300).emitWithAck("ping")).rejects.toThrow(/timed out/);
    alice.disconnect();
    bob.disconnect();
  });
});

describe("Block WebSocket", () => {
  it("keeps a default client working over polling: its upgrade is refused", async () => {
    const lab = await createLab(running.origin);
    await connectClient(running.origin, lab, "Alice", "polling").then((probe) => probe.disconnect());
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blockWebSocket: true });
    const alice = io(running.origin, { path: lab.path, forceNew: true, query: { client: "Alice" }, reconnection: false });
    await Promise.all([nextEvent(alice, "connect", 5000), nextEvent(alice.io.engine, "upgradeError", 5000)]);
    expect(alice.connected).toBe(true);
    expect(alice.io.engine.transport.name).toBe("polling");
    expect(await alice.timeout(2000).emitWithAck("ping")).toBe("pong");
    alice.disconnect();
  });

  it("fails a WebSocket-first client, unless tryAllTransports lets it fall back to polling", async () => {
    const lab = await createLab(running.origin);
    await connectClient(running.origin, lab, "Alice", "polling").then((probe) => probe.disconnect());
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blockWebSocket: true });
    const options = {
      path: lab.path,
      forceNew: true,
      query: { client: "Alice" },
      reconnection: false,
      transports: ["websocket", "polling"],
    };
    const strict = io(running.origin, options);
    expect((await nextEvent<[Error]>(strict, "connect_error"))[0].message).toBe("websocket error");
    strict.disconnect();
    const flexible = io(running.origin, { ...options, tryAllTransports: true });
    await nextEvent(flexible, "connect", 5000);
    expect(flexible.io.engine.transport.name).toBe("polling");
    flexible.disconnect();
  });
});

describe("frames lost to a fault", () => {
  it("says how many deliveries a drop threw away while a blackhole held them", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    const bob = await connectClient(running.origin, lab, "Bob", "websocket");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blackhole: true });
    // The server relays Bob's events to Alice; Bob's acked ping after them proves the server has written
    // them, into Alice's blackholed link.
    for (let n = 0; n < 3; n++) bob.emit("seq", n);
    await bob.timeout(3000).emitWithAck("ping");
    bob.disconnect();
    const dropped = waitForLogEntry(running.origin, lab, (e) => e.kind === "fault" && e.message.startsWith("Drop"));
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    const entry = await dropped;
    expect(entry.kind === "fault" && entry.message).toMatch(/^Drop: the connection is cut \(\d+ deliveries in flight lost\)$/);
    alice.disconnect();
  });
});
