import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { createLab, startServer } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

/** fetch will not send a Host of our choosing; node:http will. */
function send(path: string, headers: Record<string, string>, method = "GET", body?: string): Promise<{ status: number; text: string }> {
  const { port } = new URL(running.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("DNS rebinding: a request naming another host is refused", () => {
  it("refuses the control API, a lab and the pages under Host: evil.example, even with a matching Origin", async () => {
    const { port } = new URL(running.origin);
    const lab = await createLab(running.origin, "why-websocket");
    // A page of evil.example, whose name now resolves to 127.0.0.1: same-origin, as far as the browser knows.
    const rebound = { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, "content-type": "application/json" };
    const opened = await send("/api/labs", rebound, "POST", JSON.stringify({ lesson: "emit", learner: "rebinding-learner-0001" }));
    expect(opened.status).toBe(421);
    expect(JSON.parse(opened.text)).toMatchObject({ error: { code: "host_not_allowed" } });
    for (const path of [`/api/labs/${lab.id}`, `${lab.path}/?EIO=4&transport=polling&client=Mallory`, `${lab.httpPath}/tick`, "/"]) {
      expect((await send(path, rebound)).status, path).toBe(421);
    }
    const socket = new WebSocket(`ws://127.0.0.1:${port}${lab.path}/?EIO=4&transport=websocket&client=Mallory`, {
      headers: { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` },
    });
    const status = await new Promise<number>((resolve) => {
      socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.once("open", () => resolve(101));
      socket.once("error", () => resolve(-1));
    });
    socket.terminate();
    expect(status).toBe(421);
  });

  it("still answers under its own names: 127.0.0.1, localhost and [::1], any port", async () => {
    const { port } = new URL(running.origin);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) {
      expect((await send("/api/health", { Host: host })).status, host).toBe(200);
    }
  });
});
