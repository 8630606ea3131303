import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Server } from "socket.io";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LessonLab } from "../../src/server/lesson-lab.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { ActivePacketFault, PacketFault } from "../../src/shared/packet-faults.js";
import { PACKET_FAULT_LIMITS } from "../../src/shared/packet-faults.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { connectClient, createLab, fault, followLog, nextEvent, startServer, waitForLogEntry, type Transport } from "../support/server.js";

/** What the server saw, per event name, so a test can ask which copies of which events arrived. */
function handlers(io: Server): void {
  io.on("connection", (socket) => {
    const seen: { event: string; args: unknown[] }[] = [];
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event !== "seen") seen.push({ event, args: args.filter((arg) => typeof arg !== "function") });
    });
    socket.on("req", (n: unknown, ack: (reply: string) => void) => ack(`ok ${String(n)}`));
    // Acks at once, then sends an event: with acks delayed, the event overtakes the ack.
    socket.on("ack then event", (ack: (reply: string) => void) => {
      ack("the ack");
      socket.emit("after", "the event");
    });
    socket.on("send me", (event: string, arg: unknown) => socket.emit(event, arg));
    socket.on("seen", (ack: (seen: { event: string; args: unknown[] }[]) => void) => ack(seen));
  });
}

/** Heartbeats far apart, so no ping or pong lands among the packets a test counts. */
const quietLab: LessonLab = { slug: "emit", options: { pingInterval: 20_000, pingTimeout: 20_000 }, handlers };
/** A short heartbeat, for the fault that starves it. */
const heartbeatLab: LessonLab = { slug: "acks", options: { pingInterval: 500, pingTimeout: 400 }, handlers };

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer(
    {},
    new Map([
      ["emit", quietLab],
      ["acks", heartbeatLab],
    ]),
  );
});
afterAll(() => running.close());

async function addFault(lab: LabInfo, name: string, packetFault: PacketFault): Promise<ActivePacketFault> {
  return (await fault(running.origin, lab, `/clients/${name}/packet-faults`, "POST", packetFault)) as ActivePacketFault;
}

async function seen(socket: Socket): Promise<{ event: string; args: unknown[] }[]> {
  return (await socket.timeout(3000).emitWithAck("seen")) as { event: string; args: unknown[] }[];
}

function faultLine(lab: LabInfo, action: string): Promise<ServerLogEntry> {
  return waitForLogEntry(running.origin, lab, (entry) => entry.kind === "fault" && entry.packet?.action === action, 5000);
}

