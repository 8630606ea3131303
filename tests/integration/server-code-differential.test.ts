import { readFileSync } from "node:fs";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { connectClient, createLab, followLog, nextEvent, startServer, waitForLogEntry, type Transport } from "../support/server.js";

/**
 * The same lesson, twice: one lab runs the lesson's server.ts natively, the other runs the very same file
 * as learner code in the sandbox. The same client script drives both, and every client must see the same
 * frames in the same order, the same ack values and the same disconnect reasons. Only what differs by
 * nature (socket ids, clocks, recovery offsets) is normalised.
 */

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function putCode(lab: LabInfo, code: string): Promise<number> {
  const response = await fetch(`${running.origin}/api/labs/${lab.id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  await response.text();
  return response.status;
}

async function putSettings(lab: LabInfo, settings: Record<string, number>): Promise<void> {
  const response = await fetch(`${running.origin}/api/labs/${lab.id}/settings`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
  expect(response.status).toBe(200);
}

const TIME_KEYS = new Set(["changedAt", "sentAt", "firstSeenAt", "at"]);

/** What a lab run observed, per client, in order; plus notes the script adds (ack values, HTTP answers, log lines). */
class Session {
  readonly seen = new Map<string, unknown[]>();
  private readonly names = new Map<string, string>();

  constructor(
    readonly lab: LabInfo,
    readonly label: string,
  ) {}

  async connect(name: string, transport: Transport = "websocket", options: Parameters<typeof connectClient>[4] = {}): Promise<Socket> {
    const socket = await connectClient(running.origin, this.lab, name, transport, options);
    this.names.set(socket.id ?? "", name);
    socket.on("connect", () => {
      this.names.set(socket.id ?? "", name);
      this.note(name, ["(connect)", socket.recovered]);
    });
    socket.onAny((event: string, ...args: unknown[]) => this.note(name, [event, ...args]));
    socket.on("disconnect", (reason) => this.note(name, ["(disconnect)", reason]));
    return socket;
  }

  note(who: string, what: unknown): void {
    const all = this.seen.get(who) ?? [];
    all.push(what);
    this.seen.set(who, all);
  }

  /** Waits for a log line of the lab's code (normalised) and notes it. */
  async logged(pattern: RegExp): Promise<void> {
    const entry = await waitForLogEntry(running.origin, this.lab, (e) => e.kind === "log" && pattern.test(e.message), 3000).catch(
      (error: unknown) => {
        throw new Error(`${this.label}: no log line matching ${String(pattern)}`, { cause: error });
      },
    );
    this.note("log", entry.kind === "log" ? this.normalise(entry.message) : "");
  }

  normalise(value: unknown, key = ""): unknown {
    if (typeof value === "function") return "(ack function)";
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return { binary: Buffer.from(bytes).toString("hex") };
    }
    if (typeof value === "number" && TIME_KEYS.has(key)) return "(time)";
    if (typeof value === "string") {
      let text = value;
      for (const [id, name] of this.names) if (id) text = text.replaceAll(id, `(id of ${name})`);
      return text.replace(/"firstSeenAt":\d+/g, '"firstSeenAt":"(time)"');
    }
    if (Array.isArray(value)) return value.map((item) => this.normalise(item));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalise(v, k)]));
    }
    return value;
  }

  result(): Record<string, unknown> {
    return Object.fromEntries([...this.seen].map(([who, all]) => [who, this.normalise(all)]));
  }
}

type Script = (session: Session) => Promise<void>;

/** Stores recovery offsets (the last argument Socket.IO appends) as a placeholder: they are ids, not content. */
function withoutOffsets(session: Session, events: Record<string, number>): void {
  for (const all of session.seen.values()) {
    for (const frame of all as unknown[][]) {
      const argsWithoutOffset = events[frame[0] as string];
      if (argsWithoutOffset !== undefined && frame.length === argsWithoutOffset + 2) frame[frame.length - 1] = "(offset)";
    }
  }
}

const scripts: Record<string, Script> = {
  "why-websocket": async (s) => {
    await putSettings(s.lab, { tickMs: 200 });
    const alice = await s.connect("Alice");
    const [first] = (await nextEvent(alice, "tick")) as [{ n: number }];
    const [second] = (await nextEvent(alice, "tick")) as [{ n: number }];
    s.note("ticks", { step: second.n - first.n });
    const response = await fetch(`${running.origin}${s.lab.httpPath}/tick`);
    const body = (await response.json()) as { n: number };
    s.note("http", {
      status: response.status,
      type: response.headers.get("content-type"),
      cache: response.headers.get("cache-control"),
      keys: Object.keys(body).sort(),
      counter: typeof body.n,
    });
    // The ticks' values depend on when the client connected: keep their shape.
    for (const frame of s.seen.get("Alice") as unknown[][]) if (frame[0] === "tick") frame[1] = Object.keys(frame[1] as object).sort();
    alice.disconnect();
  },

  emit: async (s) => {
    const alice = await s.connect("Alice");
    const bob = await s.connect("Bob");
    const editing = nextEvent(bob, "editing");
    alice.emit("editing", "hello");
    await editing;
    await s.logged(/^editing:/);
    const relayed = nextEvent(bob, "chat");
    s.note("ack", await alice.timeout(2000).emitWithAck("chat", { text: "hi" }, new Uint8Array([1, 2, 3]), [Buffer.from("xyz")]));
    await relayed;
    const plain = nextEvent(alice, "plain");
    bob.emit("plain", 1, "two", null, true);
    await plain;
    s.note("ack", await bob.timeout(2000).emitWithAck("sync"));
    const gone = nextEvent(alice, "disconnect");
    bob.disconnect();
    alice.disconnect();
    await gone;
  },

  acks: async (s) => {
    const alice = await s.connect("Alice");
    const bob = await s.connect("Bob");
    alice.on("question", (_text: string, answer: (n: number) => void) => answer(42));
    alice.on("vote", (_text: string, answer: (v: string) => void) => answer("pizza"));
    bob.on("vote", (_text: string, answer: (v: string) => void) => answer("pasta"));
    s.note("add", await alice.timeout(2000).emitWithAck("add", 2, 3));
    s.note("ask me", await alice.timeout(2000).emitWithAck("ask me"));
    await s.logged(/^the client answered/);
    const poll = (await alice.timeout(3000).emitWithAck("poll", true)) as { responses: string[] };
    poll.responses.sort();
    s.note("poll", poll);
    // Without a timeout Socket.IO's timer is setTimeout(…, undefined): the poll ends after a millisecond
    // or when both answered, whichever comes first, natively too. That it ends at all is what is compared.
    const unbounded = (await alice.timeout(2000).emitWithAck("poll", false)) as { responses: unknown[] };
    s.note("poll without timeout", Array.isArray(unbounded.responses));
    await putSettings(s.lab, { delayMs: 100 });
    s.note("slow add", await alice.timeout(2000).emitWithAck("add", 1, 1));
    const gone = nextEvent(alice, "disconnect");
    bob.disconnect();
    alice.disconnect();
    await gone;
  },

  rooms: async (s) => {
    const alice = await s.connect("Alice");
    const bob = await s.connect("Bob");
    const carol = await s.connect("Carol");
    s.note("join", await alice.timeout(2000).emitWithAck("join", "red"));
    s.note("join", await bob.timeout(2000).emitWithAck("join", "red"));
    s.note("join", await bob.timeout(2000).emitWithAck("join", "blue"));
    s.note("join", await carol.timeout(2000).emitWithAck("join", "blue"));
    s.note("bad join", await carol.timeout(2000).emitWithAck("join", "no/slashes"));
    const plans = [
      { target: "io.emit" },
      { target: "socket.broadcast.emit" },
      { target: "socket.to(room)", room: "red" },
      { target: "io.to(room)", room: "red" },
      { target: "union", room: "red", otherRoom: "blue" },
      { target: "except", room: "blue" },
      { target: "private", socketId: carol.id },
      { target: "nowhere" },
    ];
    for (const [run, plan] of plans.entries()) s.note("send", await alice.timeout(2000).emitWithAck("send", { ...plan, run }));
    for (const client of [alice, bob, carol]) await client.timeout(2000).emitWithAck("sync");
    s.note("leave", await bob.timeout(2000).emitWithAck("leave", "red"));
    const kicked = nextEvent(carol, "disconnect");
    await fetch(`${running.origin}/api/labs/${s.lab.id}/clients/Carol/kick`, { method: "POST" });
    await kicked;
    await s.logged(/^Carol is leaving/);
    bob.disconnect();
    await s.logged(/^Bob is leaving/);
    alice.disconnect();
    await s.logged(/^Alice is leaving/);
  },

  recovery: async (s) => {
    const alice = await s.connect("Alice");
    await s.logged(/^middleware ran for Alice/);
    const bob = await s.connect("Bob");
    await s.logged(/^middleware ran for Bob/);
    const got = nextEvent(bob, "message");
    s.note("message id", await alice.timeout(2000).emitWithAck("message", "first"));
    await got;
    const notices = nextEvent(bob, "notice");
    alice.emit("announce", "plain", "plain notice");
    await notices;
    s.note("move", await bob.timeout(2000).emitWithAck("move", "chat"));
    // A cut connection (not a manual disconnect) is recoverable: Bob comes back with the same session.
    const cut = nextEvent(bob, "disconnect");
    bob.io.engine.close();
    await cut;
    s.note("message id", await alice.timeout(2000).emitWithAck("message", "while Bob was away"));
    const back = nextEvent(bob, "connect");
    bob.connect();
    await back;
    s.note("recovered", bob.recovered);
    await s.logged(/^Bob recovered/);
    alice.on("acked notice", (_text: string, reply: (r: string) => void) => reply("alice read it"));
    const acked = nextEvent<[string, (reply: string) => void]>(bob, "acked notice");
    alice.emit("announce", "ack", "please answer");
    const [, answer] = await acked;
    answer("ok");
    await s.logged(/^acked notice/);
    // A manual disconnect is not recoverable: a new session, and the middleware runs again.
    bob.disconnect();
    bob.connect();
    await nextEvent(bob, "connect");
    s.note("recovered after manual", bob.recovered);
    await s.logged(/^middleware ran for Bob/);
    withoutOffsets(s, { message: 1, notice: 1 });
    alice.disconnect();
    bob.disconnect();
  },

  retries: async (s) => {
    const alice = await s.connect("Alice");
    const bob = await s.connect("Bob");
    const relayed = nextEvent(bob, "message");
    s.note("store", await alice.timeout(2000).emitWithAck("message", { id: "m-1", text: "hello" }));
    await relayed;
    s.note("duplicate", await alice.timeout(2000).emitWithAck("message", { id: "m-1", text: "hello" }));
    s.note("no id", await alice.timeout(2000).emitWithAck("message", { text: "anonymous" }));
    s.note("stats", await bob.timeout(2000).emitWithAck("stats"));
    await putSettings(s.lab, { databaseDown: 1 });
    alice.emit("message", { id: "m-2", text: "lost" }, () => s.note("alice", "acked while down?"));
    await s.logged(/^database down/);
    await putSettings(s.lab, { databaseDown: 0, lostAck: 1 });
    alice.emit("message", { id: "m-3", text: "stored, never answered" }, () => s.note("alice", "acked a lost ack?"));
    await s.logged(/^lost ack/);
    await putSettings(s.lab, { lostAck: 0 });
    s.note("stats", await bob.timeout(2000).emitWithAck("stats"));
    alice.disconnect();
    bob.disconnect();
  },

  transports: async (s) => {
    const alice = await s.connect("Alice", "polling", { transports: ["polling", "websocket"] });
    await s.logged(/^connection over polling/);
    await s.logged(/^upgraded to websocket/);
    const bob = await s.connect("Bob");
    await s.logged(/^connection over websocket/);
    const news = new Promise<void>((resolve) => {
      bob.on("news", (n: number, of: number) => {
        if (n === of) resolve();
      });
    });
    bob.emit("burst", 3);
    await news;
    bob.emit("burst", "lots");
    await nextEvent(bob, "news");
    const relayed = nextEvent(alice, "hello");
    s.note("ack", await bob.timeout(2000).emitWithAck("hello", { from: "Bob" }));
    await relayed;
    alice.disconnect();
    bob.disconnect();
  },
};

describe("the lesson's own server.ts runs the same in the sandbox as natively", () => {
  for (const [slug, script] of Object.entries(scripts)) {
    it(`${slug}: the same frames, acks and disconnect reasons`, async () => {
      const native = new Session(await createLab(running.origin, slug), "native");
      const sandboxed = new Session(await createLab(running.origin, slug), "sandboxed");
      expect(await putCode(sandboxed.lab, readFileSync(`src/lessons/${slug}/server.ts`, "utf8"))).toBe(200);
      const stops: string[] = [];
      const stopFollowing = followLog(running.origin, sandboxed.lab, (e) => {
        if (e.kind === "log" && /stopped|error in/.test(e.message)) stops.push(e.message);
      });
      await script(native);
      try {
        await script(sandboxed);
      } catch (error) {
        throw new Error(`sandboxed: ${String(error)}; its log said ${JSON.stringify(stops)}`, { cause: error });
      } finally {
        stopFollowing();
      }
      expect(stops).toEqual([]);
      expect(sandboxed.result()).toEqual(native.result());
      const info = (await (await fetch(`${running.origin}/api/labs/${sandboxed.lab.id}`)).json()) as LabInfo;
      expect(info.serverCode).toBe("learner");
    });
  }
});
