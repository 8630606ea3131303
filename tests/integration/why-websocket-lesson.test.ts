import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { connect } from "node:net";
import { io, type Socket } from "socket.io-client";
import { WebSocket, WebSocketServer } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { InspectorSnapshot } from "../../src/shared/inspector.js";
import type { LinkTraffic } from "../../src/shared/network.js";
import type { Tick } from "../../src/lessons/why-websocket/events.js";
import { FeedStats } from "../../src/client/feed/feed-stats.js";
import { Poller } from "../../src/client/feed/poller.js";
import { BARE_HELLO, bareWebSocketUrl, speakSocketIo, type BareFrame } from "../../src/client/bare-websocket.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function traffic(lab: LabInfo, client: string): Promise<LinkTraffic | undefined> {
  const response = await fetch(`${running.origin}/api/labs/${lab.id}/inspect`);
  const snapshot = (await response.json()) as InspectorSnapshot;
  return snapshot.links.find((link) => link.client === client);
}

async function poll(lab: LabInfo, client = "Poll"): Promise<Tick> {
  const response = await fetch(`${running.origin}${lab.httpPath}/tick?client=${client}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Tick;
}

/** A raw HTTP/1.1 exchange on its own TCP connection: the exact bytes sent, and every byte received. */
function rawExchange(request: string): Promise<{ sent: number; received: Buffer }> {
  const { port } = new URL(running.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => resolve({ sent: Buffer.byteLength(request), received: Buffer.concat(chunks) }));
    socket.on("error", reject);
    socket.setTimeout(3000, () => reject(new Error("no answer within 3000 ms")));
  });
}

/**
 * Runs the page's own Poller for `count` new values, started `phaseMs` after the server changed its value, and
 * resolves with the staleness of each.
 */
async function pollFrom(lab: LabInfo, push: Socket, phaseMs: number, intervalMs: number, count: number): Promise<number[]> {
  await nextEvent(push, "tick", 3000);
  // Not a wait for something to happen: this sets where in the change interval the polls land.
  await new Promise((resolve) => setTimeout(resolve, phaseMs));
  const stats = new FeedStats();
  const staleness: number[] = [];
  return new Promise((resolve, reject) => {
    const poller = new Poller(`${running.origin}${lab.httpPath}/tick?client=Poll`, intervalMs, {
      onAnswer: ({ tick }) => {
        const reading = tick ? stats.add(tick) : undefined;
        if (reading?.fresh) staleness.push(reading.staleMs);
        if (staleness.length < count) return;
        poller.stop();
        resolve(staleness);
      },
      onError: (message) => {
        poller.stop();
        reject(new Error(message));
      },
    });
    poller.start();
  });
}

/** The readings without their lowest and highest: one poll held up by a busy machine is not the phase. */
const trimmed = (values: number[]) => [...values].sort((a, b) => a - b).slice(1, -1);
const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
const median = (values: number[]) => trimmed(values)[Math.floor((values.length - 2) / 2)] ?? Number.NaN;

describe("the Why WebSocket lesson's lab", () => {
  it("locks polling staleness to the phase when the poll and change intervals are equal: nearly constant, set by when polling started", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    await fault(running.origin, lab, "/settings", "PUT", { tickMs: 500 });
    await fault(running.origin, lab, "/restart", "POST");
    const push = await connectClient(running.origin, lab, "Push", "websocket");
    const early = await pollFrom(lab, push, 100, 500, 7);
    const late = await pollFrom(lab, push, 350, 500, 7);
    // Out of step (613 ms polls against 500 ms changes), the readings scatter over most of the interval:
    // 51 to 437 ms in five. In step they hold one level, which moves with the phase.
    expect(spread(trimmed(early))).toBeLessThan(100);
    expect(spread(trimmed(late))).toBeLessThan(100);
    expect(median(late) - median(early)).toBeGreaterThan(150);
    expect(median(late) - median(early)).toBeLessThan(350);
    push.disconnect();
  }, 20_000);

  it("counts a polling client's requests as they grow, while a push client makes no request after its WebSocket opens", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    await fault(running.origin, lab, "/settings", "PUT", { tickMs: 200 });
    const push = await connectClient(running.origin, lab, "Push", "websocket");
    const before = await traffic(lab, "Push");
    expect(before).toMatchObject({ requests: 1, websockets: 1 });

    for (let i = 0; i < 3; i++) await poll(lab);
    // Two changes pushed while the poller asked three times.
    await nextEvent(push, "tick");
    await nextEvent(push, "tick");

    const polled = await traffic(lab, "Poll");
    expect(polled).toMatchObject({ requests: 3, websockets: 0 });
    // Every poll re-sends its request line and headers: hundreds of bytes for a few bytes of news.
    expect(polled?.bytesToServer).toBeGreaterThan(3 * 100);
    const after = await traffic(lab, "Push");
    expect(after?.requests).toBe(before?.requests);
    expect(after?.bytesToClient).toBeGreaterThan(before?.bytesToClient ?? 0);
    push.disconnect();
  });

  it("counts a request's and its response's bytes exactly as they cross the connection, headers included", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const request = `GET ${lab.httpPath}/tick?client=Raw HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${"p".repeat(50)}\r\nConnection: close\r\n\r\n`;
    const { sent, received } = await rawExchange(request);
    expect(received.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(await traffic(lab, "Raw")).toMatchObject({ requests: 1, bytesToServer: sent, bytesToClient: received.length });
  });

  it("pushes each change the moment it happens, while a poll answers with a value that has been waiting", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const push = await connectClient(running.origin, lab, "Push", "websocket");
    const [pushed] = await nextEvent<[Tick]>(push, "tick", 3000);
    expect(pushed.sentAt - pushed.changedAt).toBe(0);
    push.disconnect();

    // Between two changes, every poll gets the same value, staler each time. A restart starts the counter
    // over, with the next change 10 s away.
    await fault(running.origin, lab, "/settings", "PUT", { tickMs: 10_000 });
    await fault(running.origin, lab, "/restart", "POST");
    const first = await poll(lab);
    await fault(running.origin, lab, "/clients/Poll/link", "PUT", { latencyMs: 100 });
    const second = await poll(lab);
    expect(second.n).toBe(first.n);
    expect(second.sentAt - second.changedAt).toBeGreaterThanOrEqual(first.sentAt - first.changedAt + 100);
  });

  it("shows the WebSocket handshake the lab received and the 101 it answered", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const push = await connectClient(running.origin, lab, "Push", "websocket");
    const handshake = (await traffic(lab, "Push"))?.handshake;
    expect(handshake?.request[0]).toMatch(/^GET \/labs\/[\w-]+\/socket\.io\/\?.*transport=websocket.* HTTP\/1\.1$/);
    expect(handshake?.request).toContainEqual(expect.stringMatching(/^Upgrade: websocket$/i));
    expect(handshake?.request).toContainEqual(expect.stringMatching(/^Sec-WebSocket-Key: /i));
    expect(handshake?.response[0]).toBe("HTTP/1.1 101 Switching Protocols");
    // The answer proves the server read this request: SHA-1 of the key and RFC 6455's fixed GUID, in base64.
    const key = handshake?.request.find((line) => /^Sec-WebSocket-Key: /i.test(line))?.split(": ")[1] ?? "";
    const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    expect(handshake?.response).toContainEqual(
      expect.stringMatching(new RegExp(`^Sec-WebSocket-Accept: ${accept.replace(/[+/]/g, "\\$&")}$`, "i")),
    );
    push.disconnect();
  });

  it("hides cookies and credentials in the handshake it shows", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const extraHeaders = { Cookie: "session=secret-value", Authorization: "Bearer secret-token" };
    const push = await connectClient(running.origin, lab, "Push", "websocket", { extraHeaders });
    const link = await traffic(lab, "Push");
    expect(link?.handshake?.request).toContain("Cookie: (hidden by the lab)");
    expect(link?.handshake?.request).toContain("Authorization: (hidden by the lab)");
    expect(JSON.stringify(link)).not.toMatch(/secret-(value|token)/);
    push.disconnect();
  });

  it("logs each poll with its size, and answers unknown routes and other methods with a JSON error", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const logged = waitForLogEntry(running.origin, lab, (e) => e.kind === "http" && e.client === "Poll");
    await poll(lab);
    expect(await logged).toMatchObject({ method: "GET", path: "/http/tick", status: 200, body: expect.stringMatching(/^\{"n":\d+/) });

    const missing = await fetch(`${running.origin}${lab.httpPath}/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "route_not_found" } });
    const posted = await fetch(`${running.origin}${lab.httpPath}/tick`, { method: "POST", body: "x" });
    expect(posted.status).toBe(405);
    expect(posted.headers.get("allow")).toBe("GET");
  });

  it("keeps counting an idle push connection's bytes: the heartbeat's pong goes up even when nothing changes", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    await fault(running.origin, lab, "/settings", "PUT", { tickMs: 10_000 });
    await fault(running.origin, lab, "/restart", "POST");
    const push = await connectClient(running.origin, lab, "Push", "websocket");
    const before = (await traffic(lab, "Push"))?.bytesToServer ?? 0;
    // The client answers each ping with a pong at once; 3 s is the labs' pingInterval.
    await nextEvent(push.io.engine, "ping", 5000);
    await expect.poll(async () => (await traffic(lab, "Push"))?.bytesToServer, { timeout: 2000 }).toBeGreaterThan(before);
    push.disconnect();
  });

  it("greets a plain WebSocket with Engine.IO's open packet, and closes it when it sends a message that is not Engine.IO", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const url = `${running.origin.replace("http", "ws")}${lab.path}/?EIO=4&transport=websocket`;
    const plain = new WebSocket(url);
    const [greeting] = await nextEvent<[Buffer]>(plain, "message");
    expect(greeting.toString()).toMatch(/^0\{"sid":/);
    const closed = nextEvent(plain, "close");
    plain.send("hello");
    await closed;
  });

  it("lets a plain WebSocket talk to the lab once it speaks the framing: CONNECT, a pong per ping, and events both ways", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    await fault(running.origin, lab, "/settings", "PUT", { tickMs: 200 });
    const frames: BareFrame[] = [];
    const plain = new WebSocket(bareWebSocketUrl(running.origin, lab.path, "Bare"));
    const until = (test: (frames: BareFrame[]) => boolean) => expect.poll(() => test(frames), { timeout: 6000 }).toBe(true);
    const helloArrived = waitForLogEntry(
      running.origin,
      lab,
      (e) => e.kind === "received" && e.client === "Bare" && e.frame === BARE_HELLO,
    );
    let closed = false;
    speakSocketIo(
      plain,
      (frame) => frames.push(frame),
      () => (closed = true),
    );

    const received = (prefix: string) => frames.filter((f) => f.direction === "received" && f.frame.startsWith(prefix));
    await until(() => received("40{").length === 1);
    expect(JSON.parse(received("0{")[0]!.frame.slice(1))).toMatchObject({ sid: expect.any(String), pingInterval: 3000 });
    await helloArrived;
    await until(() => received('42["tick",').length > 0);
    // The server sends its next ping only after the pong for the last one: two pings mean the heartbeat held.
    await until(() => frames.filter((f) => f.frame === "2").length === 2);
    expect(frames.filter((f) => f.direction === "sent").map((f) => f.frame)).toEqual(["40", BARE_HELLO, "3", "3"]);
    expect(closed).toBe(false);
    plain.close();
  }, 15_000);

  it("closes a plain WebSocket that connects but does not answer the server's ping, once pingTimeout has passed", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const plain = new WebSocket(bareWebSocketUrl(running.origin, lab.path, "Bare"));
    let pingAt = 0;
    plain.on("message", (data: Buffer) => {
      const frame = data.toString();
      if (frame.startsWith("0")) plain.send("40");
      if (frame === "2") pingAt = Date.now();
    });
    await nextEvent(plain, "close", 8000);
    // pingTimeout is 2000 ms in the labs; a little early is the timers' slack.
    expect(pingAt).toBeGreaterThan(0);
    expect(Date.now() - pingAt).toBeGreaterThanOrEqual(1900);
  }, 15_000);

  it("never connects a Socket.IO client to a plain WebSocket server", async () => {
    const http = createServer();
    const plain = new WebSocketServer({ server: http });
    plain.on("connection", (socket) => socket.send("hello from a plain WebSocket server"));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const address = http.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const client = io(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false, timeout: 1000 });
    let received = false;
    plain.on("connection", () => (received = true));
    const [error] = await nextEvent<[Error]>(client, "connect_error", 3000);
    // The WebSocket itself opened; what came over it was not Engine.IO, so the client never connected.
    expect(received).toBe(true);
    expect(client.connected).toBe(false);
    expect(error.message).toBe("server error");
    client.close();
    plain.close();
    http.close();
  });
});
