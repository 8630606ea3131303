import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  // One test address opens a Scaling lab per test: more than a visitor's quota of node processes a minute.
  running = await startServer({ labProcessesPerAddressPerMinute: 1000, maxLabProcessesPerAddress: 1000 });
});
afterAll(() => running.close());

function nodeClient(lab: LabInfo, name: string, node: string): Promise<Socket> {
  const path = lab.scaling?.nodes.find((each) => each.name === node)?.path ?? "";
  return connectClient(running.origin, { ...lab, path }, name);
}

async function putCode(lab: LabInfo, code: string): Promise<Response> {
  return fetch(`${running.origin}/api/labs/${lab.id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
}

const WHO_AM_I = `
export default (io, lab) => {
  io.on("connection", (socket) => {
    socket.on("where", (ack) => ack("node " + lab.node));
    socket.on("chat", (text, ack) => { io.emit("chat", lab.node + ": " + text); ack?.("sent"); });
  });
};
`;

describe("a learner's server code on the Scaling lab", () => {
  it("runs on both nodes, each in its own sandbox, and the adapter the learner picks carries it across", { timeout: 40_000 }, async () => {
    const lab = await createLab(running.origin, "scaling");
    expect((await putCode(lab, WHO_AM_I)).status).toBe(200);
    const alice = await nodeClient(lab, "Alice", "A");
    const bob = await nodeClient(lab, "Bob", "B");
    expect(await alice.timeout(3000).emitWithAck("where")).toBe("node A");
    expect(await bob.timeout(3000).emitWithAck("where")).toBe("node B");
    alice.disconnect();
    bob.disconnect();
    // With the cluster adapter, node A's io.emit reaches a client of node B: the learner's code did nothing for it.
    await fault(running.origin, lab, "/nodes", "PUT", { adapter: "cluster" });
    const alice2 = await nodeClient(lab, "Alice", "A");
    const bob2 = await nodeClient(lab, "Bob", "B");
    const atBob = nextEvent(bob2, "chat", 5000);
    await alice2.timeout(3000).emitWithAck("chat", "hi");
    expect(await atBob).toEqual(["A: hi"]);
    alice2.disconnect();
    bob2.disconnect();
  });

  it("goes back to the lesson's code on every node when the code on one of them spins", { timeout: 30_000 }, async () => {
    const lab = await createLab(running.origin, "scaling");
    expect(
      (await putCode(lab, `export default (io) => { io.on("connection", (s) => s.on("spin", () => { while (true) {} })); };`)).status,
    ).toBe(200);
    const alice = await nodeClient(lab, "Alice", "A");
    const stopped = waitForLogEntry(
      running.origin,
      lab,
      (e) => e.kind === "log" && e.message.startsWith("Your server code was stopped"),
      8000,
    );
    alice.emit("spin");
    await stopped;
    await expect
      .poll(async () => ((await (await fetch(`${running.origin}/api/labs/${lab.id}`)).json()) as LabInfo).serverCode, { timeout: 8000 })
      .toBe("lesson");
    alice.disconnect();
  });
});
