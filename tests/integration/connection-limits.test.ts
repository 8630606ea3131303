// Attacks of issue 19 on a lab's connections: blind pongs that keep a session alive, connections a
// blackholed link holds for ever, and a flood that gets past the rate limit by reconnecting.
import { request, type ClientRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

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
