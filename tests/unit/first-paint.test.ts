import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { afterFirstPaint } from "../../src/client/first-paint.js";

/** A page's paint timing, driven by the test: `paint()` delivers its first-contentful-paint entry. */
function stubPage({ painted = false, hidden = false } = {}) {
  const observers: ((list: { getEntriesByName(name: string): unknown[] }) => void)[] = [];
  let entries = painted ? [{ name: "first-contentful-paint" }] : [];
  vi.stubGlobal("document", { visibilityState: hidden ? "hidden" : "visible" });
  vi.stubGlobal("performance", { getEntriesByName: (name: string) => entries.filter((entry) => entry.name === name) });
  vi.stubGlobal(
    "PerformanceObserver",
    class {
      constructor(callback: (typeof observers)[number]) {
        observers.push(callback);
      }
      observe() {}
      disconnect() {}
    },
  );
  return {
    paint() {
      entries = [{ name: "first-contentful-paint" }];
      for (const callback of observers) callback({ getEntriesByName: (name) => entries.filter((entry) => entry.name === name) });
    },
  };
}

/** Whether the promise has settled after the microtasks queued so far. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("afterFirstPaint", () => {
  it("resolves at once on a page that has painted already", async () => {
    stubPage({ painted: true });
    expect(await settled(afterFirstPaint({ timeoutMs: 3000 }))).toBe(true);
  });

  it("resolves at once on a page in a background tab, which draws nothing until shown", async () => {
    stubPage({ hidden: true });
    expect(await settled(afterFirstPaint({ timeoutMs: 3000 }))).toBe(true);
  });

  it("waits for the first contentful paint, and resolves when it comes", async () => {
    const page = stubPage();
    const waiting = afterFirstPaint({ timeoutMs: 3000 });
    vi.advanceTimersByTime(2999);
    expect(await settled(waiting)).toBe(false);
    page.paint();
    expect(await settled(waiting)).toBe(true);
  });

  it("stops waiting when its cut calls back first", async () => {
    stubPage();
    let cut: () => void = () => undefined;
    const waiting = afterFirstPaint({ cut: (go) => (cut = go), timeoutMs: 3000 });
    expect(await settled(waiting)).toBe(false);
    cut();
    expect(await settled(waiting)).toBe(true);
  });

  it("gives up after its time limit on a page that never paints", async () => {
    stubPage();
    const waiting = afterFirstPaint({ timeoutMs: 3000 });
    vi.advanceTimersByTime(3000);
    expect(await settled(waiting)).toBe(true);
  });
});
