// Attacks of issue 19 on a lab's connections: blind pongs that keep a session alive, connections a
// blackholed link holds for ever, and a flood that gets past the rate limit by reconnecting; and those of
// one address that spreads its held connections over many client names, or just opens very many.
import { request, type ClientRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { defaultLimits } from "../../src/server/config.js";
import { listen, type RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import {
  connectClient,
  createLab,
  fault,
  newLearner,
  nextEvent,
  startServer,
  testDataDir,
  testLessons,
  waitForLogEntry,
} from "../support/server.js";

const MAX_EVENTS_PER_SECOND = 20;

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer({ maxEventsPerSecond: MAX_EVENTS_PER_SECOND });
});
afterAll(() => running.close());

/** Opens a long-polling session as `name` and joins the namespace; returns where to POST. */
async function openPolling(lab: LabInfo, name: string): Promise<(body: string) => Promise<number>> {
  const base = `${running.origin}${lab.path}/?EIO=4&transport=polling&client=${name}`;
  const handshake = await fetch(base);
  const { sid } = JSON.parse((await handshake.text()).slice(1)) as { sid: string };
  const post = async (body: string) => {
    const answer = await fetch(`${base}&sid=${sid}`, { method: "POST", body, headers: { "content-type": "text/plain;charset=UTF-8" } });
    await answer.text();
    return answer.status;
  };
  expect(await post("40")).toBe(200);
  return post;
}

describe("blind pongs", () => {
  it("do not keep a session that never reads alive: it still times out", { timeout: 20_000 }, async () => {
    const lab = await createLab(running.origin, "emit");
    const post = await openPolling(lab, "Mallory");
    const timedOut = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Mallory", 12_000);
    const { pingInterval, pingTimeout } = lab.server;
    const began = Date.now();
    let pongs = true;
    const ponging = (async () => {
      // Pongs for pings the client never read: each would push the next ping back.
      while (pongs) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await post("3").catch(() => undefined);
      }
    })();
    try {
      const entry = await timedOut;
      expect(entry).toMatchObject({ reason: "ping timeout" });
      expect(Date.now() - began).toBeLessThan(pingInterval + pingTimeout + 2000);
    } finally {
      pongs = false;
      await ponging;
    }
  });
});

describe("the outgoing queue of a client that never reads", () => {
  it("is capped: the connection is closed, and the server log says why", { timeout: 15_000 }, async () => {
    const lab = await createLab(running.origin, "emit");
    await openPolling(lab, "Reader");
    const refused = waitForLogEntry(running.origin, lab, (e) => e.kind === "refused" && e.client === "Reader", 8000);
    const closed = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Reader", 8000);
    const sender = await connectClient(running.origin, lab, "Sender");
    // 20 events of 60 KB: more than the 1 MB a connection may have waiting, sent under the rate limit.
    const payload = "x".repeat(60 * 1024);
    for (let n = 0; n < 20; n++) await sender.timeout(2000).emitWithAck("blob", payload);
    expect(await refused).toMatchObject({ message: expect.stringContaining("bytes sent to this client were still unread") });
    expect(await closed).toMatchObject({ reason: "transport error", description: expect.stringContaining("outgoing queue over") });
    sender.disconnect();
  });
});

describe("a blackholed link", () => {
  it("holds only a few connections, each for at most pingInterval + pingTimeout", { timeout: 20_000 }, async () => {
    const lab = await createLab(running.origin, "emit");
    // The first request makes the client's link; then its faults can be set.
    await (await fetch(`${running.origin}${lab.path}/?EIO=4&transport=polling&client=Mallory`)).text();
    await fault(running.origin, lab, "/clients/Mallory/link", "PUT", { blackhole: true });
    const url = new URL(`${running.origin}${lab.path}/?EIO=4&transport=polling&client=Mallory`);
    const began = Date.now();
    const closedAt: number[] = [];
    const requests: ClientRequest[] = [];
    const allClosed = new Promise<void>((resolve) => {
      for (let n = 0; n < 50; n++) {
        const req = request(url, { agent: false });
        req.on("error", () => undefined);
        req.on("close", () => {
          closedAt.push(Date.now() - began);
          if (closedAt.length === 50) resolve();
        });
        req.end();
        requests.push(req);
      }
    });
    const { pingInterval, pingTimeout } = lab.server;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, pingInterval + pingTimeout + 3000));
    try {
      await Promise.race([allClosed, deadline]);
      console.log(`blackhole: ${closedAt.length} of 50 closed, the last after ${Math.max(0, ...closedAt)} ms`);
      expect(closedAt.length).toBe(50);
      // All but the few the link may hold are refused at once.
      expect(closedAt.filter((ms) => ms < 2000).length).toBeGreaterThanOrEqual(50 - 8);
    } finally {
      for (const req of requests) req.destroy();
    }
  });
});

