import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { startServer } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

/** A client that starts a body, sends part of it slowly, and goes away. */
function abortedBody(): Promise<void> {
  const { port } = new URL(running.origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(
        `POST /api/labs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"les`,
      );
      setTimeout(() => socket.destroy(), 30);
    });
    socket.once("close", () => resolve());
  });
}

describe("the host's log under a flood of aborted bodies", () => {
  it("writes one line, without a stack, however many bodies are cut off", async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      errors.push(args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : String(arg))).join(" "));
    });
    try {
      await Promise.all(Array.from({ length: 20 }, abortedBody));
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      spy.mockRestore();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/POST \/api\/labs: the request body was cut off/);
    expect(errors[0]).not.toContain("\n");
    expect((await fetch(`${running.origin}/api/health`)).status).toBe(200);
  });
});
