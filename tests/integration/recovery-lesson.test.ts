import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { StoredMessage } from "../../src/lessons/recovery/events.js";
import { trackServerOffset } from "../../src/lessons/recovery/server-offset.js";
import { VirtualClient } from "../../src/client/virtual-client.js";
import type { InspectorSnapshot } from "../../src/shared/inspector.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { connectClient, createLab, fault, followLog, nextEvent, startServer, waitForLogEntry, waitForSnapshot } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

const reconnecting = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 };

/** Alice and Bob in the recovery lab; Alice records every event she gets, and when `connect` fires. */
async function chat(options: { recovery?: false | number } = {}) {
  const lab = await createLab(running.origin, "recovery");
  if (options.recovery !== undefined) {
    const body = options.recovery === false ? { enabled: false } : { enabled: true, maxDisconnectionDuration: options.recovery };
    await fault(running.origin, lab, "/recovery", "PUT", body);
  }
  const alice = await connectClient(running.origin, lab, "Alice", "websocket", reconnecting);
  const bob = await connectClient(running.origin, lab, "Bob", "websocket", reconnecting);
  const seen: (string | unknown[])[] = [];
  alice.onAny((event: string, ...args: unknown[]) => seen.push([event, ...args]));
  alice.on("connect", () => seen.push("connect"));
  const post = (text: string) => bob.timeout(3000).emitWithAck("message", text) as Promise<number>;
  return { lab, alice, bob, seen, post, close: () => [alice, bob].forEach((s) => s.disconnect()) };
}

async function away(lab: LabInfo, socket: Socket): Promise<void> {
  const gone = nextEvent(socket, "disconnect");
  await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: true });
  await gone;
}

async function back(lab: LabInfo, socket: Socket): Promise<void> {
  const connected = nextEvent(socket, "connect", 5000);
  await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: false });
  await connected;
}

const texts = (seen: (string | unknown[])[]) =>
  seen.filter((e): e is unknown[] => Array.isArray(e) && e[0] === "message").map((e) => (e[1] as StoredMessage).text);

describe("connection state recovery in the lab", () => {
  it("restores a dropped client: missed events arrive before connect, with offsets, same id, rooms and data", async () => {
    const { lab, alice, seen, post, close } = await chat();
    const firstId = alice.id;
    const greeted = nextEvent(alice, "message");
    await post("hello");
    await greeted;
    await away(lab, alice);
    for (const text of ["one", "two", "three"]) await post(text);
    seen.length = 0;
    const recoveredLog = waitForLogEntry(running.origin, lab, (e) => e.kind === "log" && e.message.startsWith("Alice recovered"));
    await back(lab, alice);
    expect(alice.recovered).toBe(true);
    expect(alice.id).toBe(firstId);
    // The three missed messages, then connect: recovered packets come first.
    expect(seen.map((e) => (Array.isArray(e) ? e[0] : e))).toEqual(["message", "message", "message", "connect"]);
    expect(texts(seen)).toEqual(["one", "two", "three"]);
    // Socket.IO appended an offset the listener never asked for: one more, trailing, string argument.
    for (const event of seen.filter(Array.isArray)) expect(typeof event[2]).toBe("string");
    expect((await recoveredLog).kind).toBe("log");
    const snapshot = await waitForSnapshot(running.origin, lab, (s) => s.sockets.some((x) => x.client === "Alice"));
    const aliceOnServer = snapshot.sockets.find((x) => x.client === "Alice");
    expect(aliceOnServer).toMatchObject({ id: firstId, recovered: true, data: { name: "Alice" } });
    expect(aliceOnServer?.rooms).toContain("chat");
    close();
  });

  it("does not recover when recovery is off: the missed events are gone", async () => {
    const { lab, alice, seen, post, close } = await chat({ recovery: false });
    const greeted = nextEvent(alice, "message");
    await post("hello");
    await greeted;
    await away(lab, alice);
    await post("missed");
    seen.length = 0;
    await back(lab, alice);
    // With recovery off the server sends no pid, and the client leaves `recovered` undefined, not false.
    expect(alice.recovered).toBeUndefined();
    expect(texts(seen)).toEqual([]);
    close();
  });

  it("does not recover a session never recovered after a manual disconnect() and connect()", async () => {
    const { lab, alice, post, close } = await chat();
    const greeted = nextEvent(alice, "message");
    await post("hello");
    await greeted;
    const left = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Alice");
    alice.disconnect();
    expect(await left).toMatchObject({ reason: "client namespace disconnect" });
    const connected = nextEvent(alice, "connect");
    alice.connect();
    await connected;
    expect(alice.recovered).toBe(false);
    close();
  });

  it("does not recover a client that had received no event yet: it has no offset to ask from", async () => {
    const { lab, alice, post, close } = await chat();
    await away(lab, alice);
    await post("missed");
    await back(lab, alice);
    expect(alice.recovered).toBe(false);
    close();
  });

  it("does not recover once the window (maxDisconnectionDuration) has expired", async () => {
    const { lab, alice, post, close } = await chat({ recovery: 1000 });
    const greeted = nextEvent(alice, "message");
    await post("hello");
    await greeted;
    await away(lab, alice);
    // The behaviour under test is time passing: stay away longer than the one-second window.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await back(lab, alice);
    expect(alice.recovered).toBe(false);
    close();
  });

  it("does not recover after the server restarted: its in-memory sessions are gone", async () => {
    const { lab, alice, post, close } = await chat();
    const greeted = nextEvent(alice, "message");
    await post("hello");
    await greeted;
    const reconnected = nextEvent(alice, "connect", 5000);
    await fault(running.origin, lab, "/restart", "POST");
    await reconnected;
    expect(alice.recovered).toBe(false);
    close();
  });
});

