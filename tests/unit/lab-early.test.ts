import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../support/memory-storage.js";
import { EARLY_LAB_SCRIPT, takeEarlyLab, type EarlyLab } from "../../src/client/lab-early.js";
import { learnerId } from "../../src/client/learner.js";
import { requestLab } from "../../src/client/lab-api.js";

interface Sent {
  url: string;
  init: RequestInit;
}

/** Runs the early script as a page's <head> would, with `data-lesson` on its element. */
function runEarlyScript(storage: Storage, lesson: string | undefined) {
  const sent: Sent[] = [];
  const window: { __earlyLab?: EarlyLab } = {};
  const fetch = (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return Promise.resolve(new Response("{}"));
  };
  runInNewContext(EARLY_LAB_SCRIPT, {
    window,
    document: { currentScript: { dataset: lesson === undefined ? {} : { lesson } } },
    localStorage: storage,
    crypto,
    fetch,
    JSON,
  });
  return { sent, window };
}

/** What requestLab (the module's own POST) sends, caught the same way. */
async function moduleRequest(lesson: string, learner: string): Promise<Sent> {
  const original = globalThis.fetch;
  let sent: Sent | undefined;
  globalThis.fetch = ((url: string, init: RequestInit) => {
    sent = { url, init };
    return Promise.resolve(new Response("{}"));
  }) as typeof fetch;
  try {
    await requestLab(lesson, learner);
  } finally {
    globalThis.fetch = original;
  }
  return sent!;
}

describe("the lesson page's early lab request", () => {
  it("sends the same POST /api/labs as the lab's module, for the learner id learnerId() then reads", async () => {
    const storage = new MemoryStorage();
    const { sent, window } = runEarlyScript(storage, "emit");
    const learner = learnerId(storage);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual(await moduleRequest("emit", learner));
    expect(window.__earlyLab).toMatchObject({ lesson: "emit", learner });
  });

  it("keeps a learner id already stored, and replaces a malformed one as learnerId() does", () => {
    const kept = new MemoryStorage();
    kept.setItem("playground:learner", "abcdefghijklmnop-1234");
    expect(runEarlyScript(kept, "acks").window.__earlyLab?.learner).toBe("abcdefghijklmnop-1234");

    const malformed = new MemoryStorage();
    malformed.setItem("playground:learner", "short");
    const made = runEarlyScript(malformed, "acks").window.__earlyLab?.learner;
    expect(made).not.toBe("short");
    expect(learnerId(malformed)).toBe(made);
  });

  it("sends nothing without a lesson, and throws nothing when storage refuses", () => {
    expect(runEarlyScript(new MemoryStorage(), undefined).sent).toEqual([]);
    const full = new MemoryStorage(0);
    expect(() => runEarlyScript(full, "emit")).not.toThrow();
  });

  it("is taken once, and only for its own lesson and learner", () => {
    const response = Promise.resolve(new Response("{}"));
    const scope: { __earlyLab?: EarlyLab } = { __earlyLab: { lesson: "emit", learner: "l".repeat(16), response } };
    expect(takeEarlyLab("acks", "l".repeat(16), scope)).toBeUndefined();
    expect(takeEarlyLab("emit", "m".repeat(16), scope)).toBeUndefined();
    expect(takeEarlyLab("emit", "l".repeat(16), scope)).toBe(response);
    expect(takeEarlyLab("emit", "l".repeat(16), scope)).toBeUndefined();
  });
});
