import { runInNewContext } from "node:vm";
import { describe, expect, it, vi } from "vitest";
import { MemoryStorage } from "../support/memory-storage.js";
import { EARLY_LAB_SCRIPT, takeEarlyLab, type EarlyLab } from "../../src/client/lab-early.js";
import { learnerId } from "../../src/client/learner.js";
import { requestLab } from "../../src/client/lab-api.js";

interface Sent {
  url: string;
  init: RequestInit;
}

/** Runs the early script as a page's <head> would, with `data-lesson` on its element; the server answers `answer`. */
function runEarlyScript(
  storage: Storage,
  lesson: string | undefined,
  answer: () => Promise<Response> = () => Promise.resolve(new Response("{}")),
) {
  const sent: Sent[] = [];
  const window: { __earlyLab?: EarlyLab } = {};
  const fetch = (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return answer();
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

  it("reads the answer's JSON as soon as it arrives, and leaves the response readable", async () => {
    const lab = { id: "lab-1", path: "/labs/lab-1/socket.io" };
    const { window } = runEarlyScript(new MemoryStorage(), "emit", () => Promise.resolve(Response.json(lab)));
    const early = window.__earlyLab!;
    await vi.waitFor(() => expect(early.body).toEqual(lab));
    expect(await (await early.response).json()).toEqual(lab);
  });

  it("leaves no body, and no unhandled rejection, when the request fails", async () => {
    const failed = Promise.reject(new TypeError("Failed to fetch"));
    const { window } = runEarlyScript(new MemoryStorage(), "emit", () => failed);
    await expect(window.__earlyLab!.response).rejects.toThrow("Failed to fetch");
    expect(window.__earlyLab!.body).toBeUndefined();
  });

  it("is taken once, and only for its own lesson and learner", () => {
    const response = Promise.resolve(new Response("{}"));
    const scope: { __earlyLab?: EarlyLab } = { __earlyLab: { lesson: "emit", learner: "l".repeat(16), response } };
    expect(takeEarlyLab("acks", "l".repeat(16), scope)).toBeUndefined();
    expect(takeEarlyLab("emit", "m".repeat(16), scope)).toBeUndefined();
    expect(takeEarlyLab("emit", "l".repeat(16), scope)?.response).toBe(response);
    expect(takeEarlyLab("emit", "l".repeat(16), scope)).toBeUndefined();
  });
});