describe("what recovery skips, keeps and loses", () => {
  /** Alice has an offset: Bob posted, and his message reached her. */
  async function withOffset(options: { recovery?: false | number } = {}) {
    const session = await chat(options);
    const greeted = nextEvent(session.alice, "message");
    await session.post("hello");
    await greeted;
    return session;
  }

  /** The server log, kept entries first, in order; `until` resolves with the entries up to the first match. */
  function recordLog(lab: LabInfo) {
    const entries: ServerLogEntry[] = [];
    const waiters = new Set<() => void>();
    const stop = followLog(running.origin, lab, (entry) => {
      entries.push(entry);
      for (const check of [...waiters]) check();
    });
    const until = (match: (entry: ServerLogEntry) => boolean, ms = 5000) =>
      new Promise<ServerLogEntry[]>((resolve, reject) => {
        const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`no matching log entry within ${ms} ms`))), ms);
        const check = () => {
          const at = entries.findIndex(match);
          if (at === -1) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(entries.slice(0, at + 1));
        };
        waiters.add(check);
        check();
      });
    return { until, stop };
  }

  const middlewareRan = (entry: ServerLogEntry, client: string) => entry.kind === "log" && entry.message === `middleware ran for ${client}`;

  it("runs the lesson's middleware on a new connection and skips it on a recovered one (skipMiddlewares defaults to true)", async () => {
    const { lab, alice, close } = await withOffset();
    const log = recordLog(lab);
    const connected = await log.until((e) => e.kind === "connect" && e.client === "Alice");
    expect(connected.filter((e) => middlewareRan(e, "Alice"))).toHaveLength(1);
    await away(lab, alice);
    await back(lab, alice);
    expect(alice.recovered).toBe(true);
    const upToRecovered = await log.until((e) => e.kind === "log" && e.message.startsWith("Alice recovered"));
    // The log is ordered: had the middleware run again, a second line would sit before "Alice recovered".
    expect(upToRecovered.filter((e) => middlewareRan(e, "Alice"))).toHaveLength(1);
    log.stop();
    close();
  });

  it("does not store a notice sent with an ack, nor a volatile one: only the plain notice comes back", async () => {
    const { lab, alice, bob, seen, close } = await withOffset();
    await away(lab, alice);
    // Bob is in the chat room too: once he has all three, the server has sent all three.
    const bobGot = Promise.all([nextEvent(bob, "acked notice"), nextEvent(bob, "notice"), nextEvent(bob, "notice")]);
    bob.emit("announce", "ack", "with an ack");
    bob.emit("announce", "volatile", "volatile");
    bob.emit("announce", "plain", "plain");
    await bobGot;
    seen.length = 0;
    await back(lab, alice);
    expect(alice.recovered).toBe(true);
    const notices = seen.filter((e): e is unknown[] => Array.isArray(e) && String(e[0]).endsWith("notice"));
    expect(notices.map((e) => [e[0], e[1]])).toEqual([["notice", "plain"]]);
    close();
  });

  it("loses the offset to a volatile notice, a bare string: the next drop is not recovered", async () => {
    const { lab, alice, bob, close } = await withOffset();
    const heard = nextEvent<[string]>(alice, "notice");
    bob.emit("announce", "volatile", "not an offset");
    // No offset was appended (volatile packets are not stored), so the client took the text for one.
    expect(await heard).toEqual(["not an offset"]);
    await away(lab, alice);
    await back(lab, alice);
    expect(alice.recovered).toBe(false);
    close();
  });

  it("keeps a plain notice's offset: a plain notice, then a drop, is recovered", async () => {
    const { lab, alice, bob, close } = await withOffset();
    const heard = nextEvent<[string, string]>(alice, "notice");
    bob.emit("announce", "plain", "stored");
    const [text, offset] = await heard;
    expect(text).toBe("stored");
    expect(typeof offset).toBe("string");
    await away(lab, alice);
    await back(lab, alice);
    expect(alice.recovered).toBe(true);
    close();
  });

  it("recovers a manual disconnect() and connect() within the window of an earlier recovery, from the stale snapshot", async () => {
    const { lab, alice, seen, post, close } = await withOffset({ recovery: 60_000 });
    await away(lab, alice);
    await back(lab, alice);
    expect(alice.recovered).toBe(true);
    const firstId = alice.id;
    expect(await alice.timeout(3000).emitWithAck("move", "lobby")).toEqual([firstId, "lobby"]);
    const left = waitForLogEntry(
      running.origin,
      lab,
      (e) => e.kind === "disconnect" && e.client === "Alice" && e.reason === "client namespace disconnect",
    );
    alice.disconnect();
    await left;
    await post("while Alice was in lobby");
    seen.length = 0;
    const connected = nextEvent(alice, "connect");
    alice.connect();
    await connected;
    // The in-memory adapter never deletes a session it restored: the one kept at the first drop comes back.
    expect(alice.recovered).toBe(true);
    expect(alice.id).toBe(firstId);
    expect(texts(seen)).toEqual(["while Alice was in lobby"]);
    const snapshot = await waitForSnapshot(running.origin, lab, (s) => s.sockets.some((x) => x.client === "Alice"));
    expect(snapshot.sockets.find((x) => x.client === "Alice")?.rooms).toEqual([firstId, "chat"]);
    close();
  });

  it("does not recover a manual reconnect once the window of the earlier drop has closed", async () => {
    const { lab, alice, close } = await withOffset({ recovery: 1000 });
    await away(lab, alice);
    const droppedAt = Date.now();
    await back(lab, alice);
    expect(alice.recovered).toBe(true);
    const left = waitForLogEntry(
      running.origin,
      lab,
      (e) => e.kind === "disconnect" && e.client === "Alice" && e.reason === "client namespace disconnect",
    );
    alice.disconnect();
    await left;
    // The behaviour under test is time passing: wait until the earlier drop is more than a window old.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, droppedAt + 1300 - Date.now())));
    const connected = nextEvent(alice, "connect");
    alice.connect();
    await connected;
    expect(alice.recovered).toBe(false);
    close();
  });

  it("keeps a sent packet in the recovery buffer past the window: the adapter sweeps only every 60 s", async () => {
    const { lab, post, close } = await chat({ recovery: 1000 });
    await post("kept");
    const sentAt = Date.now();
    // The behaviour under test is time passing: wait out the one-second window.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const snapshot = (await fault(running.origin, lab, "/inspect", "GET")) as InspectorSnapshot;
    expect(Date.now() - sentAt).toBeGreaterThan(1000);
    expect(snapshot.recovery.retainedPackets).toBe(1);
    close();
  });
});