for (const transport of ["websocket", "polling"] as Transport[]) {
  describe(`packet faults over ${transport}`, () => {
    it("dropping the next ack from the server to Alice makes her timeout(…) fire, and the next emit is acked again", async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      const added = await addFault(lab, "Alice", { type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1 });
      expect(added).toMatchObject({ type: "drop", remaining: 1 });
      const logged = faultLine(lab, "dropped");
      await expect(alice.timeout(800).emitWithAck("req", 1)).rejects.toThrow("operation has timed out");
      const line = await logged;
      expect(line).toMatchObject({ kind: "fault", client: "Alice", packet: { direction: "toClient", faultId: added.id } });
      expect(line.kind === "fault" && line.message).toMatch(/^dropped ack 0 to Alice \(drop next 1 ack\)$/);
      expect(line.kind === "fault" && line.packet?.frame).toBe('430["ok 1"]');
      // The fault is used up: it is gone, and the next ack arrives.
      expect(await fault(running.origin, lab, "/clients/Alice/packet-faults", "GET")).toEqual({ faults: [] });
      expect(await alice.timeout(3000).emitWithAck("req", 2)).toBe("ok 2");
      alice.disconnect();
    });

    it("with retries, a dropped ack makes the client send the event again, and the second try is acked", async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport, { retries: 2, ackTimeout: 600 });
      await addFault(lab, "Alice", { type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1 });
      expect(await alice.emitWithAck("req", "once")).toBe("ok once");
      const reqs = (await seen(alice)).filter(({ event }) => event === "req");
      expect(reqs).toHaveLength(2);
      alice.disconnect();
    });

    it('dropping every 2nd event "x" from Alice lets the 1st, 3rd and 5th through, and other events all pass', async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      await addFault(lab, "Alice", { type: "drop", direction: "toServer", match: { kind: "event", event: "x" }, every: 2 });
      for (let n = 1; n <= 6; n++) {
        alice.emit("x", n);
        alice.emit("y", n);
      }
      const got = await seen(alice);
      expect(got.filter(({ event }) => event === "x").map(({ args }) => args[0])).toEqual([1, 3, 5]);
      expect(got.filter(({ event }) => event === "y").map(({ args }) => args[0])).toEqual([1, 2, 3, 4, 5, 6]);
      // An "every" drop lasts until it is ended.
      const {
        faults: [active],
      } = (await fault(running.origin, lab, "/clients/Alice/packet-faults", "GET")) as { faults: ActivePacketFault[] };
      expect(active).toMatchObject({ every: 2 });
      expect(active?.remaining).toBeUndefined();
      alice.disconnect();
    });

    it("dropping Alice's pongs starves the heartbeat: the server closes her connection with ping timeout", async () => {
      const lab = await createLab(running.origin, "acks");
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      const onServer = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Alice", 5000);
      await addFault(lab, "Alice", { type: "drop", direction: "toServer", match: { kind: "pong" }, every: 1 });
      const entry = await onServer;
      expect(entry.kind === "disconnect" && entry.reason).toBe("ping timeout");
      alice.disconnect();
    });

    it("delaying acks to Alice holds only the ack: an event the server sent after it arrives first", async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      await addFault(lab, "Alice", { type: "delayAcks", direction: "toClient", delayMs: 700 });
      const order: string[] = [];
      alice.on("after", () => order.push("event"));
      const started = Date.now();
      const reply = await alice.timeout(5000).emitWithAck("ack then event");
      order.push("ack");
      expect(reply).toBe("the ack");
      expect(Date.now() - started).toBeGreaterThanOrEqual(700 - 20);
      expect(order).toEqual(["event", "ack"]);
      alice.disconnect();
    });

    it("duplicating the next event to Alice makes her listener run twice, once", async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      await addFault(lab, "Alice", { type: "duplicate", direction: "toClient", match: { kind: "event", event: "hello" }, next: 1 });
      const heard: unknown[] = [];
      alice.on("hello", (arg: unknown) => heard.push(arg));
      alice.emit("send me", "hello", 1);
      alice.emit("send me", "hello", 2);
      // An ack round trip after both: by then both events (and the copy) have arrived.
      await seen(alice);
      expect(heard).toEqual([1, 1, 2]);
      alice.disconnect();
    });

    it("duplicating a binary event from Alice sends its attachment with each copy", async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      await addFault(lab, "Alice", { type: "duplicate", direction: "toServer", match: { kind: "event", event: "bin" }, next: 1 });
      alice.emit("bin", Buffer.from([1, 2, 3]));
      const bins = (await seen(alice)).filter(({ event }) => event === "bin");
      expect(bins).toHaveLength(2);
      for (const { args } of bins) expect(Buffer.from(args[0] as Buffer)).toEqual(Buffer.from([1, 2, 3]));
      alice.disconnect();
    });

    it('closing after 3 packets from Alice lets exactly 3 through, then she disconnects with "transport close"', async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      const received: string[] = [];
      const stop = followLog(running.origin, lab, (entry) => {
        if (entry.kind === "received" && entry.client === "Alice") received.push(entry.frame);
      });
      // The log stream is open before the packets go: its replay shows none of them yet.
      await waitForLogEntry(running.origin, lab, (e) => e.kind === "connect");
      await addFault(lab, "Alice", { type: "closeAfter", direction: "toServer", packets: 3 });
      const onClient = nextEvent<[string]>(alice, "disconnect", 5000);
      const onServer = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect" && e.client === "Alice", 5000);
      for (let n = 1; n <= 5; n++) alice.emit("e", n);
      expect((await onClient)[0]).toBe("transport close");
      expect((await onServer).kind).toBe("disconnect");
      stop();
      expect(received).toEqual(['42["e",1]', '42["e",2]', '42["e",3]']);
      expect(await fault(running.origin, lab, "/clients/Alice/packet-faults", "GET")).toEqual({ faults: [] });
    });

    it('closing after 2 packets to Alice delivers exactly 2, then she disconnects with "transport close"', async () => {
      const lab = await createLab(running.origin);
      const alice = await connectClient(running.origin, lab, "Alice", transport);
      const heard: unknown[] = [];
      alice.on("n", (n: unknown) => heard.push(n));
      await addFault(lab, "Alice", { type: "closeAfter", direction: "toClient", packets: 2 });
      const onClient = nextEvent<[string]>(alice, "disconnect", 5000);
      for (let n = 1; n <= 4; n++) alice.emit("send me", "n", n);
      expect((await onClient)[0]).toBe("transport close");
      expect(heard).toEqual([1, 2]);
    });
  });
}

