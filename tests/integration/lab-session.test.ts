import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLab } from "../../src/client/lab-api.js";
import type { LabFeed } from "../../src/client/lab-feed.js";
import { LabSession } from "../../src/client/lab-session.js";
import type { ClientStatus, ReceivedEntry, VirtualClient } from "../../src/client/virtual-client.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { InspectorSnapshot } from "../../src/shared/inspector.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { createLab, fault, newLearner, startServer } from "../support/server.js";

// A lab session in Node, as a script would drive one: the same client library the lesson pages use (LabSession:
// VirtualClients, LabFeed, Timeline), and no DOM anywhere. Node has no EventSource; LabFeed reads the same
// stream with fetch there.

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

/** Resolves with the first value `subscribe` reports that passes `test`, or fails after `ms`. */
function first<T>(
  what: string,
  subscribe: (listener: (value: T) => void) => () => void,
  test: (value: T) => boolean,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`no ${what} within ${ms} ms`))), ms);
    const stop = subscribe((value) => {
      if (!test(value)) return;
      clearTimeout(timer);
      stop();
      resolve(value);
    });
  });
}

const connected = (client: VirtualClient): Promise<ClientStatus> =>
  client.status.state === "connected"
    ? Promise.resolve(client.status)
    : first(
        `connect of ${client.name}`,
        (listener) => client.on("status", listener),
        (status) => status.state === "connected",
      );

/** Every server log entry the feed streamed, and a wait for one that has not come yet. */
function logOf(feed: LabFeed): { entries: ServerLogEntry[]; until(test: (entry: ServerLogEntry) => boolean): Promise<ServerLogEntry> } {
  const entries: ServerLogEntry[] = [];
  feed.on("entry", (entry) => entries.push(entry));
  return {
    entries,
    until: (test) => {
      const seen = entries.find(test);
      return seen ? Promise.resolve(seen) : first("matching server log entry", (listener) => feed.on("entry", listener), test);
    },
  };
}