describe("resending when recovery fails", () => {
  it("full state: a client that was not recovered gets every message", async () => {
    const { lab, alice, post, close } = await chat({ recovery: false });
    await fault(running.origin, lab, "/settings", "PUT", { resend: 1 });
    await post("one");
    await post("two");
    await away(lab, alice);
    const state = nextEvent<[StoredMessage[]]>(alice, "state");
    await back(lab, alice);
    expect((await state)[0].map((m) => m.text)).toEqual(["one", "two"]);
    close();
  });

  it("offset: the client keeps its last id in auth, and gets only the rows after it, even across a server restart", async () => {
    const { lab, alice, bob, post, close } = await chat();
    await fault(running.origin, lab, "/settings", "PUT", { resend: 2 });
    trackServerOffset(alice);
    const first = nextEvent(alice, "message");
    await post("one");
    await first;
    await away(lab, alice);
    const bobBack = nextEvent(bob, "connect", 5000);
    await fault(running.origin, lab, "/restart", "POST");
    await bobBack;
    await post("two");
    await post("three");
    const missed = nextEvent<[StoredMessage[]]>(alice, "missed");
    await back(lab, alice);
    expect(alice.recovered).toBe(false);
    expect((await missed)[0].map((m) => m.text)).toEqual(["two", "three"]);
    close();
  });
});

