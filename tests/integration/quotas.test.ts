import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import { defaultLimits, type PlaygroundLimits } from "../../src/server/config.js";
import { listen, type RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { COURSE_SLUGS } from "../../src/shared/course.js";
import { connectClient, createLab, newLearner, nextEvent, startServer, testDataDir, testLessons } from "../support/server.js";

let running: RunningPlayground | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { error?: { code: string; message: string } } & Partial<LabInfo>;
}

/** One HTTP request from a chosen local address (127.0.0.2 is another visitor on Linux loopback). */
function send(
  origin: string,
  method: string,
  path: string,
  { body, from = "127.0.0.1", headers = {} }: { body?: unknown; from?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const text = body === undefined ? "" : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${path}`,
      { method, localAddress: from, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"],
            body: (raw.startsWith("{") ? JSON.parse(raw) : {}) as Answer["body"],
          });
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

const openLab = (origin: string, lesson: string, options: { from?: string; headers?: Record<string, string> } = {}) =>
  send(origin, "POST", "/api/labs", { ...options, body: { lesson, learner: newLearner() } });

/** An Engine.IO polling handshake for a named client: what each new connection of a client starts with. */
const handshake = (origin: string, lab: LabInfo, client: string) =>
  send(origin, "GET", `${lab.path}/?EIO=4&transport=polling&client=${client}`);

function startWithProxy(trustProxy: string[], limits: Partial<PlaygroundLimits>): Promise<RunningPlayground> {
  return listen({ port: 0, host: "127.0.0.1", limits: { ...defaultLimits, ...limits }, dataDir: testDataDir, trustProxy }, testLessons);
}

describe("quotas per client address", () => {
  it("stops one address minting labs as fast as it can with 429 and Retry-After, while another address still opens a lab", async () => {
    // The attack of issue 19: fresh learner ids, one lab after another, until the server says no.
    running = await startServer({ maxLabs: 1000 });
    const origin = running.origin;
    let minted = 0;
    let refusal: Answer | undefined;
    const started = Date.now();
    while (minted <= 1000) {
      const answer = await openLab(origin, "emit");
      if (answer.status !== 201) {
        refusal = answer;
        break;
      }
      minted += 1;
    }
    const seconds = (Date.now() - started) / 1000;
    // Another visitor is not affected.
    const other = await openLab(origin, "emit", { from: "127.0.0.2" });
    console.log(
      `one address minted ${minted} labs in ${seconds.toFixed(1)} s, then ${refusal?.status} ${refusal?.body.error?.code}; another address: ${other.status}`,
    );
    expect(refusal?.status).toBe(429);
    expect(refusal?.body.error).toMatchObject({ code: "quota_exceeded", message: expect.stringMatching(/labs/) });
    expect(Number(refusal?.retryAfter)).toBeGreaterThan(0);
    expect(minted).toBe(defaultLimits.labsPerAddressPerMinute);
    expect(other.status).toBe(201);
  });

  it("lets a classroom behind one address open every lesson: 60 learners, each lab with two clients", async () => {
    running = await startServer({ maxLabs: 1000 });
    const origin = running.origin;
    // The Scaling lesson's node processes have a cap of their own (20), whoever asks; the others all open.
    const lessons = COURSE_SLUGS.filter((slug) => slug !== "scaling");
    const learners = Array.from({ length: 60 }, () => newLearner());
    const labs: LabInfo[] = [];
    for (const lesson of lessons) {
      const opened = await Promise.all(learners.map((learner) => send(origin, "POST", "/api/labs", { body: { lesson, learner } })));
      for (const answer of opened) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        labs.push(answer.body as LabInfo);
      }
    }
    for (const lab of labs) {
      const answers = await Promise.all(["Alice", "Bob"].map((client) => handshake(origin, lab, client)));
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    // A reload opens the same labs again.
    const again = await send(origin, "POST", "/api/labs", { body: { lesson: "emit", learner: learners[0] } });
    expect(again.status).toBe(200);
  });

  it("counts X-Forwarded-For only from a trusted proxy", async () => {
    running = await startWithProxy(["127.0.0.1"], { labsPerAddressPerMinute: 2 });
    const origin = running.origin;
    const behind = (address: string) => ({ headers: { "x-forwarded-for": address } });
    expect((await openLab(origin, "emit", behind("203.0.113.5"))).status).toBe(201);
    expect((await openLab(origin, "emit", behind("203.0.113.5"))).status).toBe(201);
    expect((await openLab(origin, "emit", behind("203.0.113.5"))).status).toBe(429);
    expect((await openLab(origin, "emit", behind("203.0.113.6"))).status).toBe(201);
    // 127.0.0.2 is no proxy: what it says it forwards for is not believed.
    const untrusted = (address: string) => ({ from: "127.0.0.2", headers: { "x-forwarded-for": address } });
    expect((await openLab(origin, "emit", untrusted("198.51.100.1"))).status).toBe(201);
    expect((await openLab(origin, "emit", untrusted("198.51.100.2"))).status).toBe(201);
    const refused = await openLab(origin, "emit", untrusted("198.51.100.3"));
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/labs/);
  });

  it("caps one address's Scaling labs by their node processes, while another address still opens one", async () => {
    running = await startServer({ maxLabProcesses: 4, labProcessesPerAddressPerMinute: 2 });
    const origin = running.origin;
    expect((await openLab(origin, "scaling")).status).toBe(201);
    const refused = await openLab(origin, "scaling");
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", message: expect.stringMatching(/Scaling/) });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await openLab(origin, "scaling", { from: "127.0.0.2" })).status).toBe(201);
  });

  it("limits run tickets per address with 429 and Retry-After", async () => {
    running = await startServer({ runsPerAddressPerMinute: 3 });
    const origin = running.origin;
    const lab = await createLab(origin, "emit");
    for (let run = 0; run < 3; run += 1) expect((await send(origin, "POST", `/api/labs/${lab.id}/runs`)).status).toBe(201);
    const refused = await send(origin, "POST", `/api/labs/${lab.id}/runs`);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", message: expect.stringMatching(/code runs/) });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await send(origin, "POST", `/api/labs/${lab.id}/runs`, { from: "127.0.0.2" })).status).toBe(201);
  });

  it("limits server-code submissions per address with 429 and Retry-After", async () => {
    running = await startServer({ serverCodePerAddressPerMinute: 2 });
    const origin = running.origin;
    const lab = await createLab(origin, "emit");
    // Code that does not compile costs a compile all the same.
    const submit = (from?: string) => send(origin, "PUT", `/api/labs/${lab.id}/server-code`, { body: { code: "export default (" }, from });
    expect((await submit()).status).toBe(400);
    expect((await submit()).status).toBe(400);
    const refused = await submit();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", message: expect.stringMatching(/server code/) });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await submit("127.0.0.2")).status).toBe(400);
  });

  it("limits new client names in a lab per address; known names still connect", async () => {
    running = await startServer({ linksPerAddressPerMinute: 2 });
    const origin = running.origin;
    const lab = await createLab(origin, "emit");
    const alice = await connectClient(origin, lab, "Alice", "polling");
    const bob = await connectClient(origin, lab, "Bob", "websocket");
    const refused = await handshake(origin, lab, "Carol");
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", message: expect.stringMatching(/client names/) });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // The real client's connect_error says 429, over either transport (the polling answer carries the message too).
    const carol = (transport: "polling" | "websocket") =>
      io(origin, { path: lab.path, forceNew: true, query: { client: "Carol" }, transports: [transport], reconnection: false });
    type ConnectError = Error & { description?: unknown };
    const polling = carol("polling");
    const [pollingError] = await nextEvent<[ConnectError]>(polling, "connect_error");
    expect(pollingError.description).toBe(429);
    polling.close();
    const websocket = carol("websocket");
    const [websocketError] = await nextEvent<[ConnectError]>(websocket, "connect_error");
    expect((websocketError.description as { message?: string } | undefined)?.message).toMatch(/429/);
    websocket.close();
    alice.disconnect();
    expect((await handshake(origin, lab, "Alice")).status).toBe(200);
    bob.disconnect();
  });

  it("limits reconnects (Engine.IO handshakes) per address, over polling and WebSocket", async () => {
    running = await startServer({ handshakesPerAddressPerMinute: 4 });
    const origin = running.origin;
    const lab = await createLab(origin, "emit");
    for (let attempt = 0; attempt < 2; attempt += 1) (await connectClient(origin, lab, "Alice", "polling")).disconnect();
    for (let attempt = 0; attempt < 2; attempt += 1) (await connectClient(origin, lab, "Alice", "websocket")).disconnect();
    const refused = await handshake(origin, lab, "Alice");
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", message: expect.stringMatching(/connections/) });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    const socket = io(origin, {
      path: lab.path,
      forceNew: true,
      query: { client: "Alice" },
      transports: ["websocket"],
      reconnection: false,
    });
    await nextEvent(socket, "connect_error");
    socket.close();
  });

  it("evicts a lab no client ever connected to after its short idle time, and keeps one a client used", async () => {
    running = await startServer({ unconnectedLabIdleMs: 300 });
    const origin = running.origin;
    const used = await createLab(origin, "emit");
    const client = await connectClient(origin, used, "Alice");
    client.disconnect();
    const unused = await createLab(origin, "emit");
    const [evicted] = await nextEvent<[{ id: string }]>(running.playground.labs, "evicted", 5000);
    expect(evicted.id).toBe(unused.id);
    expect((await send(origin, "GET", `/api/labs/${unused.id}`)).status).toBe(404);
    expect((await send(origin, "GET", `/api/labs/${used.id}`)).status).toBe(200);
  });
});
