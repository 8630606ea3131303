import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { connectClient, createLab, startServer, waitForLogEntry } from "../support/server.js";

/** A small seeded generator, so a failing input can be found again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LESSONS = ["why-websocket", "emit", "acks", "rooms", "recovery", "retries", "transports"];
const EVENTS = [
  "greet",
  "editing",
  "add",
  "ask me",
  "poll",
  "join",
  "leave",
  "send",
  "sync",
  "message",
  "stats",
  "burst",
  "connect",
  "disconnect",
  "__proto__",
  "constructor",
];
/** The default payload limit: deep nesting up to it is what once overflowed the encoder's stack. */
const LIMIT = 65_536;

/** One hostile WebSocket frame: text or binary, malformed, mistyped, oversized, deeply nested or misaddressed. */
function hostileFrame(next: () => number): string | Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const event = pick(EVENTS);
  const junk = () => Array.from({ length: Math.floor(next() * 60) }, () => String.fromCharCode(Math.floor(next() * 0xffff))).join("");
  const value = () =>
    pick<unknown>([
      null,
      0,
      -1,
      1e308,
      "x",
      "",
      true,
      [],
      {},
      { $bytes: [1, 2] },
      { _placeholder: true, num: 0 },
      junk(),
      [junk()],
      { a: { b: junk() } },
    ]);
  const valid = `42${JSON.stringify([event, value(), value()])}`;
  switch (Math.floor(next() * 14)) {
    case 0:
      return junk();
    case 1:
      return Buffer.from(Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256)));
    case 2:
      return valid.slice(0, Math.floor(next() * valid.length));
    case 3:
      return `42${Math.floor(next() * 1e6)}${JSON.stringify([event, value()])}`;
    case 4:
      return `43${Math.floor(next() * 100)}${JSON.stringify([value()])}`;
    case 5:
      return `45${Math.floor(next() * 3)}-${JSON.stringify([event, { _placeholder: true, num: Math.floor(next() * 5) }])}`;
    case 6: {
      const depth = Math.floor(next() * (LIMIT / 2 - 20));
      return `42["${event}",${"[".repeat(depth)}${"]".repeat(depth)}]`;
    }
    case 7: {
      const depth = Math.floor(next() * (LIMIT / 6));
      return `42["${event}",${'{"a":'.repeat(depth)}1${"}".repeat(depth)}]`;
    }
    case 8:
      return `4${pick(["0/nope,", "2/nope,", "1/nope,", "4{}", "9", '0{"token":', "1"])}${JSON.stringify([event])}`;
    case 9:
      return pick(["2probe", "3probe", "5", "6", "3", "2", "", "7", "8", "9", "4", "40", "41", "4x"]);
    case 10:
      return `42["${event}","${"x".repeat(LIMIT + Math.floor(next() * 1000))}"]`;
    case 11:
      return valid;
    case 12:
      return `42${JSON.stringify([event, ...Array.from({ length: Math.floor(next() * 300) }, value)])}`;
    default:
      return `4${Math.floor(next() * 10)}${junk()}`;
  }
}

let running: RunningPlayground;
const crashes: unknown[] = [];
const recordCrash = (error: unknown) => crashes.push(error);
beforeAll(async () => {
  // Events per second high for the sweep, so the fuzz reaches the handlers rather than the rate limit.
  running = await startServer({ maxPayloadBytes: LIMIT, maxEventsPerSecond: 1_000_000, maxClientsPerLab: 8 });
  process.on("uncaughtException", recordCrash);
  process.on("unhandledRejection", recordCrash);
});
afterAll(async () => {
  process.off("uncaughtException", recordCrash);
  process.off("unhandledRejection", recordCrash);
  await running.close();
});

/** Opens a raw Engine.IO WebSocket to the lab, joins the main namespace, and resolves once connected. */
function rawClient(lab: LabInfo, name: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const url = `${running.origin.replace("http", "ws")}${lab.path}/?EIO=4&transport=websocket&client=${name}`;
    const socket = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error("no connect within 3000 ms")), 3000);
    socket.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith("0")) socket.send("40");
      if (text.startsWith("40")) {
        clearTimeout(timer);
        resolve(socket);
      }
      if (text === "2") socket.send("3");
    });
    socket.on("error", () => undefined);
  });
}

function heapUsed(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().heapUsed;
}

