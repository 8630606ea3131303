type Action = () => void;

/** What a lane reads of its link's faults as each delivery enters it. */
export interface LinkConditions {
  readonly blackholed: boolean;
  /** The latency (and jitter) the next delivery gets, in ms. */
  delay(): number;
}

/**
 * One direction of a client's link (client to server, or server to client). Every frame, request and close
 * passes through it in order: at once when the link is healthy, after the latency when it is slow, and not
 * at all while it is blackholed, until the blackhole lifts.
 */
export class Lane {
  // Made when something first waits: every client has two lanes, and on a healthy link they stay empty.
  private queue: { due: number; action: Action; bytes: number }[] | undefined;
  private held: { action: Action; bytes: number }[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private bytes = 0;
  private waiters: Action[] | undefined;

  constructor(private readonly link: LinkConditions) {}

  /** Bytes held or delayed in this lane right now. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** Whether a delivery entering now would go at once: a caller that knows can skip making one. */
  get immediate(): boolean {
    return !this.link.blackholed && !this.queue?.length && this.link.delay() === 0;
  }

  send(action: Action, bytes = 0): void {
    if (this.link.blackholed) {
      (this.held ??= []).push({ action, bytes });
      this.bytes += bytes;
      return;
    }
    const delay = this.link.delay();
    if (delay === 0 && !this.queue?.length) return action();
    // Never earlier than what is already queued: a link delays frames but keeps their order.
    const queue = (this.queue ??= []);
    const last = queue.at(-1)?.due ?? 0;
    queue.push({ due: Math.max(Date.now() + delay, last), action, bytes });
    this.bytes += bytes;
    this.arm();
  }

  /**
   * Calls `resume` once this lane holds less than LANE_LOW_WATER bytes: the sender stops while a slow or
   * blackholed link is full, as TCP's window would stop it, so a fault can never fill the server's memory.
   */
  whenDrained(resume: Action): void {
    if (this.bytes < LANE_LOW_WATER) return resume();
    (this.waiters ??= []).push(resume);
  }

  /** The blackhole lifted: what it held goes through in order, as TCP would retransmit it, after any latency. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const { action, bytes } of held) {
      this.bytes -= bytes;
      this.send(action, bytes);
    }
    this.drained();
  }

  /** Forgets everything held or delayed; returns how many deliveries that lost. */
  clear(): number {
    const lost = (this.held?.length ?? 0) + (this.queue?.length ?? 0);
    this.held = undefined;
    this.queue = undefined;
    this.bytes = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.drained();
    return lost;
  }

  private arm(): void {
    if (this.timer || !this.queue?.length) return;
    const wait = Math.max(0, (this.queue[0]?.due ?? 0) - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const now = Date.now();
    // Read afresh each time: an action may clear the lane (a drop), and what it cleared must not go on.
    while (this.queue?.length && (this.queue[0]?.due ?? 0) <= now) {
      const item = this.queue.shift();
      if (!item) break;
      this.bytes -= item.bytes;
      item.action();
    }
    this.drained();
    this.arm();
  }

  private drained(): void {
    if (this.bytes >= LANE_LOW_WATER || !this.waiters?.length) return;
    const waiters = this.waiters;
    this.waiters = undefined;
    for (const resume of waiters) resume();
  }
}

/** A lane holding more than this many bytes stops its sender until it drains below the low-water mark. */
export const LANE_HIGH_WATER = 1024 * 1024;
const LANE_LOW_WATER = 256 * 1024;
