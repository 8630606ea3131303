import type { Tick } from "../../lessons/why-websocket/events.js";

/** What the page learned from one tick, however it arrived. */
export interface FeedReading {
  tick: Tick;
  /** How old the value was when the server sent it: `sentAt - changedAt`, both by the server's clock. */
  staleMs: number;
  /** False when it repeats the value already known: a poll that brought nothing new. */
  fresh: boolean;
  /** Values that changed and were replaced before this one reached the page. */
  missed: number;
}

/**
 * The running totals of one way of following the feed (polling or push): every figure comes from ticks the
 * server sent, stamped with the server's own clock, so nothing here is estimated.
 */
export class FeedStats {
  readings = 0;
  unchanged = 0;
  missed = 0;
  lastStaleMs: number | undefined;
  private updates = 0;
  private staleTotal = 0;
  private lastN: number | undefined;

  add(tick: Tick): FeedReading {
    const staleMs = Math.max(0, tick.sentAt - tick.changedAt);
    // A restarted server counts from zero again: start over rather than count backwards.
    const fresh = this.lastN === undefined || tick.n !== this.lastN;
    const missed = this.lastN !== undefined && tick.n > this.lastN + 1 ? tick.n - this.lastN - 1 : 0;
    this.readings += 1;
    this.missed += missed;
    this.lastN = tick.n;
    if (!fresh) {
      this.unchanged += 1;
    } else {
      // Staleness is a property of an update: how late you learned of a change. A repeat teaches nothing new,
      // so it does not count (averaging repeats in would hide how much faster polling lowers staleness).
      this.updates += 1;
      this.lastStaleMs = staleMs;
      this.staleTotal += staleMs;
    }
    return { tick, staleMs, fresh, missed };
  }

  get averageStaleMs(): number | undefined {
    return this.updates === 0 ? undefined : this.staleTotal / this.updates;
  }

  get value(): number | undefined {
    return this.lastN;
  }
}
