/**
 * A token bucket: `ratePerSecond` tokens refill continuously, up to `capacity` (one second's worth unless
 * told). A client may burst up to the capacity at once, and sustain the rate for ever, but no more.
 */
export class RateLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    now: number,
    private readonly capacity = ratePerSecond,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerSecond);
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Records `count` tokens spent elsewhere, whether or not the bucket held them: it may go into debt. Returns what is left. */
  spend(count: number, now: number): number {
    this.refill(now);
    this.tokens -= count;
    return this.tokens;
  }

  /** Holds the bucket to at most `tokens` (a debt, if negative), e.g. what is left of a budget shared with others. */
  limitTo(tokens: number, now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.tokens, tokens);
  }

  /** Whether the bucket has refilled: a new one would be the same. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }
}
