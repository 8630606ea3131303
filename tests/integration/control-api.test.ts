import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { connectClient, createLab, newLearner, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function post(path: string, body: string) {
  return fetch(`${running.origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
}

describe("control API", () => {
  it("answers the health check with status ok", async () => {
    const response = await fetch(`${running.origin}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("creates a lab for a lesson with an unguessable id and says how to connect to it", async () => {
    const response = await post("/api/labs", JSON.stringify({ lesson: "emit", learner: newLearner() }));
    expect(response.status).toBe(201);
    const lab = await response.json();
    // 128 random bits in base64url are 22 characters.
    expect(lab.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(lab.path).toBe(`/labs/${lab.id}/socket.io`);
    expect(lab.lesson).toBe("emit");
    expect(lab.limits.maxPayloadBytes).toBe(64 * 1024);
    expect(lab.server).toMatchObject({ pingInterval: 3000, pingTimeout: 2000 });
  });

  it("gives the same learner the same lab for a lesson, and another learner a different one", async () => {
    const learner = newLearner();
    const first = await createLab(running.origin, "emit", learner);
    const again = await createLab(running.origin, "emit", learner);
    const other = await createLab(running.origin, "emit", newLearner());
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
  });

  it("describes an existing lab and deletes it", async () => {
    const lab = await createLab(running.origin);
    const info = await fetch(`${running.origin}/api/labs/${lab.id}`);
    expect(await info.json()).toEqual(lab);
    const deleted = await fetch(`${running.origin}/api/labs/${lab.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    const gone = await fetch(`${running.origin}/api/labs/${lab.id}`);
    expect(gone.status).toBe(404);
  });

  it("closing a lab disconnects its clients: server shutting down on the server, transport close on the client", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice");
    const serverSide = waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect");
    const clientSide = nextEvent<[string]>(alice, "disconnect");
    await fetch(`${running.origin}/api/labs/${lab.id}`, { method: "DELETE" });
    expect((await clientSide)[0]).toBe("transport close");
    expect(await serverSide).toMatchObject({ reason: "server shutting down" });
  });

  it("replays only what a reconnecting log reader missed (Last-Event-ID), and ends the stream when the lab closes", async () => {
    const lab = await createLab(running.origin);
    const alice = await connectClient(running.origin, lab, "Alice");
    alice.disconnect();
    await waitForLogEntry(running.origin, lab, (e) => e.kind === "disconnect");
    const response = await fetch(`${running.origin}${lab.logUrl}`, { headers: { "last-event-id": "1" } });
    const reading = response.text();
    await fetch(`${running.origin}/api/labs/${lab.id}`, { method: "DELETE" });
    const text = await reading;
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids[0]).toBe(2);
    expect(text).toContain('"kind":"disconnect"');
  });

  it("refuses a ninth log stream on one lab with 429", async () => {
    const lab = await createLab(running.origin);
    const aborts = Array.from({ length: 8 }, () => new AbortController());
    await Promise.all(aborts.map((abort) => fetch(`${running.origin}${lab.logUrl}`, { signal: abort.signal })));
    const ninth = await fetch(`${running.origin}${lab.logUrl}`);
    expect(ninth.status).toBe(429);
    expect((await ninth.json()).error.code).toBe("too_many_streams");
    aborts.forEach((abort) => abort.abort());
  });

  it("refuses a malformed recovery switch with 400, and answers a valid one with the options now in force", async () => {
    const lab = await createLab(running.origin, "recovery");
    const put = (body: unknown) => fetch(`${running.origin}/api/labs/${lab.id}/recovery`, { method: "PUT", body: JSON.stringify(body) });
    for (const bad of [
      {},
      { enabled: "yes" },
      { enabled: true, maxDisconnectionDuration: 10 },
      { enabled: true, maxDisconnectionDuration: 1.5 },
    ]) {
      const response = await put(bad);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_recovery");
    }
    const on = await put({ enabled: true, maxDisconnectionDuration: 5000 });
    expect((await on.json()).server.connectionStateRecovery).toEqual({ maxDisconnectionDuration: 5000 });
    const off = await put({ enabled: false });
    expect((await off.json()).server.connectionStateRecovery).toBe(false);
  });

  it("answers 400 when the lesson is missing from the request", async () => {
    const response = await post("/api/labs", JSON.stringify({ learner: newLearner() }));
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_lesson");
  });

  it("answers 404 with a JSON error for an unknown lesson", async () => {
    const response = await post("/api/labs", JSON.stringify({ lesson: "no-such-lesson", learner: newLearner() }));
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("lesson_not_found");
  });

  it("answers 404 with a JSON error for an unknown lab, on the API and on the lab's Socket.IO path", async () => {
    const api = await fetch(`${running.origin}/api/labs/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe("lab_not_found");
    const engine = await fetch(`${running.origin}/labs/AAAAAAAAAAAAAAAAAAAAAA/socket.io/?EIO=4&transport=polling`);
    expect(engine.status).toBe(404);
    expect((await engine.json()).error.code).toBe("lab_not_found");
    const log = await fetch(`${running.origin}/api/labs/AAAAAAAAAAAAAAAAAAAAAA/log`);
    expect(log.status).toBe(404);
  });

  it("answers 404 with a JSON error for an unknown API route", async () => {
    const response = await fetch(`${running.origin}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
  });

  it("refuses malformed requests with a clear 4xx error and stays up", async () => {
    const badJson = await post("/api/labs", "{not json");
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.code).toBe("invalid_json");
    const noLearner = await post("/api/labs", JSON.stringify({ lesson: "emit" }));
    expect(noLearner.status).toBe(400);
    expect((await noLearner.json()).error.code).toBe("invalid_learner");
    const huge = await post("/api/labs", JSON.stringify({ lesson: "emit", learner: "x".repeat(10_000) }));
    expect(huge.status).toBe(413);
    const wrongMethod = await fetch(`${running.origin}/api/labs`);
    expect(wrongMethod.status).toBe(405);
    expect((await fetch(`${running.origin}/api/health`)).status).toBe(200);
  });
});