describe("the events-per-second budget", () => {
  it("holds a client that reconnects after each cut-off to about the limit", { timeout: 20_000 }, async () => {
    const lab = await createLab(running.origin, "emit");
    const bob = await connectClient(running.origin, lab, "Bob");
    let delivered = 0;
    bob.on("spam", () => (delivered += 1));
    const windowMs = 3000;
    const began = Date.now();
    let reconnects = 0;
    while (Date.now() - began < windowMs) {
      let mallory: Socket;
      try {
        mallory = await connectClient(running.origin, lab, "Mallory");
      } catch {
        continue;
      }
      reconnects += 1;
      const cut = nextEvent(mallory, "disconnect", 2000);
      for (let n = 0; n < 100; n++) mallory.emit("spam", n);
      await cut.catch(() => mallory.disconnect());
    }
    const seconds = (Date.now() - began) / 1000;
    // Whatever was on its way has arrived once Bob's own round trip comes back.
    await bob.timeout(2000).emitWithAck("ping-back", "done");
    console.log(`reconnect flood: ${reconnects} reconnects, ${Math.round(delivered / seconds)} events/s delivered`);
    // One bucket's burst plus the refill over the window, with some slack.
    expect(delivered).toBeLessThanOrEqual(MAX_EVENTS_PER_SECOND * (seconds + 1) * 1.25);
    bob.disconnect();
  });
});

