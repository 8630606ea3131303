import { afterEach, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabErrorPayload } from "../../src/shared/lab-api.js";
import type { InspectorSnapshot } from "../../src/shared/inspector.js";
import { connectClient, createLab, fault, newLearner, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

let running: RunningPlayground | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function healthy(origin: string): Promise<boolean> {
  return (await fetch(`${origin}/api/health`)).ok;
}

describe("lab limits", () => {
  it("refuses a lab beyond the lab limit with 503 and a JSON error", async () => {
    running = await startServer({ maxLabs: 2 });
    await createLab(running.origin);
    await createLab(running.origin);
    const response = await fetch(`${running.origin}/api/labs`, {
      method: "POST",
      body: JSON.stringify({ lesson: "emit", learner: newLearner() }),
    });
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatchObject({ code: "lab_limit" });
  });

  it("refuses a client beyond the per-lab client limit with a connect_error that says why", async () => {
    running = await startServer({ maxClientsPerLab: 2 });
    const lab = await createLab(running.origin);
    await connectClient(running.origin, lab, "Alice");
    await connectClient(running.origin, lab, "Bob");
    const carol = io(running.origin, {
      path: lab.path,
      forceNew: true,
      transports: ["websocket"],
      reconnection: false,
      auth: { name: "Carol" },
    });
    const [error] = await nextEvent<[Error & { data?: LabErrorPayload }]>(carol, "connect_error");
    expect(error.message).toMatch(/already has 2 clients/);
    expect(error.data?.code).toBe("lab_full");
    carol.disconnect();
    expect(await healthy(running.origin)).toBe(true);
  });

  it("refuses a recovered client that comes back to a full lab with the same connect_error: recovery skips middlewares, not the cap", async () => {
    running = await startServer({ maxClientsPerLab: 2 });
    const origin = running.origin;
    const lab = await createLab(origin, "recovery");
    const reconnecting = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 };
    const alice = await connectClient(origin, lab, "Alice", "websocket", reconnecting);
    const bob = await connectClient(origin, lab, "Bob");
    // A stored message gives both an offset: Alice's session can be recovered.
    const offset = nextEvent(alice, "message");
    await bob.timeout(3000).emitWithAck("message", "hi");
    await offset;
    const leftOnServer = waitForLogEntry(origin, lab, (e) => e.kind === "disconnect" && e.client === "Alice");
    await fault(origin, lab, "/clients/Alice/link", "PUT", { offline: true });
    await leftOnServer;
    const carol = await connectClient(origin, lab, "Carol");
    // Either she is refused, or she is back in (the bug): whichever comes first says which.
    const outcome = Promise.race([
      nextEvent<[Error & { data?: LabErrorPayload }]>(alice, "connect_error", 5000).then(([error]) => error),
      nextEvent(alice, "connect", 5000).then(() => `connected, recovered: ${alice.recovered}`),
    ]);
    await fault(origin, lab, "/clients/Alice/link", "PUT", { offline: false });
    const error = await outcome;
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: expect.stringMatching(/already has 2 clients/), data: { code: "lab_full" } });
    expect(alice.connected).toBe(false);
    const snapshot = (await fault(origin, lab, "/inspect", "GET")) as InspectorSnapshot;
    expect(snapshot.sockets.map((s) => s.client).sort()).toEqual(["Bob", "Carol"]);
    [alice, bob, carol].forEach((s) => s.disconnect());
  });

  it("disconnects a client that sends more events per second than the limit, saying why first", async () => {
    running = await startServer({ maxEventsPerSecond: 5 });
    const lab = await createLab(running.origin);
    const flooder = await connectClient(running.origin, lab, "Flooder");
    const warned = nextEvent<[LabErrorPayload]>(flooder, "lab:error");
    const disconnected = nextEvent<[string]>(flooder, "disconnect");
    for (let i = 0; i < 50; i++) flooder.emit("flood", i);
    expect((await warned)[0]).toMatchObject({ code: "rate_limited" });
    expect((await disconnected)[0]).toBe("io server disconnect");
    expect(flooder.active).toBe(false);
    expect(await healthy(running.origin)).toBe(true);
  });

  it("lets a client send at the limit without being disconnected", async () => {
    running = await startServer({ maxEventsPerSecond: 20 });
    const lab = await createLab(running.origin);
    const steady = await connectClient(running.origin, lab, "Steady");
    // A burst of the full allowance, each acknowledged, stays within the bucket.
    for (let i = 0; i < 19; i++) await steady.timeout(3000).emitWithAck("steady", i);
    expect(steady.connected).toBe(true);
    steady.disconnect();
  });

  // Engine.IO enforces the limit (maxHttpBufferSize): WebSocket closes with 1009, polling answers HTTP 413.
  const overLimit = {
    websocket: { client: "transport close", server: "transport error", description: /Max payload size exceeded/ },
    polling: { client: "transport error", server: "transport close", description: undefined },
  } as const;
  for (const transport of ["websocket", "polling"] as const) {
    it(`closes the connection of a client that sends a frame over the payload limit, and stays up (${transport})`, async () => {
      running = await startServer({ maxPayloadBytes: 1024 });
      const lab = await createLab(running.origin);
      const sender = await connectClient(running.origin, lab, "Big", transport);
      const closed = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Big");
      const disconnected = nextEvent<[string]>(sender, "disconnect");
      sender.emit("big", "x".repeat(2048));
      const expected = overLimit[transport];
      expect((await disconnected)[0]).toBe(expected.client);
      const logged = await closed;
      expect(logged).toMatchObject({ reason: expected.server });
      if (expected.description && logged.kind === "disconnect") expect(logged.description).toMatch(expected.description);
      expect(await healthy(running.origin)).toBe(true);
      // The lab itself is still usable.
      const next = await connectClient(running.origin, lab, "Small", transport);
      expect(await next.timeout(3000).emitWithAck("small", "fits")).toEqual({ status: "ok" });
      next.disconnect();
    });
  }

  it("refuses a browser WebSocket from another site's page (Origin check)", async () => {
    running = await startServer();
    const lab = await createLab(running.origin);
    const foreign = io(running.origin, {
      path: lab.path,
      forceNew: true,
      transports: ["websocket"],
      reconnection: false,
      extraHeaders: { origin: "https://evil.example" },
    });
    const [error] = await nextEvent<[Error]>(foreign, "connect_error");
    expect(error.message).toMatch(/websocket error/);
    foreign.disconnect();
    const polling = await fetch(`${running.origin}${lab.path}/?EIO=4&transport=polling`, { headers: { origin: "https://evil.example" } });
    expect(polling.status).toBe(403);
    const sameSite = await fetch(`${running.origin}${lab.path}/?EIO=4&transport=polling`, { headers: { origin: running.origin } });
    expect(sameSite.status).toBe(200);
  });
});