describe('the page\'s own client with "Send last message id on reconnect" (offset strategy)', () => {
  /** The rows of the next `event` the virtual client records, or a failure after `ms`. */
  function nextRows(client: VirtualClient, event: "missed" | "state", ms = 3000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (stop(), reject(new Error(`no "${event}" within ${ms} ms`))), ms);
      const stop = client.on("received", (entry) => {
        if (entry.event !== event) return;
        clearTimeout(timer);
        stop();
        resolve((entry.args[0] as StoredMessage[]).map((m) => m.text));
      });
    });
  }

  /** A deliberate leave and a new hello: with recovery off, every connection is a fresh one. */
  async function reconnect(lab: LabInfo, alice: VirtualClient, whileAway?: () => Promise<unknown>): Promise<void> {
    const left = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Alice");
    alice.disconnect();
    await left;
    await whileAway?.();
    alice.connect();
  }

  it("moves the offset forward from state, missed and message rows alike, so no row is sent twice", async () => {
    const lab = await createLab(running.origin, "recovery");
    await fault(running.origin, lab, "/recovery", "PUT", { enabled: false });
    await fault(running.origin, lab, "/settings", "PUT", { resend: 1 });
    const bob = await connectClient(running.origin, lab, "Bob");
    const post = (text: string) => bob.timeout(3000).emitWithAck("message", text);
    await post("one");
    await post("two");
    const alice = new VirtualClient("Alice", lab, "websocket", running.origin, { trackOffset: true });
    expect(await nextRows(alice, "state")).toEqual(["one", "two"]);
    await fault(running.origin, lab, "/settings", "PUT", { resend: 2 });

    // She has every row from `state`: nothing is missing.
    let missed = nextRows(alice, "missed");
    await reconnect(lab, alice);
    expect(await missed).toEqual([]);

    missed = nextRows(alice, "missed");
    await reconnect(lab, alice, () => post("three"));
    expect(await missed).toEqual(["three"]);

    // "three" came in `missed`; "four" comes as a live `message`. Neither is sent again.
    const four = new Promise<void>((resolve) => {
      const stop = alice.on("received", (entry) => entry.event === "message" && (stop(), resolve()));
    });
    await post("four");
    await four;
    missed = nextRows(alice, "missed");
    await reconnect(lab, alice);
    expect(await missed).toEqual([]);
    alice.close();
    bob.disconnect();
  });
});
