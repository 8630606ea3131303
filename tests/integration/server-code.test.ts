import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { connectClient, createLab, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function putCode(lab: LabInfo, code: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${running.origin}/api/labs/${lab.id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const RELAY = `
import type { Server } from "socket.io";
export default (io: Server, { log }: { log(m: string): void }) => {
  io.on("connection", (socket) => {
    socket.on("editing", (text: string) => {
      log("learner relays " + text);
      socket.broadcast.emit("editing", text.toUpperCase());
    });
    socket.on("sum", (a: number, b: number, ack: (n: number) => void) => ack(a + b));
  });
};
`;

describe("a learner's server code on the lab", () => {
  it("runs in place of the lesson's handlers: a relay the learner wrote reaches Bob", async () => {
    const lab = await createLab(running.origin, "emit");
    const put = await putCode(lab, RELAY);
    expect(put.status).toBe(200);
    expect(put.body.serverCode).toBe("learner");
    const alice = await connectClient(running.origin, lab, "Alice");
    const bob = await connectClient(running.origin, lab, "Bob");
    const arrived = nextEvent(bob, "editing");
    const logged = waitForLogEntry(running.origin, lab, (e) => e.kind === "log" && e.message === "learner relays hi");
    alice.emit("editing", "hi");
    expect(await arrived).toEqual(["HI"]);
    await logged;
    expect(await alice.timeout(2000).emitWithAck("sum", 2, 3)).toBe(5);
    alice.disconnect();
    bob.disconnect();
  });

  it("answers 400 compile_error with the learner's line when the code does not parse", async () => {
    const lab = await createLab(running.origin, "emit");
    const put = await putCode(lab, "export default (io) => {\n  io.on(\n}");
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ error: { code: "compile_error" } });
    expect((put.body.errors as { line: number }[])[0]?.line).toBe(3);
  });

  it("GET says what runs, and DELETE goes back to the lesson's code", async () => {
    const lab = await createLab(running.origin, "emit");
    const get = async () =>
      (await fetch(`${running.origin}/api/labs/${lab.id}/server-code`)).json() as Promise<{ source: string; code: string }>;
    const lesson = await get();
    expect(lesson.source).toBe("lesson");
    expect(lesson.code).toBe(readFileSync("src/lessons/emit/server.ts", "utf8"));
    await putCode(lab, RELAY);
    expect(await get()).toEqual({ source: "learner", code: RELAY });
    const back = await fetch(`${running.origin}/api/labs/${lab.id}/server-code`, { method: "DELETE" });
    expect(((await back.json()) as LabInfo).serverCode).toBe("lesson");
    expect((await get()).source).toBe("lesson");
  });

  it("stops a handler that spins, logs the limit and the learner's line, and goes back to the lesson's code", async () => {
    const lab = await createLab(running.origin, "emit");
    await putCode(
      lab,
      `export default (io) => {\n  io.on("connection", (socket) => {\n    socket.on("editing", () => {\n      while (true) {}\n    });\n  });\n};\n`,
    );
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", { reconnection: true });
    const stopped = waitForLogEntry(
      running.origin,
      lab,
      (e) => e.kind === "log" && e.message.startsWith("Your server code was stopped"),
      5000,
    );
    alice.emit("editing", "spin");
    const entry = await stopped;
    // QuickJS places an interrupted loop at the function it runs in: the handler on line 3.
    expect(entry.kind === "log" && entry.message).toContain("server.ts:3:");
    expect(entry.kind === "log" && entry.message).toContain("cpu-per-call");
    await expect
      .poll(async () => ((await (await fetch(`${running.origin}/api/labs/${lab.id}`)).json()) as LabInfo).serverCode)
      .toBe("lesson");
    alice.disconnect();
  });
});