describe("lab isolation and eviction", () => {
  it("never delivers one learner's events to another learner's lab", async () => {
    running = await startServer();
    const labA = await createLab(running.origin);
    const labB = await createLab(running.origin);
    const alice = await connectClient(running.origin, labA, "Alice");
    const bob = await connectClient(running.origin, labA, "Bob");
    const mallory = await connectClient(running.origin, labB, "Mallory");
    let leaked = false;
    mallory.onAny(() => (leaked = true));
    const arrived = nextEvent(bob, "secret");
    alice.emit("secret", "for lab A only");
    await arrived;
    // A round trip in lab B after lab A's delivery: anything sent to B by then would have arrived.
    await mallory.timeout(3000).emitWithAck("round-trip");
    expect(leaked).toBe(false);
    [alice, bob, mallory].forEach((s) => s.disconnect());
  });

  it("evicts a lab after it sits idle with no client, and keeps it while a client is connected", async () => {
    running = await startServer({ labIdleMs: 200 });
    const idle = await createLab(running.origin);
    const busy = await createLab(running.origin);
    const holder = await connectClient(running.origin, busy, "Holder");
    const [evicted] = await nextEvent(running.playground.labs, "evicted", 5000);
    expect((evicted as { id: string }).id).toBe(idle.id);
    expect((await fetch(`${running.origin}/api/labs/${idle.id}`)).status).toBe(404);
    expect((await fetch(`${running.origin}/api/labs/${busy.id}`)).status).toBe(200);
    holder.disconnect();
    const [second] = await nextEvent(running.playground.labs, "evicted", 5000);
    expect((second as { id: string }).id).toBe(busy.id);
  });
});
