import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { InspectorSnapshot } from "../../src/shared/inspector.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer({ maxPayloadBytes: 4096 });
});
afterAll(() => running.close());

type HttpEntry = Extract<ServerLogEntry, { kind: "http" }>;

/** Every entry the lab's log holds right now (the stream replays them first). */
async function logEntries(lab: LabInfo, until: (entries: ServerLogEntry[]) => boolean): Promise<ServerLogEntry[]> {
  const entries: ServerLogEntry[] = [];
  await waitForLogEntry(running.origin, lab, (entry) => {
    entries.push(entry);
    return until(entries);
  });
  return entries;
}

async function snapshot(lab: LabInfo): Promise<InspectorSnapshot> {
  return (await (await fetch(`${running.origin}/api/labs/${lab.id}/inspect`)).json()) as InspectorSnapshot;
}

/** Collects `count` news events from a burst. */
function newsArrivals(socket: ReturnType<typeof io>, count: number): Promise<number[]> {
  const seen: number[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} news events arrived`)), 3000);
    socket.on("news", (n: number) => {
      seen.push(n);
      if (seen.length === count) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

describe("the Transports lesson's lab", () => {
  it("starts a default client on long-polling, then upgrades it to WebSocket", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = io(running.origin, { path: lab.path, forceNew: true, query: { client: "Alice" }, reconnection: false });
    const entries = await logEntries(lab, (all) => all.some((e) => e.kind === "upgrade"));
    expect(alice.io.engine.transport.name).toBe("websocket");
    expect(entries.find((e) => e.kind === "connect")).toMatchObject({ client: "Alice", transport: "polling" });
    expect(entries.find((e) => e.kind === "upgrade")).toMatchObject({ client: "Alice", transport: "websocket" });
    expect(entries).toContainEqual(expect.objectContaining({ kind: "log", message: "connection over polling" }));
    // The handshake opened with a GET over polling, before any WebSocket.
    const firstHttp = entries.find((e): e is HttpEntry => e.kind === "http");
    expect(firstHttp).toMatchObject({ method: "GET", status: 200, path: expect.stringMatching(/transport=polling/) });
    expect(firstHttp?.body).toMatch(/^0\{"sid":/);
    alice.disconnect();
  });

  it("batches events that wait for the next poll into one HTTP body, separated by 0x1E", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = await connectClient(running.origin, lab, "Alice", "polling");
    const arrived = newsArrivals(alice, 5);
    alice.emit("burst", 5);
    expect(await arrived).toEqual([1, 2, 3, 4, 5]);
    const newsBodies = (entries: ServerLogEntry[]) =>
      entries.flatMap((e) => (e.kind === "http" && e.method === "GET" && e.body?.includes('"news"') ? [e.body] : []));
    const newsPackets = (bodies: string[]) =>
      bodies
        .join("\x1e")
        .split("\x1e")
        .filter((packet) => packet.startsWith('42["news"'));
    const bodies = newsBodies(await logEntries(lab, (all) => newsPackets(newsBodies(all)).length === 5));
    // Five events, fewer bodies: at least one GET carried several, joined by the record separator.
    expect(bodies.some((body) => body.split("\x1e").length > 1)).toBe(true);
    expect(bodies.length).toBeLessThan(5);
    alice.disconnect();
  });

  it("sends the same burst over WebSocket as one frame per event, with no HTTP request", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    const before = (await snapshot(lab)).links.find((link) => link.client === "Alice");
    const arrived = newsArrivals(alice, 5);
    alice.emit("burst", 5);
    await arrived;
    const entries = await logEntries(lab, (all) => all.filter((e) => e.kind === "sent" && e.frame.includes('"news"')).length === 5);
    expect(entries.filter((e) => e.kind === "sent" && e.frame.includes('"news"')).map((e) => e.kind === "sent" && e.frame)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `42["news",${n},5]`),
    );
    const after = (await snapshot(lab)).links.find((link) => link.client === "Alice");
    expect(after?.requests).toBe(before?.requests);
    alice.disconnect();
  });

  it("with WebSocket blocked, keeps the client on polling and shows the 403 its upgrade got", async () => {
    const lab = await createLab(running.origin, "transports");
    await connectClient(running.origin, lab, "Alice", "polling").then((probe) => probe.disconnect());
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blockWebSocket: true });
    const alice = io(running.origin, { path: lab.path, forceNew: true, query: { client: "Alice" }, reconnection: false });
    await Promise.all([nextEvent(alice, "connect"), nextEvent(alice.io.engine, "upgradeError")]);
    expect(alice.io.engine.transport.name).toBe("polling");
    expect(await alice.timeout(2000).emitWithAck("still-here")).toEqual({ status: "ok" });
    const link = (await snapshot(lab)).links.find((l) => l.client === "Alice");
    expect(link?.handshake?.response[0]).toBe("HTTP/1.1 403 Forbidden");
    expect(link?.websockets).toBe(0);
    alice.disconnect();
  });

  it("answers a polling POST over maxHttpBufferSize with 413, and the client reports a transport error", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = await connectClient(running.origin, lab, "Alice", "polling");
    const closed = nextEvent<[string]>(alice, "disconnect");
    alice.emit("big", "x".repeat(8000));
    expect((await closed)[0]).toBe("transport error");
    const entries = await logEntries(
      lab,
      (all) => all.some((e) => e.kind === "http" && e.status === 413) && all.some((e) => e.kind === "disconnect" && e.client === "Alice"),
    );
    expect(entries.find((e) => e.kind === "http" && e.status === 413)).toMatchObject({ method: "POST", client: "Alice" });
    expect(entries.find((e) => e.kind === "disconnect" && e.client === "Alice")).toMatchObject({ reason: "transport close" });
  });

  it("closes a WebSocket that carries a frame over maxHttpBufferSize with code 1009", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    const closed = nextEvent<[string, { context?: { code?: number } }]>(alice, "disconnect");
    alice.emit("big", "x".repeat(8000));
    const [reason, details] = await closed;
    expect(reason).toBe("transport close");
    expect(details.context?.code).toBe(1009);
    const entry = await waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Alice");
    expect(entry).toMatchObject({ reason: "transport error", description: expect.stringMatching(/Max payload size exceeded/) });
  });

  it("does not cut a WebSocket that is already open when WebSocket gets blocked", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { blockWebSocket: true });
    expect(await alice.timeout(2000).emitWithAck("still-open")).toEqual({ status: "ok" });
    expect(alice.io.engine.transport.name).toBe("websocket");
    alice.disconnect();
  });

  it("answers a polling request for a session it does not hold with 400 Session ID unknown, as another node would", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = await connectClient(running.origin, lab, "Alice", "polling");
    // A sid this server never issued: what a node behind a load balancer without sticky sessions receives.
    const response = await fetch(`${running.origin}${lab.path}/?EIO=4&transport=polling&sid=not-a-session-here`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 1, message: "Session ID unknown" });
    alice.disconnect();
  });

  it("keeps the socket id across the upgrade: the same Socket.IO connection changes transport", async () => {
    const lab = await createLab(running.origin, "transports");
    const alice = io(running.origin, { path: lab.path, forceNew: true, query: { client: "Alice" }, reconnection: false });
    const entries = await logEntries(lab, (all) => all.some((e) => e.kind === "upgrade"));
    const connected = entries.find((e) => e.kind === "connect");
    expect(entries.find((e) => e.kind === "upgrade")).toMatchObject({ socketId: connected?.kind === "connect" ? connected.socketId : "?" });
    expect(alice.id).toBe(connected?.kind === "connect" ? connected.socketId : "?");
    alice.disconnect();
  });
});