describe("hostile input", () => {
  it(
    "survives 10,000 malformed and hostile frames across every lesson's lab, and every lab still works",
    { timeout: 120_000 },
    async () => {
      const labs = await Promise.all(LESSONS.map((lesson) => createLab(running.origin, lesson)));
      const baseline = heapUsed();
      const next = random(20261127);
      let sent = 0;
      let closes = 0;
      const TOTAL = 10_000;
      await Promise.all(
        labs.map(async (lab, index) => {
          let socket: WebSocket | undefined;
          while (sent < TOTAL) {
            if (!socket || socket.readyState !== WebSocket.OPEN) {
              if (socket) closes += 1;
              socket = await rawClient(lab, `Fuzz${index}`);
            }
            const frame = hostileFrame(next);
            socket.send(frame);
            sent += 1;
            // Let the server read between frames now and then, as a real link would.
            if (sent % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
          }
          socket?.close();
        }),
      );
      expect(sent).toBeGreaterThanOrEqual(TOTAL);
      expect(closes).toBeGreaterThan(0);

      // The server is up, and each lab still serves a well-behaved client.
      expect((await fetch(`${running.origin}/api/health`)).status).toBe(200);
      for (const lab of labs) {
        const client = await connectClient(running.origin, lab, "Careful", "websocket");
        expect(client.connected).toBe(true);
        client.disconnect();
      }
      expect(crashes).toEqual([]);
      // Nothing the fuzz sent is still held: the heap comes back near where it started.
      await Promise.all(labs.map((lab) => fetch(`${running.origin}/api/labs/${lab.id}`, { method: "DELETE" })));
      expect(heapUsed() - baseline).toBeLessThan(32 * 1024 * 1024);
    },
  );

  it("closes a client that sends a payload nested deeper than 32 levels, before any handler sees it", async () => {
    for (const lesson of ["emit", "transports"]) {
      const lab = await createLab(running.origin, lesson);
      const bystander = await connectClient(running.origin, lab, "Bystander", "websocket");
      const socket = await rawClient(lab, "Deep");
      const closed = new Promise((resolve) => socket.once("close", resolve));
      const logged = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Deep");
      socket.send(`42["greet",${"[".repeat(30_000)}${"]".repeat(30_000)}]`);
      await closed;
      // The parser's error closes the connection from the server's side.
      expect(await logged).toMatchObject({ reason: "forced close" });
      // Thirty-two levels still pass.
      expect(await bystander.timeout(2000).emitWithAck("nested", JSON.parse(`${"[".repeat(30)}1${"]".repeat(30)}`))).toEqual({
        status: "ok",
      });
      bystander.disconnect();
    }
    expect(crashes).toEqual([]);
  });

  it("closes a client whose payload shadows toString or valueOf, before a handler's String() or Number() can throw", async () => {
    // String({ toString: 1 }) throws, and a handler's throw is uncaught: it would end the host for everyone.
    for (const lesson of LESSONS) {
      const lab = await createLab(running.origin, lesson);
      for (const event of [...EVENTS, "move", "announce"]) {
        for (const key of ["toString", "valueOf"]) {
          const socket = await rawClient(lab, "Shadow");
          const closed = new Promise((resolve) => socket.once("close", resolve));
          const hostile = { [key]: 1 };
          socket.send(`42${JSON.stringify([event, hostile, [hostile], { text: hostile, id: hostile, run: hostile }])}`);
          await closed;
        }
        // The same keys spelt with JSON's \u escapes, which no text search for the names would see.
        for (const key of ["to\\u0053tring", "value\\u004ff"]) {
          const socket = await rawClient(lab, "Shadow");
          const closed = new Promise((resolve) => socket.once("close", resolve));
          socket.send(`42["${event}",{"${key}":1}]`);
          await closed;
        }
      }
      const bystander = await connectClient(running.origin, lab, "Bystander", "websocket");
      expect(bystander.connected).toBe(true);
      bystander.disconnect();
    }
    expect(crashes).toEqual([]);
  });

  it("answers requests for made-up labs and bogus paths with JSON errors", async () => {
    const next = random(7);
    for (let i = 0; i < 200; i++) {
      const id = Array.from({ length: Math.floor(next() * 30) }, () => "abcXYZ019-_%.".charAt(Math.floor(next() * 13))).join("");
      const response = await fetch(`${running.origin}/labs/${id}/socket.io/?EIO=4&transport=polling`);
      expect([400, 404]).toContain(response.status);
      await response.arrayBuffer();
      const api = await fetch(`${running.origin}/api/labs/${id}/inspect`);
      expect([400, 404]).toContain(api.status);
      await api.arrayBuffer();
    }
    expect((await fetch(`${running.origin}/api/health`)).status).toBe(200);
  });
});
