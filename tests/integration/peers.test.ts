import { fork, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { freePort } from "../../scripts/production-server.mjs";
import { PeerDirectory } from "../../src/server/host/peers.js";
import { connectClient, newLearner, nextEvent, waitForLogEntry } from "../support/server.js";

const redisUrl = inject("redisUrl");

/** One playground process: a real `listen()` in its own Node process, named `nodeId`, on `port`. */
interface Peer {
  origin: string;
  process: ChildProcess;
}

const running = new Set<ChildProcess>();
/** Small enough for a test to reach; the other tests here use a few new client names per address. */
const LINKS_PER_MINUTE = 6;

/** A polling handshake for a new client name, from a chosen local address (127.0.0.2 is another visitor). */
function handshakeFrom(origin: string, lab: LabInfo, client: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${lab.path}/?EIO=4&transport=polling&client=${client}`, { localAddress }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function startPeer(nodeId: string, port: number): Promise<Peer> {
  const child = fork(inject("playgroundEntry"), [], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      REDIS_URL: redisUrl,
      PLAYGROUND_NODE_ID: nodeId,
      PLAYGROUND_SCALING_NODE: inject("scalingNodeEntry"),
      PLAYGROUND_DATA_DIR: mkdtempSync(join(tmpdir(), `playground-${nodeId}-`)),
      // The processes pass requests on to each other over loopback, saying whose they are.
      PLAYGROUND_TRUST_PROXY: "127.0.0.1",
      PLAYGROUND_LINKS_PER_ADDRESS_PER_MINUTE: String(LINKS_PER_MINUTE),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const [message] = await nextEvent<[{ origin: string }]>(child, "message", 10_000);
  return { origin: message.origin, process: child };
}

async function stopPeer(peer: Peer): Promise<void> {
  if (peer.process.exitCode !== null) return;
  const exited = new Promise((resolve) => peer.process.once("exit", resolve));
  peer.process.kill("SIGTERM");
  await exited;
}

async function openLab(origin: string, learner: string, lesson = "emit"): Promise<{ status: number; lab: LabInfo }> {
  const response = await fetch(`${origin}/api/labs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lesson, learner }),
  });
  return { status: response.status, lab: (await response.json()) as LabInfo };
}

describe.skipIf(!redisUrl)("two playground processes sharing one Redis", () => {
  let p1: Peer;
  let p2: Peer;
  let p1Port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    p1Port = await freePort();
    [p1, p2] = await Promise.all([startPeer("p1", p1Port), startPeer("p2", await freePort())]);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([...running].map((child) => stopPeer({ origin: "", process: child })));
  });

  it("a lab lives on the process that made it, and the other process answers for it: control API, polling and WebSocket", async () => {
    const { status, lab } = await openLab(p1.origin, newLearner());
    expect(status).toBe(201);
    expect(lab.id).toMatch(/^p1-/);
    const described = await fetch(`${p2.origin}/api/labs/${lab.id}`);
    expect(described.status).toBe(200);
    expect(((await described.json()) as LabInfo).id).toBe(lab.id);

    for (const [name, transport] of [
      ["Alice", "websocket"],
      ["Bob", "polling"],
    ] as const) {
      sockets.push(await connectClient(p2.origin, lab, name, transport));
      // The log is read through p1, the lab's own process: the connections reached it.
      await waitForLogEntry(p1.origin, lab, (entry) => entry.kind === "connect" && entry.client === name, 5000);
    }
  });

  it("a learner who reaches the other process gets the lab they already have", async () => {
    const learner = newLearner();
    const first = await openLab(p1.origin, learner);
    const again = await openLab(p2.origin, learner);
    expect(again.status).toBe(200);
    expect(again.lab.id).toBe(first.lab.id);
  });

  it("counts a forwarded request against the learner's address, not the forwarding process's", async () => {
    const { lab } = await openLab(p1.origin, newLearner());
    // A visitor at 127.0.0.2 reaches p1's lab through p2 and spends their quota of new client names...
    for (let name = 0; name < LINKS_PER_MINUTE; name += 1) expect(await handshakeFrom(p2.origin, lab, `Far${name}`, "127.0.0.2")).toBe(200);
    expect(await handshakeFrom(p2.origin, lab, "FarMore", "127.0.0.2")).toBe(429);
    // ...which is not the quota of 127.0.0.1, the address p1 sees the forwarded requests come from.
    expect(await handshakeFrom(p1.origin, lab, "Near", "127.0.0.1")).toBe(200);
  });

  it("when the owner restarts its labs are gone with a clear 404, the client sees a disconnect, and the learner's next open makes a fresh lab", async () => {
    const learner = newLearner();
    const { lab } = await openLab(p1.origin, learner);
    const alice = await connectClient(p2.origin, lab, "Alice", "websocket");
    sockets.push(alice);
    const disconnected = nextEvent(alice, "disconnect", 10_000);
    await stopPeer(p1);
    await disconnected;

    // p1 is down: p2 cannot reach the lab, and says so.
    const whileDown = await fetch(`${p2.origin}/api/labs/${lab.id}`);
    expect(whileDown.status).toBe(404);
    expect(await whileDown.json()).toMatchObject({ error: { code: "lab_not_found" } });

    p1 = await startPeer("p1", p1Port);
    const afterRestart = await fetch(`${p2.origin}/api/labs/${lab.id}`);
    expect(afterRestart.status).toBe(404);
    const fresh = await openLab(p2.origin, learner);
    expect(fresh.status).toBe(201);
    expect(fresh.lab.id).not.toBe(lab.id);
    sockets.push(await connectClient(p2.origin, fresh.lab, "Alice", "websocket"));
  });
});

describe("a playground process joining its peers", () => {
  it("stops at start with a clear error when REDIS_URL cannot be reached, instead of retrying for ever", async () => {
    await expect(PeerDirectory.connect({ redisUrl: "redis://127.0.0.1:1", nodeId: "p9" })).rejects.toThrow(
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/,
    );
  });
});
