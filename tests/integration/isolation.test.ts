import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { connectClient, createLab, newLearner, nextEvent, startServer, waitForSnapshot } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

describe("one learner's lab is out of another learner's reach", () => {
  it("gives two learners of the same lesson two labs, and each inspector feed shows only its own clients", async () => {
    const labA = await createLab(running.origin, "rooms", newLearner());
    const labB = await createLab(running.origin, "rooms", newLearner());
    expect(labB.id).not.toBe(labA.id);
    expect(labA.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const alice = await connectClient(running.origin, labA, "Alice");
    const mallory = await connectClient(running.origin, labB, "Mallory");
    const seenByB = await waitForSnapshot(running.origin, labB, (snapshot) => snapshot.sockets.length === 1);
    expect(seenByB.sockets.map((socket) => socket.client)).toEqual(["Mallory"]);
    expect(JSON.stringify(seenByB)).not.toContain(alice.id ?? "?");
    expect(JSON.stringify(seenByB)).not.toContain(labA.id);
    alice.disconnect();
    mallory.disconnect();
  });

  it("refuses another site's page on both transports, even with the right lab id", async () => {
    const lab = await createLab(running.origin);
    const polling = await fetch(`${running.origin}${lab.path}/?EIO=4&transport=polling&client=Mallory`, {
      headers: { Origin: "https://evil.example" },
    });
    expect(polling.status).toBe(403);
    const websocket = io(running.origin, {
      path: lab.path,
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
      extraHeaders: { Origin: "https://evil.example" },
    });
    await nextEvent(websocket, "connect_error");
    expect(websocket.connected).toBe(false);
    websocket.disconnect();
  });

  it("refuses another site's page on the control API: no faults, restarts or log reads on someone's lab", async () => {
    const lab = await createLab(running.origin);
    const headers = { Origin: "https://evil.example" };
    for (const [path, method] of [
      [`/api/labs/${lab.id}`, "GET"],
      [`/api/labs/${lab.id}/log`, "GET"],
      [`/api/labs/${lab.id}/inspect`, "GET"],
      [`/api/labs/${lab.id}/restart`, "POST"],
      [`/api/labs/${lab.id}`, "DELETE"],
    ] as const) {
      const response = await fetch(`${running.origin}${path}`, { method, headers });
      expect(response.status, `${method} ${path}`).toBe(403);
      await response.arrayBuffer();
    }
  });

  it("refuses another site's no-cors requests, which carry no Origin but say where they come from", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    // What Chromium sends for <img src> or <script src> on another site's page.
    const headers = { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script" };
    for (const path of [
      `${lab.httpPath}/tick?client=Mallory`,
      `${lab.path}/?EIO=4&transport=polling&client=Mallory`,
      `/api/labs/${lab.id}`,
      `/api/labs/${lab.id}/inspect`,
    ]) {
      const response = await fetch(`${running.origin}${path}`, { headers });
      expect(response.status, path).toBe(403);
      await response.arrayBuffer();
    }
    const sameSite = await fetch(`${running.origin}${lab.httpPath}/tick`, { headers: { "Sec-Fetch-Site": "same-site" } });
    expect(sameSite.status).toBe(403);
    await sameSite.arrayBuffer();
  });

  it("still answers Node clients (no Origin, no Fetch Metadata) and this site's own pages", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    const cases: Record<string, string>[] = [
      {},
      { "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors" },
      { "Sec-Fetch-Site": "none" },
    ];
    for (const headers of cases) {
      const route = await fetch(`${running.origin}${lab.httpPath}/tick`, { headers });
      expect(route.status, JSON.stringify(headers)).toBe(200);
      await route.arrayBuffer();
      const api = await fetch(`${running.origin}/api/labs/${lab.id}`, { headers });
      expect(api.status, JSON.stringify(headers)).toBe(200);
      await api.arrayBuffer();
    }
    const client = await connectClient(running.origin, lab, "Node", "polling");
    client.disconnect();
  });
});
