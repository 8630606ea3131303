import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { createLab, nextEvent, startServer } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function ticketFor(lab: LabInfo): Promise<{ ticket: string; client: string }> {
  const response = await fetch(`${running.origin}/api/labs/${lab.id}/runs`, { method: "POST" });
  expect(response.status).toBe(201);
  return (await response.json()) as { ticket: string; client: string };
}

/** A client as a sandboxed page makes it: its requests say `Origin: null`. */
function sandboxed(lab: LabInfo, transport: "websocket" | "polling", query: Record<string, string>) {
  return io(running.origin, {
    path: lab.path,
    forceNew: true,
    reconnection: false,
    transports: [transport],
    query,
    extraHeaders: { Origin: "null" },
  });
}

describe("code runs from the sandbox (Origin: null)", () => {
  for (const transport of ["websocket", "polling"] as const) {
    it(`admits a sandboxed client with a run ticket, as the client "Code" (${transport})`, async () => {
      const lab = await createLab(running.origin);
      const { ticket, client } = await ticketFor(lab);
      expect(client).toBe("Code");
      const socket = sandboxed(lab, transport, { client, ticket });
      await nextEvent(socket, "connect");
      expect(await socket.timeout(2000).emitWithAck("hello")).toEqual({ status: "ok" });
      socket.disconnect();
    });

    it(`refuses a sandboxed client without a valid ticket (${transport})`, async () => {
      const lab = await createLab(running.origin);
      const queries: Record<string, string>[] = [{ client: "Code" }, { client: "Code", ticket: "made-up-ticket" }];
      for (const query of queries) {
        const socket = sandboxed(lab, transport, query);
        const [error] = await nextEvent<[Error]>(socket, "connect_error");
        expect(error).toBeInstanceOf(Error);
        expect(socket.connected).toBe(false);
        socket.disconnect();
      }
    });
  }

  it("never shows a run's ticket in the handshake it keeps", async () => {
    const lab = await createLab(running.origin);
    const { ticket, client } = await ticketFor(lab);
    const socket = sandboxed(lab, "websocket", { client, ticket });
    await nextEvent(socket, "connect");
    const snapshot = (await (await fetch(`${running.origin}/api/labs/${lab.id}/inspect`)).json()) as {
      links: { client: string; handshake?: { request: string[] } }[];
    };
    const handshake = snapshot.links.find((link) => link.client === "Code")?.handshake;
    expect(handshake?.request[0]).toContain("ticket=(hidden)");
    expect(JSON.stringify(snapshot)).not.toContain(ticket);
    socket.disconnect();
  });

  it("admits a ticket only as the client Code, and no longer once the run gives it back", async () => {
    const lab = await createLab(running.origin);
    const { ticket } = await ticketFor(lab);
    const impostor = sandboxed(lab, "websocket", { client: "Alice", ticket });
    await nextEvent(impostor, "connect_error");
    impostor.disconnect();
    const revoked = await fetch(`${running.origin}/api/labs/${lab.id}/runs/${ticket}`, { method: "DELETE" });
    expect(revoked.status).toBe(204);
    const late = sandboxed(lab, "websocket", { client: "Code", ticket });
    await nextEvent(late, "connect_error");
    late.disconnect();
  });

  it("refuses control API requests from another site's page or a sandbox", async () => {
    const lab = await createLab(running.origin);
    for (const origin of ["null", "https://evil.example"]) {
      for (const [path, method] of [
        ["/api/labs", "POST"],
        [`/api/labs/${lab.id}/restart`, "POST"],
        [`/api/labs/${lab.id}/runs`, "POST"],
        [`/api/labs/${lab.id}/clients/Alice/drop`, "POST"],
      ] as const) {
        const response = await fetch(`${running.origin}${path}`, {
          method,
          headers: { Origin: origin, "content-type": "text/plain" },
          body: "{}",
        });
        expect(response.status, `${origin} ${method} ${path}`).toBe(403);
        expect(await response.json()).toMatchObject({ error: { code: "cross_origin" } });
      }
    }
    // The site's own pages send their own origin, and scripts send none.
    const own = await fetch(`${running.origin}/api/labs/${lab.id}/runs`, { method: "POST", headers: { Origin: running.origin } });
    expect(own.status).toBe(201);
  });

  it("does not let one lab's ticket into another lab", async () => {
    const lab = await createLab(running.origin);
    const other = await createLab(running.origin);
    const { ticket } = await ticketFor(lab);
    const socket = sandboxed(other, "websocket", { client: "Code", ticket });
    await nextEvent(socket, "connect_error");
    socket.disconnect();
  });

  it("lets a ticketed sandbox read polling answers (CORS for the null origin), and no one else", async () => {
    const lab = await createLab(running.origin);
    const { ticket } = await ticketFor(lab);
    const url = `${running.origin}${lab.path}/?EIO=4&transport=polling&client=Code&ticket=${ticket}`;
    const admitted = await fetch(url, { headers: { Origin: "null" } });
    expect(admitted.headers.get("access-control-allow-origin")).toBe("null");
    expect(await admitted.text()).toMatch(/^0\{"sid":/);
    const refused = await fetch(`${running.origin}${lab.path}/?EIO=4&transport=polling&client=Code`, { headers: { Origin: "null" } });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(refused.status).toBe(403);
  });

  it("holds at most 16 live tickets per lab and answers 429 beyond", async () => {
    const lab = await createLab(running.origin);
    for (let i = 0; i < 16; i++) await ticketFor(lab);
    const response = await fetch(`${running.origin}/api/labs/${lab.id}/runs`, { method: "POST" });
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ error: { code: "too_many_runs" } });
  });
});