describe("the connections one address holds", () => {
  const HELD_CAP = 24;
  const OPEN_CAP = 6;
  /** Another visitor, named by the trusted proxy (127.0.0.1) that all test traffic comes through. */
  const OTHER = { "x-forwarded-for": "203.0.113.7" };

  async function openLabAs(origin: string, headers: Record<string, string> = {}): Promise<LabInfo> {
    const answer = await fetch(`${origin}/api/labs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ lesson: "emit", learner: newLearner() }),
    });
    expect(answer.status).toBe(201);
    return (await answer.json()) as LabInfo;
  }

  /** Retries `attempt` until it succeeds: for a count the server lowers once a closed socket's close event reaches it. */
  async function eventually<T>(attempt: () => Promise<T>, ms: number): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it(
    "are capped when spread over many blackholed client names: past the cap they answer 429, other visitors still connect",
    { timeout: 30_000 },
    async () => {
      const server = await listen(
        {
          port: 0,
          host: "127.0.0.1",
          limits: { ...defaultLimits, maxHeldConnectionsPerAddress: HELD_CAP },
          dataDir: testDataDir,
          trustProxy: ["127.0.0.1"],
        },
        testLessons,
      );
      const requests: ClientRequest[] = [];
      try {
        // The bench's held-spread attack, smaller: 2 labs x 8 names, every link blackholed, 8 requests per name
        // (as many as one link holds), 128 in all from one address.
        const urls: URL[] = [];
        for (let l = 0; l < 2; l++) {
          const lab = await createLab(server.origin, "emit");
          for (let n = 0; n < 8; n++) {
            const url = `${server.origin}${lab.path}/?EIO=4&transport=polling&client=Mallory${n}`;
            await (await fetch(url)).text();
            await fault(server.origin, lab, `/clients/Mallory${n}/link`, "PUT", { blackhole: true });
            for (let k = 0; k < 8; k++) urls.push(new URL(url));
          }
        }
        const statuses: number[] = [];
        // Neither answered nor closed: held by a link.
        const pending = new Set<ClientRequest>();
        const refusedAll = new Promise<void>((resolve) => {
          for (const url of urls) {
            const req = request(url, { agent: false });
            req.on("error", () => undefined);
            pending.add(req);
            req.on("response", (res) => {
              pending.delete(req);
              statuses.push(res.statusCode ?? 0);
              if (res.statusCode === 429) expect(res.headers["retry-after"]).toMatch(/^\d+$/);
              res.resume();
              if (statuses.filter((status) => status === 429).length >= urls.length - HELD_CAP) resolve();
            });
            req.on("close", () => pending.delete(req));
            req.end();
            requests.push(req);
          }
        });
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, 5000));
        await Promise.race([refusedAll, deadline]);
        const refused = statuses.filter((status) => status === 429).length;
        console.log(`held spread: ${urls.length} requests, ${refused} refused with 429, ${pending.size} still held`);
        expect(refused).toBeGreaterThanOrEqual(urls.length - HELD_CAP);
        expect(pending.size).toBeLessThanOrEqual(HELD_CAP);
        // The same address's next connection is refused too, with a message that says why.
        const lab = await createLab(server.origin, "emit");
        const refusal = await fetch(`${server.origin}${lab.path}/?EIO=4&transport=polling&client=Alice`);
        expect(refusal.status).toBe(429);
        expect(await refusal.json()).toMatchObject({
          error: { code: "quota_exceeded", message: expect.stringContaining("held back by faulty client links") },
        });
        // Another visitor gets a lab and connects over WebSocket; the host still answers its health check.
        const other = await openLabAs(server.origin, OTHER);
        const alice = await connectClient(server.origin, other, "Alice", "websocket", { extraHeaders: OTHER });
        expect(alice.connected).toBe(true);
        alice.disconnect();
        expect((await fetch(`${server.origin}/api/health`)).status).toBe(200);
        // Once the held connections close, the address connects again.
        for (const req of requests) req.destroy();
        const bob = await eventually(() => connectClient(server.origin, lab, "Bob", "websocket"), 5000);
        bob.disconnect();
      } finally {
        for (const req of requests) req.destroy();
        await server.close();
      }
    },
  );

  it("are capped in all: past the cap a new WebSocket gets 429, and one closing makes room", { timeout: 20_000 }, async () => {
    const server = await listen(
      {
        port: 0,
        host: "127.0.0.1",
        limits: { ...defaultLimits, maxConnectionsPerAddress: OPEN_CAP },
        dataDir: testDataDir,
        trustProxy: ["127.0.0.1"],
      },
      testLessons,
    );
    const sockets: Socket[] = [];
    try {
      const lab = await createLab(server.origin, "emit");
      for (let n = 0; n < OPEN_CAP; n++) sockets.push(await connectClient(server.origin, lab, `Learner${n}`, "websocket"));
      const over = connectClient(server.origin, lab, "OneTooMany", "websocket");
      await expect(over).rejects.toMatchObject({
        message: "websocket error",
        description: expect.objectContaining({ message: expect.stringContaining("429") }),
      });
      const answer = await fetch(`${server.origin}${lab.path}/?EIO=4&transport=polling&client=OneTooMany`);
      expect(answer.status).toBe(429);
      expect(answer.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await answer.json()).toMatchObject({
        error: { code: "quota_exceeded", message: expect.stringContaining(`limit of ${OPEN_CAP}`) },
      });
      // Another address is not affected.
      const other = await openLabAs(server.origin, OTHER);
      const visitor = await connectClient(server.origin, other, "Visitor", "websocket", { extraHeaders: OTHER });
      visitor.disconnect();
      sockets.shift()?.disconnect();
      sockets.push(await eventually(() => connectClient(server.origin, lab, "OneTooMany", "websocket"), 5000));
    } finally {
      for (const socket of sockets) socket.disconnect();
      await server.close();
    }
  });
});
