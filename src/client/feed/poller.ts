import type { Tick } from "../../lessons/why-websocket/events.js";

export interface PollAnswer {
  startedAt: number;
  at: number;
  status: number;
  tick?: Tick;
}

/**
 * Plain HTTP polling with `fetch`: ask, wait for the answer, then ask again once the interval since the last
 * question has passed. One request at a time, as a careful app would, so a slow answer delays the next.
 */
export class Poller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** Bumped by each start and stop: an answer that arrives for an older run is ignored, so loops never double. */
  private generation = 0;

  constructor(
    private readonly url: string,
    private intervalMs: number,
    private readonly listeners: { onAnswer(answer: PollAnswer): void; onError(message: string): void },
  ) {}

  get active(): boolean {
    return this.running;
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation += 1;
    void this.ask(this.generation);
  }

  stop(): void {
    this.running = false;
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async ask(generation: number): Promise<void> {
    const current = () => this.running && generation === this.generation;
    const startedAt = Date.now();
    try {
      const response = await fetch(this.url, { cache: "no-store" });
      const tick = response.ok ? ((await response.json()) as Tick) : undefined;
      if (!current()) return;
      this.listeners.onAnswer({ startedAt, at: Date.now(), status: response.status, ...(tick ? { tick } : {}) });
    } catch (error) {
      if (!current()) return;
      this.listeners.onError(error instanceof Error ? error.message : String(error));
    }
    if (!current()) return;
    this.timer = setTimeout(() => void this.ask(generation), Math.max(0, startedAt + this.intervalMs - Date.now()));
  }
}
