import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Timeline, type TimelineEntry } from "../../src/client/timeline/timeline.js";
import { recordClient } from "../../src/client/timeline/wire-recorder.js";
import { VirtualClient, type ClientStatus } from "../../src/client/virtual-client.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LessonLab } from "../../src/server/lesson-lab.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { createLab, fault, startServer } from "../support/server.js";

const recoveryLab: LessonLab = {
  slug: "emit",
  options: { pingInterval: 600, pingTimeout: 400, connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
  handlers(io) {
    io.on("connection", (socket) => {
      socket.on("chat", (text: string, ack?: () => void) => {
        socket.broadcast.emit("chat", text);
        ack?.();
      });
    });
  },
};

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer({}, new Map([["emit", recoveryLab]]));
});
afterAll(() => running.close());

/** Resolves when the client's status satisfies `test`. */
function statusWhere(client: VirtualClient, test: (status: ClientStatus) => boolean, ms = 8000): Promise<ClientStatus> {
  return new Promise((resolve, reject) => {
    if (test(client.status)) return resolve(client.status);
    const timer = setTimeout(() => reject(new Error(`no matching status within ${ms} ms`)), ms);
    const stop = client.on("status", (status) => {
      if (!test(status)) return;
      clearTimeout(timer);
      stop();
      resolve(status);
    });
  });
}

function recorded(lab: LabInfo, name: string): { client: VirtualClient; timeline: Timeline } {
  const timeline = new Timeline();
  const client = new VirtualClient(name, lab, "websocket", running.origin);
  recordClient(timeline, client);
  return { client, timeline };
}

const frames = (entries: readonly TimelineEntry[]) => entries.filter((e) => e.frame).map((e) => e.frame?.raw);

describe("the wire recorder on a real client", () => {
  it("records the open packet, the CONNECT with sid and pid, and each frame both ways", async () => {
    const lab = await createLab(running.origin);
    const { client, timeline } = recorded(lab, "Alice");
    await statusWhere(client, (s) => s.state === "connected");
    const raw = frames(timeline.entries);
    expect(raw[0]).toMatch(/^0\{"sid":/);
    expect(raw).toContain("40");
    const connect = timeline.entries.find((e) => e.frame?.packet?.type === "CONNECT" && e.direction === "to-client");
    expect(connect?.frame?.packet?.pid).toEqual(expect.any(String));
    client.close();
  });

  it("records the upgrade probe, 2probe and 3probe, then 5, on the way from polling to WebSocket", async () => {
    const lab = await createLab(running.origin);
    const timeline = new Timeline();
    const client = new VirtualClient("Alice", lab, "default", running.origin);
    recordClient(timeline, client);
    await statusWhere(client, (s) => s.state === "connected" && s.transport === "websocket");
    const probe = timeline.entries.filter((e) => ["2probe", "3probe", "5"].includes(e.frame?.raw ?? ""));
    expect(probe.map((e) => [e.frame?.raw, e.direction])).toEqual([
      ["2probe", "to-server"],
      ["3probe", "to-client"],
      ["5", "to-server"],
    ]);
    client.close();
  });

  it("ignores an upgrade its previous engine reports after the client started over on polling", async () => {
    const lab = await createLab(running.origin);
    const client = new VirtualClient("Alice", lab, "default", running.origin);
    await statusWhere(client, (s) => s.state === "connected" && s.transport === "websocket");
    const oldEngine = client.socket.io.engine;
    client.useTransport("polling");
    await statusWhere(client, (s) => s.state === "connected");
    // A browser engine closed while probing finishes its upgrade first, and that can land after the new
    // socket connected (seen in Chromium): replay that late event on the old engine.
    (oldEngine as unknown as { emit(event: string, ...args: unknown[]): void }).emit("upgrade", oldEngine.transport);
    expect(client.status).toMatchObject({ state: "connected", transport: "polling" });
    client.close();
  });

  it("marks an emit made while offline as buffered, and its flush on reconnect", async () => {
    const lab = await createLab(running.origin);
    const { client, timeline } = recorded(lab, "Alice");
    await statusWhere(client, (s) => s.state === "connected");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: true });
    await statusWhere(client, (s) => s.state === "disconnected");
    client.emit("chat", ["sent while offline"], null);
    expect(timeline.entries.at(-1)).toMatchObject({ mark: "buffered", summary: 'queued chat("sent while offline"): 1 in the send buffer' });
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: false });
    await statusWhere(client, (s) => s.state === "connected");
    const flushed = timeline.entries.find((e) => e.mark === "flushed");
    expect(flushed?.frame?.raw).toBe('42["chat","sent while offline"]');
    client.close();
  });

  it("marks the events a recovered connect replayed, with their offsets, before the connected mark", async () => {
    const lab = await createLab(running.origin);
    const alice = recorded(lab, "Alice");
    const bob = recorded(lab, "Bob");
    await statusWhere(alice.client, (s) => s.state === "connected");
    await statusWhere(bob.client, (s) => s.state === "connected");
    // Recovery needs an offset: Alice must have received one event first.
    bob.client.emit("chat", ["first"], { kind: "callback" });
    await new Promise<void>((resolve) => alice.client.on("received", (e) => e.event === "chat" && resolve()));
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: true });
    await statusWhere(alice.client, (s) => s.state === "disconnected");
    for (const text of ["one", "two", "three"]) bob.client.emit("chat", [text], { kind: "callback" });
    await new Promise<void>((resolve) => {
      let acks = 0;
      bob.client.on("received", (e) => e.kind === "ack" && ++acks === 3 && resolve());
    });
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: false });
    const back = await statusWhere(alice.client, (s) => s.state === "connected");
    expect(back).toMatchObject({ recovered: true });
    // On reconnect the client's CONNECT asks for recovery with its private session id and last offset.
    const ask = alice.timeline.entries.findLast((e) => e.direction === "to-server" && e.frame?.packet?.type === "CONNECT");
    expect(ask?.frame?.packet?.auth).toEqual({ pid: expect.any(String), offset: expect.any(String) });
    const recovered = alice.timeline.entries.filter((e) => e.mark === "recovered");
    expect(recovered.map((e) => e.frame?.packet?.args?.[0])).toEqual(["one", "two", "three"]);
    expect(recovered.every((e) => typeof e.offset === "string")).toBe(true);
    const connectedMark = alice.timeline.entries.findLast((e) => e.summary.endsWith("(recovered)"));
    expect(connectedMark!.seq).toBeGreaterThan(recovered.at(-1)!.seq);
    alice.client.close();
    bob.client.close();
  });
});
