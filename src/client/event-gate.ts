/**
 * Holds a lab session's news for views that have not loaded yet. A lab page starts its clients from a small
 * module of its own (lab-boot.ts), long before the lab's views have loaded and mounted; what the clients
 * and the feed report meanwhile waits here, in the order it happened, and reaches every view at once when
 * they are all listening (`release`). The session's own records (the timeline) do not wait: they listen
 * with `{ immediate: true }`, so what they note keeps its time.
 */
export class EventGate {
  private queue: (() => void)[] | undefined;

  /** A gate that passes everything, for sessions whose views listen from the start. */
  static open(): EventGate {
    return new EventGate(false);
  }

  constructor(held = true) {
    if (held) this.queue = [];
  }

  get held(): boolean {
    return this.queue !== undefined;
  }

  /** Delivers now, or, while held, when the gate is released. */
  pass(deliver: () => void): void {
    if (this.queue) this.queue.push(deliver);
    else deliver();
  }

  /** Delivers what waited, in order, then lets everything through. */
  release(): void {
    const waiting = this.queue ?? [];
    this.queue = undefined;
    for (const deliver of waiting) deliver();
  }
}

/** One event's listeners: the session's own records, told at once, and the views, told through the gate. */
export class GatedListeners<T> {
  private readonly immediate = new Set<(value: T) => void>();
  private readonly gated = new Set<(value: T) => void>();

  add(listener: (value: T) => void, { immediate = false }: ListenOptions = {}): () => void {
    const set = immediate ? this.immediate : this.gated;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Tells the immediate listeners now, and the others, as they are when the gate lets it through. */
  emit(gate: EventGate, value: T): void {
    for (const listener of this.immediate) listener(value);
    // Open, as it is once the views listen: told now, with no closure made per event (a frame is one).
    if (!gate.held) return this.tell(value);
    gate.pass(() => this.tell(value));
  }

  private tell(value: T): void {
    for (const listener of this.gated) listener(value);
  }

  clear(): void {
    this.immediate.clear();
    this.gated.clear();
  }
}

export interface ListenOptions {
  /** Told even while the session's gate is held: for the session's own records, not for views. */
  immediate?: boolean;
}