describe("packet faults follow the client", () => {
  it("a fault set before Alice connects applies once she does, and one set earlier still applies after she reconnects", async () => {
    const lab = await createLab(running.origin);
    await addFault(lab, "Alice", { type: "drop", direction: "toServer", match: { kind: "event", event: "x" }, every: 1 });
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { reconnection: true, reconnectionDelay: 100 });
    alice.emit("x", 1);
    expect((await seen(alice)).map(({ event }) => event)).toEqual([]);
    await fault(running.origin, lab, "/clients/Alice/drop", "POST");
    await nextEvent(alice, "connect", 5000);
    alice.emit("x", 2);
    expect((await seen(alice)).map(({ event }) => event)).toEqual([]);
    // Another client's link has none of Alice's faults.
    const bob = await connectClient(running.origin, lab, "Bob", "websocket");
    bob.emit("x", 3);
    expect((await seen(bob)).map(({ args }) => args[0])).toEqual([3]);
    alice.disconnect();
    bob.disconnect();
  });
});

describe("packet fault control API", () => {
  const post = (lab: LabInfo, name: string, body: unknown) =>
    fetch(`${running.origin}/api/labs/${lab.id}/clients/${name}/packet-faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("lists, ends one and ends all, with 201, 200 and 204", async () => {
    const lab = await createLab(running.origin);
    const base = `${running.origin}/api/labs/${lab.id}/clients/Alice/packet-faults`;
    const first = await post(lab, "Alice", { type: "duplicate", direction: "toClient", match: { kind: "event" }, next: 3 });
    expect(first.status).toBe(201);
    const added = (await first.json()) as ActivePacketFault;
    expect(added).toEqual({ type: "duplicate", direction: "toClient", match: { kind: "event" }, next: 3, id: added.id, remaining: 3 });
    await post(lab, "Alice", { type: "delayAcks", direction: "toServer", delayMs: 100 });
    expect(((await (await fetch(base)).json()) as { faults: unknown[] }).faults).toHaveLength(2);
    expect((await fetch(`${base}/${added.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${base}/${added.id}`, { method: "DELETE" })).status).toBe(404);
    expect(((await (await fetch(base)).json()) as { faults: unknown[] }).faults).toHaveLength(1);
    expect((await fetch(base, { method: "DELETE" })).status).toBe(204);
    expect(await (await fetch(base)).json()).toEqual({ faults: [] });
    expect((await fetch(base, { method: "PUT" })).status).toBe(405);
  });

  it.each([
    ["not an object", [1]],
    ["an unknown type", { type: "earthquake", direction: "toClient" }],
    ["an unknown direction", { type: "delayAcks", direction: "sideways", delayMs: 10 }],
    ["an unknown field", { type: "delayAcks", direction: "toClient", delayMs: 10, jitter: 5 }],
    ["an unknown kind", { type: "drop", direction: "toClient", match: { kind: "connect" }, next: 1 }],
    ["both next and every", { type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1, every: 2 }],
    ["neither next nor every", { type: "drop", direction: "toClient", match: { kind: "ack" } }],
    ["a count past the limit", { type: "closeAfter", direction: "toClient", packets: PACKET_FAULT_LIMITS.maxCount + 1 }],
    ["a count of zero", { type: "drop", direction: "toClient", match: { kind: "ack" }, every: 0 }],
    ["a fraction", { type: "duplicate", direction: "toClient", match: { kind: "event" }, next: 1.5 }],
    ["a delay past the limit", { type: "delayAcks", direction: "toClient", delayMs: PACKET_FAULT_LIMITS.maxDelayMs + 1 }],
    ["an event name on an ack", { type: "drop", direction: "toClient", match: { kind: "ack", event: "x" }, next: 1 }],
    ["a 10 KB event name", { type: "drop", direction: "toClient", match: { kind: "event", event: "x".repeat(10_000) }, next: 1 }],
  ])("refuses %s with 400 invalid_packet_fault and says why", async (_what, body) => {
    const lab = await createLab(running.origin);
    const response = await post(lab, "Alice", body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("invalid_packet_fault");
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.message.length).toBeLessThan(200);
  });

  it("refuses a client name that is no client's with 400", async () => {
    const lab = await createLab(running.origin);
    const response = await post(lab, encodeURIComponent("<script>"), { type: "delayAcks", direction: "toClient", delayMs: 10 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_client");
  });

  it("caps a client at maxFaults under 1,000 POSTs: the rest get 409, and the host still serves", async () => {
    const lab = await createLab(running.origin);
    const body = { type: "drop", direction: "toServer", match: { kind: "event", event: "x" }, every: 1 };
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => post(lab, "Alice", body)));
      for (const answer of answers) {
        statuses.push(answer.status);
        await answer.body?.cancel();
      }
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(PACKET_FAULT_LIMITS.maxFaults);
    expect(statuses.filter((status) => status === 409)).toHaveLength(1000 - PACKET_FAULT_LIMITS.maxFaults);
    const refused = await post(lab, "Alice", body);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      `${PACKET_FAULT_LIMITS.maxFaults} packet faults`,
    );
    expect((await fetch(`${running.origin}/api/health`)).status).toBe(200);
    // A client still connects and is served, its faults all applied.
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    alice.emit("x", 1);
    expect(await seen(alice)).toEqual([]);
    alice.disconnect();
  });

  it("logs one line per faulted packet up to the per-second limit, then how many more", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice", "websocket");
    await addFault(lab, "Alice", { type: "drop", direction: "toServer", match: { kind: "event", event: "x" }, every: 1 });
    const lines: ServerLogEntry[] = [];
    const stop = followLog(running.origin, lab, (entry) => {
      if (entry.kind === "fault" && entry.message.includes('event "x"')) lines.push(entry);
    });
    const summary = waitForLogEntry(running.origin, lab, (e) => e.kind === "fault" && e.message.includes("more faulted packets"), 5000);
    for (let n = 0; n < 200; n++) alice.emit("x", n);
    const said = await summary;
    stop();
    expect(lines.length).toBeLessThanOrEqual(PACKET_FAULT_LIMITS.maxFaultLinesPerSecond * 2);
    expect(said.kind === "fault" && said.message).toMatch(/… and \d+ more faulted packets/);
    alice.disconnect();
  });
});

describe("packet faults on the Scaling lab, whose nodes run in processes of their own", () => {
  let scaling: RunningPlayground;
  beforeAll(async () => {
    scaling = await startServer({ labProcessesPerAddressPerMinute: 100, maxLabProcessesPerAddress: 100 });
  });
  afterAll(() => scaling.close());

  for (const transport of ["websocket", "polling"] as Transport[]) {
    it(`over ${transport}, a node's ack to Alice is dropped, then delayed acks come after the delay, not at the next poll`, async () => {
      const lab = await createLab(scaling.origin, "scaling");
      const path = lab.scaling?.nodes[0]?.path ?? "";
      const alice = await connectClient(scaling.origin, { ...lab, path }, "Alice", transport);
      const add = (packetFault: PacketFault) => fault(scaling.origin, lab, "/clients/Alice/packet-faults", "POST", packetFault);
      await add({ type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1 });
      await expect(alice.timeout(800).emitWithAck("chat", "lost")).rejects.toThrow("operation has timed out");
      await add({ type: "delayAcks", direction: "toClient", delayMs: 400 });
      const started = Date.now();
      expect(await alice.timeout(5000).emitWithAck("chat", "late")).toEqual({ node: "A" });
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(400 - 20);
      // Without the link asking the node to release its poll, the ack would wait for the next ping (up to 3 s).
      expect(took).toBeLessThan(1200);
      alice.disconnect();
    });
  }
});
