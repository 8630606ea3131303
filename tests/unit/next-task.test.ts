import { afterEach, describe, expect, it, vi } from "vitest";
import { nextTask } from "../../src/client/next-task.js";

afterEach(() => vi.unstubAllGlobals());

describe("nextTask", () => {
  it("resolves in a later task, after the current one's microtasks and a timer queued before it", async () => {
    const order: string[] = [];
    setTimeout(() => order.push("earlier timer"), 0);
    const done = nextTask().then(() => order.push("next task"));
    void Promise.resolve().then(() => order.push("microtask"));
    await done;
    expect(order).toEqual(["microtask", "earlier timer", "next task"]);
  });

  it("asks a browser that ranks tasks for a user-blocking one", async () => {
    const postTask = vi.fn((callback: () => void) => Promise.resolve().then(callback));
    vi.stubGlobal("scheduler", { postTask });
    await nextTask();
    expect(postTask).toHaveBeenCalledWith(expect.any(Function), { priority: "user-blocking" });
  });
});
