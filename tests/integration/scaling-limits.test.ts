import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { defaultLimits } from "../../src/server/config.js";
import { connectClient, createLab, newLearner, startServer, waitForLogEntry, waitForSnapshot } from "../support/server.js";

let running: RunningPlayground | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await running?.close();
  running = undefined;
});

interface Answer {
  status: number;
  body: { error?: { code: string; message: string } } & Partial<LabInfo>;
}

/** One control API request from a chosen local address (127.0.0.2 is another visitor on Linux loopback). */
function send(origin: string, method: string, path: string, from = "127.0.0.1", body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, localAddress: from, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, body: (raw.startsWith("{") ? JSON.parse(raw) : {}) as Answer["body"] });
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? "" : JSON.stringify(body));
  });
}

const openScaling = (origin: string, from?: string) =>
  send(origin, "POST", "/api/labs", from, { lesson: "scaling", learner: newLearner() });

/** A client of a Scaling lab on one node's path. */
async function connectToNode(origin: string, lab: LabInfo, name: string, node: string): Promise<Socket> {
  const path = lab.scaling?.nodes.find((each) => each.name === node)?.path ?? "";
  const socket = await connectClient(origin, { ...lab, path }, name);
  sockets.push(socket);
  return socket;
}

describe("the Scaling lab processes one address holds at once", () => {
  it("are capped: past the cap a new Scaling lab answers 429, another address still opens one, and closing a lab frees its processes", async () => {
    // The per-minute quota and the server's own cap are out of the way: only the cap per address is left.
    running = await startServer({ maxLabProcesses: 20, labProcessesPerAddressPerMinute: 1000, maxLabProcessesPerAddress: 4 });
    const origin = running.origin;
    const first = await openScaling(origin);
    const second = await openScaling(origin);
    expect([first.status, second.status]).toEqual([201, 201]);
    // An address that keeps asking, as a script minting learner ids would.
    const refusals = await Promise.all(Array.from({ length: 5 }, () => openScaling(origin)));
    for (const refused of refusals) {
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: "address_process_limit", message: expect.stringMatching(/Scaling lab/) });
    }
    expect(running.playground.labs.processes).toBe(4);
    // Another visitor is not held back by the first one's labs.
    expect((await openScaling(origin, "127.0.0.2")).status).toBe(201);
    // Other lessons are not Scaling labs: they still open.
    expect((await send(origin, "POST", "/api/labs", "127.0.0.1", { lesson: "emit", learner: newLearner() })).status).toBe(201);
    // Closing one of its labs gives the address room for one more.
    expect((await send(origin, "DELETE", `/api/labs/${first.body.id}`)).status).toBe(204);
    expect((await openScaling(origin)).status).toBe(201);
    expect((await openScaling(origin)).status).toBe(429);
  });

  it("frees an evicted lab's processes for its address", async () => {
    running = await startServer({ labProcessesPerAddressPerMinute: 1000, maxLabProcessesPerAddress: 2, unconnectedLabIdleMs: 60_000 });
    const origin = running.origin;
    expect((await openScaling(origin)).status).toBe(201);
    expect((await openScaling(origin)).status).toBe(429);
    // Nobody connected to it: evicted as soon as its short idle time is over.
    await running.playground.labs.evictIdle(Date.now() + 61_000);
    expect(running.playground.labs.processes).toBe(0);
    expect((await openScaling(origin)).status).toBe(201);
  });
});

