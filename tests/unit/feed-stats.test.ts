import { describe, expect, it } from "vitest";
import { FeedStats } from "../../src/client/feed/feed-stats.js";

const tick = (n: number, changedAt: number, sentAt: number) => ({ n, changedAt, sentAt });

describe("FeedStats", () => {
  it("measures staleness as sentAt minus changedAt, by the server's clock", () => {
    const stats = new FeedStats();
    expect(stats.add(tick(1, 1000, 1400)).staleMs).toBe(400);
    stats.add(tick(2, 2000, 2200));
    expect(stats.lastStaleMs).toBe(200);
    expect(stats.averageStaleMs).toBe(300);
  });

  it("leaves repeats out of staleness: only a new value is an update", () => {
    const stats = new FeedStats();
    stats.add(tick(1, 1000, 1100));
    stats.add(tick(1, 1000, 1900));
    expect(stats.lastStaleMs).toBe(100);
    expect(stats.averageStaleMs).toBe(100);
  });

  it("shows lower average staleness for faster polling of the same changes", () => {
    // Changes every 1000 ms; a poll sees a value at its first ask after the change. Intervals a little off
    // the change interval keep polls and changes out of step, as they are in the lab.
    const averageFor = (pollMs: number) => {
      const stats = new FeedStats();
      for (let at = 7; at < 60_000; at += pollMs) {
        const n = Math.floor(at / 1000);
        stats.add(tick(n, n * 1000, at));
      }
      return stats.averageStaleMs ?? 0;
    };
    expect(averageFor(251)).toBeLessThan(averageFor(1137) / 2);
  });

  it("gives every poll the same staleness, its phase, when polls and changes share one interval; half the interval only on average over phases or drifting polls", () => {
    // Changes every 1000 ms; polls every 1000 ms too, starting `phase` ms after a change.
    const readingsAt = (phase: number) => {
      const stats = new FeedStats();
      const staleness = new Set<number>();
      for (let at = 5000 + phase; at < 60_000; at += 1000) {
        const n = Math.floor(at / 1000);
        staleness.add(stats.add(tick(n, n * 1000, at)).staleMs);
      }
      return staleness;
    };
    expect(readingsAt(944)).toEqual(new Set([944]));
    expect(readingsAt(552)).toEqual(new Set([552]));
    const phases = Array.from({ length: 1000 }, (_, phase) => phase);
    const averageOverPhases = phases.reduce((sum, phase) => sum + [...readingsAt(phase)][0]!, 0) / phases.length;
    expect(averageOverPhases).toBeCloseTo(500, -1);
    // Polls 13 ms slower than the changes drift through every phase, and so average about half as well.
    const drifting = new FeedStats();
    for (let at = 7; at < 1_000_000; at += 1013) {
      const n = Math.floor(at / 1000);
      drifting.add(tick(n, n * 1000, at));
    }
    expect(drifting.averageStaleMs).toBeGreaterThan(450);
    expect(drifting.averageStaleMs).toBeLessThan(550);
  });

  it("counts an answer that repeats the known value as nothing new", () => {
    const stats = new FeedStats();
    stats.add(tick(3, 0, 10));
    expect(stats.add(tick(3, 0, 500)).fresh).toBe(false);
    expect(stats.unchanged).toBe(1);
    expect(stats.missed).toBe(0);
  });

  it("counts the values skipped between two readings as changes missed", () => {
    const stats = new FeedStats();
    stats.add(tick(1, 0, 0));
    expect(stats.add(tick(4, 0, 0)).missed).toBe(2);
    expect(stats.missed).toBe(2);
    expect(stats.value).toBe(4);
  });

  it("starts over without counting misses when a restarted server counts from zero again", () => {
    const stats = new FeedStats();
    stats.add(tick(9, 0, 0));
    expect(stats.add(tick(1, 0, 0))).toMatchObject({ fresh: true, missed: 0 });
  });
});
