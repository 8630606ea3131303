import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { connectClient, createLab, fault, startServer } from "../support/server.js";

// A deleted lab must leave nothing behind: soaks create and delete thousands of them.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 20 && ref.deref() !== undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
  }
  return ref.deref() === undefined;
}

describe("a deleted lab", () => {
  for (const lesson of ["emit", "recovery"]) {
    it(`is garbage-collected, restarts and all (${lesson})`, async () => {
      const info = await createLab(running.origin, lesson);
      // Only a weak reference: the test itself must not keep the lab alive.
      const ref = new WeakRef(running.playground.labs.get(info.id) ?? {});
      expect(running.playground.labs.get(info.id)).toBe(ref.deref());
      const alice = await connectClient(running.origin, info, "Alice");
      alice.emit("message", "hello");
      await fault(running.origin, info, "/restart", "POST");
      alice.disconnect();
      const deleted = await fetch(`${running.origin}/api/labs/${info.id}`, { method: "DELETE" });
      expect(deleted.status).toBe(204);
      expect(await collected(ref)).toBe(true);
    });
  }
});