describe("a Scaling lab a client has used", () => {
  it("is not evicted as never connected when its client came and went between two idle sweeps", async () => {
    // The sweep runs every 30 s here: the client's whole visit fits between two sweeps.
    running = await startServer({ labProcessesPerAddressPerMinute: 1000, unconnectedLabIdleMs: 60_000 });
    const origin = running.origin;
    const lab = await createLab(origin, "scaling");
    const alice = await connectToNode(origin, lab, "Alice", "A");
    await waitForLogEntry(origin, lab, (entry) => entry.kind === "connect" && entry.client === "Alice", 5000);
    alice.disconnect();
    // The nodes have reported Alice gone: the lab is empty again, as an idle sweep would find it.
    await waitForSnapshot(origin, lab, (snapshot) => snapshot.sockets.length === 0, 5000);
    // Past the unconnected lab's idle time, well within the idle time of a lab that was used.
    await running.playground.labs.evictIdle(Date.now() + 61_000);
    expect(running.playground.labs.get(lab.id), "the lab a client used was evicted as never connected").toBeDefined();
    // A lab nobody connected to is still evicted then.
    const unused = await createLab(origin, "scaling");
    await running.playground.labs.evictIdle(Date.now() + 61_000);
    expect(running.playground.labs.get(unused.id)).toBeUndefined();
  });
});

/**
 * Mallory on each of `nodes` at once, each socket paced to `perNode` events a second for `windowMs`; a socket
 * that is cut off reconnects and carries on where its schedule is. Counts the events the nodes handled (each
 * node's io.emit reaches its own clients without an adapter: one watcher per node sees them).
 */
async function floodNodes(origin: string, lab: LabInfo, nodes: string[], perNode: number, windowMs: number) {
  const watchers = await Promise.all(["A", "B"].map((node) => connectToNode(origin, lab, `Watch${node}`, node)));
  let handled = 0;
  for (const watcher of watchers)
    watcher.on("chat", (line: { from: string }) => {
      if (line.from === "Mallory") handled += 1;
    });
  const began = Date.now();
  const until = began + windowMs;
  let connections = 0;
  async function flood(node: string): Promise<void> {
    let sent = 0;
    while (Date.now() < until) {
      let socket: Socket;
      try {
        socket = await connectToNode(origin, lab, "Mallory", node);
      } catch {
        continue;
      }
      connections += 1;
      while (socket.connected && Date.now() < until) {
        const due = began + (sent * 1000) / perNode;
        if (Date.now() < due) {
          // Pacing the sender, not waiting for the server: the next event is due then.
          await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
          continue;
        }
        socket.emit("chat", `spam ${node} ${sent}`);
        sent += 1;
      }
      socket.disconnect();
    }
  }
  await Promise.all(nodes.map((node) => flood(node)));
  const seconds = (Date.now() - began) / 1000;
  // Whatever was on its way has arrived once each watcher's own round trip to its node comes back.
  for (const watcher of watchers) await watcher.timeout(3000).emitWithAck("chat", "done");
  return { handled, seconds, connections };
}

describe("the events-per-second budget of a Scaling lab", () => {
  const rate = defaultLimits.maxEventsPerSecond;
  // Each node alone lets this through for ever: it is within its own budget.
  const perNode = rate * 0.96;

  it(
    "is the lab's, not each node's: a client sending just under the limit to each node at once is held to about the limit",
    { timeout: 30_000 },
    async () => {
      running = await startServer({ labProcessesPerAddressPerMinute: 1000 });
      const lab = await createLab(running.origin, "scaling");
      const { handled, seconds, connections } = await floodNodes(running.origin, lab, ["A", "B"], perNode, 6000);
      console.log(
        `two nodes at ${perNode} events/s each: ${Math.round(handled / seconds)} events/s handled, ${connections} connections (limit ${rate})`,
      );
      // One bucket's burst plus the refill over the window, with some slack: not one budget per node.
      expect(handled).toBeLessThanOrEqual(rate * (seconds + 1) * 1.25);
    },
  );

  it("lets a client within the limit on one node carry on: its node's late reports put it in no debt", { timeout: 30_000 }, async () => {
    running = await startServer({ labProcessesPerAddressPerMinute: 1000 });
    const lab = await createLab(running.origin, "scaling");
    const { handled, seconds, connections } = await floodNodes(running.origin, lab, ["A"], perNode, 4000);
    console.log(`one node at ${perNode} events/s: ${Math.round(handled / seconds)} events/s handled, ${connections} connections`);
    expect(connections, "the client within its budget was cut off").toBe(1);
    expect(handled).toBeGreaterThanOrEqual(perNode * seconds * 0.9);
  });
});