describe("a lab session driven by a script, with no DOM", () => {
  it("connects two virtual clients, emits with an ack, and sees the frames, the ack matched by id and the server's log", async () => {
    const session = new LabSession(await openLab("emit", newLearner(), running.origin), running.origin);
    const { feed, timeline } = session;
    const log = logOf(feed);
    const alice = session.addClient("Alice", { transport: "websocket" });
    const bob = session.addClient("Bob", { transport: "websocket" });
    const aliceStatus = await connected(alice);
    await connected(bob);
    await log.until((entry) => entry.kind === "connect" && entry.client === "Bob");
    await first<InspectorSnapshot>(
      "snapshot with both sockets",
      (listener) => feed.on("snapshot", listener),
      (snapshot) => snapshot.sockets.length === 2,
    );

    // An ack the client library never records (as a room join sends it) takes packet id 0 first: the ack
    // recorded next must be the one answering its own id, 1, not the first ACK that came in.
    await alice.socket.timeout(3000).emitWithAck("unrecorded", "first");
    const bobGot = first<ReceivedEntry>(
      "ping at Bob",
      (listener) => bob.on("received", listener),
      (entry) => entry.event === "ping",
    );
    const ack = first<ReceivedEntry>(
      "ack at Alice",
      (listener) => alice.on("received", listener),
      (entry) => entry.kind === "ack",
    );
    alice.emit("ping", ["hi"], { kind: "callback" });

    expect(await ack).toMatchObject({ event: "ping", how: "callback", args: [{ status: "ok" }], frames: ['431[{"status":"ok"}]'] });
    expect(await bobGot).toMatchObject({ kind: "event", args: ["hi"], frames: ['42["ping","hi"]'] });

    // The wire as the timeline recorded it: the emit, and the ack linked to it by the same rule.
    const emitted = timeline.entries.find((entry) => entry.lane === "Alice" && entry.frame?.raw === '421["ping","hi"]');
    const acked = timeline.entries.find((entry) => entry.lane === "Alice" && entry.frame?.raw === '431[{"status":"ok"}]');
    expect(emitted).toMatchObject({ direction: "to-server", ackedBy: acked?.seq });
    expect(acked).toMatchObject({ direction: "to-client", ackOf: emitted?.seq, rttMs: expect.any(Number) });

    // The server's side of the same exchange, from the feed.
    const socketId = aliceStatus.state === "connected" ? aliceStatus.socketId : "";
    expect(await log.until((entry) => entry.kind === "received" && entry.frame === '421["ping","hi"]')).toMatchObject({
      client: "Alice",
      socketId,
    });
    expect(await log.until((entry) => entry.kind === "sent" && entry.frame === '431[{"status":"ok"}]')).toMatchObject({ client: "Alice" });
    expect(await log.until((entry) => entry.kind === "sent" && entry.frame === '42["ping","hi"]')).toMatchObject({ client: "Bob" });
    expect(timeline.entries.some((entry) => entry.lane === "Server" && entry.summary.startsWith("Bob connected"))).toBe(true);

    session.close();
  });

  it("with retries, shows the ACK of the attempt that was answered, not of the first one whose ack was lost", async () => {
    const lab = await createLab(running.origin, "retries");
    const session = new LabSession(lab, running.origin);
    const log = logOf(session.feed);
    const alice = session.addClient("Alice", { transport: "websocket", options: { retries: 5, ackTimeout: 500 } });
    await connected(alice);
    await fault(running.origin, lab, "/settings", "PUT", { lostAck: 1 });
    const ack = first<ReceivedEntry>(
      "ack at Alice",
      (listener) => alice.on("received", listener),
      (entry) => entry.kind === "ack",
      8000,
    );
    alice.emit("message", [{ text: "once", id: "m-1" }], { kind: "callback" });
    await log.until((entry) => entry.kind === "log" && entry.message.startsWith("lost ack"));
    await fault(running.origin, lab, "/settings", "PUT", { lostAck: 0 });

    const answer = await log.until((entry) => entry.kind === "sent" && entry.client === "Alice" && entry.frame.startsWith("43"));
    expect(answer.kind === "sent" && answer.frame).toMatch(/^43[1-9]\d*\[\{"stored":false,"duplicate":true\}\]$/);
    expect(await ack).toMatchObject({
      args: [null, { stored: false, duplicate: true }],
      frames: [answer.kind === "sent" ? answer.frame : ""],
    });
    session.close();
  });

  it("tells the script the lab has closed when the lab goes away under it", async () => {
    const lab = await createLab(running.origin, "emit");
    const session = new LabSession(lab, running.origin);
    const { feed } = session;
    await first(
      "first snapshot",
      (listener) => feed.on("snapshot", listener),
      () => true,
    );
    const closed = first(
      "lab closed",
      (listener) => feed.on("closed", listener),
      () => true,
    );
    expect((await fetch(`${running.origin}/api/labs/${lab.id}`, { method: "DELETE" })).status).toBe(204);
    await closed;
    expect(feed.closed).toBe(true);
    session.close();
  });

  // A lab page connects from its first module, before its views have loaded (src/client/lab-boot.ts).
  it("held, connects at once and keeps the clients' and the feed's news for the views until released, the timeline recording meanwhile", async () => {
    const lab = await openLab("emit", newLearner(), running.origin);
    const session = new LabSession(lab, running.origin, { held: true });
    // The session's own records are told at once: wait through them, as the timeline does.
    const connectLine = first<ServerLogEntry>(
      "the server's connect line",
      (listener) => session.feed.on("entry", listener, { immediate: true }),
      (entry) => entry.kind === "connect",
    );
    const alice = session.addClient("Alice");
    await first<ClientStatus>(
      "Alice's connect",
      (listener) => alice.on("status", listener, { immediate: true }),
      (status) => status.state === "connected",
    );
    await connectLine;
    expect(session.timeline.entries.some((entry) => entry.lane === "Alice" && entry.frame?.packet?.type === "CONNECT")).toBe(true);

    // A view mounting now, after the fact.
    const statuses: string[] = [];
    const lines: string[] = [];
    alice.on("status", (status) => statuses.push(status.state));
    session.feed.on("entry", (entry) => lines.push(entry.kind));
    expect(statuses).toEqual([]);
    expect(lines).toEqual([]);

    session.release();
    expect(statuses.at(-1)).toBe("connected");
    expect(lines).toContain("connect");
    // Released: news now reaches the views as it happens.
    const acked = first<ReceivedEntry>(
      "the ack",
      (listener) => alice.on("received", listener),
      (entry) => entry.kind === "ack",
    );
    alice.emit("ping", ["hi"], { kind: "callback" });
    expect(await acked).toMatchObject({ event: "ping", args: [{ status: "ok" }] });
    session.close();
  });
});
