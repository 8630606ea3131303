import { describe, expect, it } from "vitest";
import { RateLimit } from "../../src/server/lab/rate-limit.js";

describe("RateLimit", () => {
  it("allows a burst of one second's worth of events, then refuses the next", () => {
    const limit = new RateLimit(5, 0);
    const taken = Array.from({ length: 6 }, () => limit.take(0));
    expect(taken).toEqual([true, true, true, true, true, false]);
  });

  it("refills at the rate, so a steady sender at the limit is never refused", () => {
    const limit = new RateLimit(10, 0);
    for (let t = 0; t < 5000; t += 100) expect(limit.take(t)).toBe(true);
  });

  it("never banks more than one second's worth after a long pause", () => {
    const limit = new RateLimit(3, 0);
    const afterPause = Array.from({ length: 4 }, () => limit.take(60_000));
    expect(afterPause).toEqual([true, true, true, false]);
  });
});
