import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { arrives } from "../support/chat-lines.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry, waitForSnapshot } from "../support/server.js";

let running: RunningPlayground;
const sockets: Socket[] = [];

beforeAll(async () => {
  // One test address opens a Scaling lab per test: more than a visitor's quota of node processes a minute.
  running = await startServer({ labProcessesPerAddressPerMinute: 1000, maxLabProcessesPerAddress: 1000 });
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(() => running.close());

/** A client of the Scaling lab on one node's path (or the balancer's), through the playground's one port. */
async function connectTo(lab: LabInfo, name: string, where: string, transport: "websocket" | "polling" = "websocket"): Promise<Socket> {
  const scaling = lab.scaling;
  if (!scaling) throw new Error("not a Scaling lab");
  const path = where === "balancer" ? scaling.balancerPath : scaling.nodes.find((node) => node.name === where)?.path;
  const socket = await connectClient(running.origin, { ...lab, path: path ?? "" }, name, transport);
  sockets.push(socket);
  return socket;
}

describe("the Scaling lab in the playground", () => {
  it("describes its nodes and balancer, and routes a client to the node whose path it uses", async () => {
    const lab = await createLab(running.origin, "scaling");
    expect(lab.scaling).toMatchObject({
      nodes: [
        { name: "A", path: `/labs/${lab.id}/nodes/A/socket.io` },
        { name: "B", path: `/labs/${lab.id}/nodes/B/socket.io` },
      ],
      balancerPath: `/labs/${lab.id}/lb/socket.io`,
      adapter: "none",
      routing: "round-robin",
      recovery: false,
      redis: inject("redisUrl") !== "",
    });
    await connectTo(lab, "Alice", "A");
    await connectTo(lab, "Bob", "B");
    const snapshot = await waitForSnapshot(running.origin, lab, (s) => s.sockets.length === 2, 5000);
    expect(snapshot.sockets.map(({ client, node }) => ({ client, node }))).toEqual([
      { client: "Alice", node: "A" },
      { client: "Bob", node: "B" },
    ]);
  });

  it("without an adapter io.emit stays on node A; after switching to the cluster adapter it reaches Bob on node B", async () => {
    const lab = await createLab(running.origin, "scaling");
    let alice = await connectTo(lab, "Alice", "A");
    let bob = await connectTo(lab, "Bob", "B");
    const bobGetsHi = arrives(bob, "hi", 1500);
    await alice.emitWithAck("chat", "hi");
    expect(await bobGetsHi).toBe(false);

    const info = (await fault(running.origin, lab, "/nodes", "PUT", { adapter: "cluster" })) as LabInfo;
    expect(info.scaling?.adapter).toBe("cluster");
    await waitForLogEntry(
      running.origin,
      lab,
      (entry) => entry.kind === "log" && entry.message.startsWith("Nodes A and B started: the cluster adapter"),
      10_000,
    );
    alice = await connectTo(lab, "Alice", "A");
    bob = await connectTo(lab, "Bob", "B");
    const bobGetsHello = arrives(bob, "hello", 5000);
    expect(await alice.emitWithAck("chat", "hello")).toEqual({ node: "A" });
    expect(await bobGetsHello).toBe(true);
  });

  it("refuses an unknown adapter or setting with a clear error", async () => {
    const lab = await createLab(running.origin, "scaling");
    await expect(fault(running.origin, lab, "/nodes", "PUT", { adapter: "memory" })).rejects.toThrow(
      /400.*adapter\W+ is one of none, cluster, redis-streams/,
    );
    await expect(fault(running.origin, lab, "/nodes", "PUT", { workers: 4 })).rejects.toThrow(/400.*no setting called \W+workers/);
    const emit = await createLab(running.origin, "emit");
    await expect(fault(running.origin, emit, "/nodes", "PUT", { adapter: "cluster" })).rejects.toThrow(/400.*no server nodes/);
  });

  it("applies the lab's network faults to a node's client: Offline cuts Bob, and his node logs the disconnect", async () => {
    const lab = await createLab(running.origin, "scaling");
    const bob = await connectTo(lab, "Bob", "B");
    const disconnected = nextEvent(bob, "disconnect", 5000);
    await fault(running.origin, lab, "/clients/Bob/link", "PUT", { offline: true });
    await disconnected;
    await waitForLogEntry(
      running.origin,
      lab,
      (entry) => entry.kind === "disconnect" && entry.client === "Bob" && entry.node === "B",
      8000,
    );
  });

  it("refuses a cross-site page's connection to a node, as it does for every lab", async () => {
    const lab = await createLab(running.origin, "scaling");
    const path = lab.scaling?.nodes[0]?.path ?? "";
    const answer = await fetch(`${running.origin}${path}/?EIO=4&transport=polling&client=Mallory`, {
      headers: { Origin: "https://evil.example" },
    });
    expect(answer.status).toBe(403);
    await expect(
      connectClient(running.origin, { ...lab, path }, "Mallory", "websocket", { extraHeaders: { Origin: "https://evil.example" } }),
    ).rejects.toThrow();
  });

  it("Kick disconnects the client on whichever node holds it", async () => {
    const lab = await createLab(running.origin, "scaling");
    const alice = await connectTo(lab, "Alice", "A");
    await waitForSnapshot(running.origin, lab, (s) => s.sockets.length === 1, 5000);
    const disconnected = nextEvent<[string]>(alice, "disconnect", 5000);
    expect(await fault(running.origin, lab, "/clients/Alice/kick", "POST")).toEqual({ kicked: 1 });
    expect((await disconnected)[0]).toBe("io server disconnect");
  });
});

/** The Scaling node processes this test process has started and that are still running. */
function nodeProcesses(): number {
  const out = execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((line) => line.includes("scaling-node")).length;
}

describe("a Scaling lab's restarts", () => {
  it("three restarts at once leave exactly one pair of nodes, and closing the lab leaves none", async () => {
    const before = nodeProcesses();
    const lab = await createLab(running.origin, "scaling");
    await connectTo(lab, "Alice", "A");
    const restart = () => fetch(`${running.origin}/api/labs/${lab.id}/restart`, { method: "POST" });
    const answers = await Promise.all([restart(), restart(), restart()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(nodeProcesses() - before).toBe(2);
    await fetch(`${running.origin}/api/labs/${lab.id}`, { method: "DELETE" });
    await expect.poll(() => nodeProcesses() - before, { timeout: 5000 }).toBe(0);
  });

  it("survives a WebSocket upgrade that is reset while the nodes restart", async () => {
    const lab = await createLab(running.origin, "scaling");
    const restarted = fetch(`${running.origin}/api/labs/${lab.id}/restart`, { method: "POST" });
    await waitForLogEntry(running.origin, lab, (entry) => entry.kind === "fault" && entry.message.startsWith("Restart server"));
    const { port } = new URL(running.origin);
    const raw = connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => raw.once("connect", () => resolve()));
    // Reset only once the server holds the upgrade, waiting for the new nodes.
    const received = new Promise<void>((resolve) => running.server.once("upgrade", () => resolve()));
    raw.write(
      `GET ${lab.scaling?.balancerPath}/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await received;
    raw.resetAndDestroy();
    expect((await restarted).status).toBe(200);
    // Still up, and the lab still answers.
    await connectTo(lab, "Alice", "balancer");
  });
});

describe("a Scaling lab's limits", () => {
  it("caps the node processes: past the cap a Scaling lab answers 503 process_limit, while other lessons still open", async () => {
    const small = await startServer({ maxLabProcesses: 3 });
    try {
      await createLab(small.origin, "scaling");
      const refused = await fetch(`${small.origin}/api/labs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ lesson: "scaling", learner: "another-learner-0123456789" }),
      });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: "process_limit" } });
      await createLab(small.origin, "emit");
    } finally {
      await small.close();
    }
  });

  it("caps the rooms a node holds: a join past the cap is refused with a lab:error saying why", async () => {
    const small = await startServer({ maxRoomsPerLab: 2 });
    try {
      const lab = await createLab(small.origin, "scaling");
      const path = lab.scaling?.nodes[0]?.path ?? "";
      const alice = await connectClient(small.origin, { ...lab, path }, "Alice");
      sockets.push(alice);
      for (const room of ["one", "two"]) expect(await alice.emitWithAck("join", room)).toContain(room);
      const refused = nextEvent<[{ code: string; message: string }]>(alice, "lab:error", 5000);
      expect(await alice.emitWithAck("join", "three")).not.toContain("three");
      expect((await refused)[0]).toEqual({
        code: "too_many_rooms",
        message: "Node A already has 2 rooms, the most a node allows. Leave or empty a room first.",
      });
    } finally {
      for (const socket of sockets.splice(0)) socket.disconnect();
      await small.close();
    }
  });
});
