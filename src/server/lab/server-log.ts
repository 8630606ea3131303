import type { ServerLogEntry } from "../../shared/server-log.js";

/** An entry with its position in the log, so a reader that reconnects can ask for what it missed. */
export interface NumberedEntry {
  seq: number;
  entry: ServerLogEntry;
}

type Listener = (numbered: NumberedEntry) => void;

/** A lab's recent server log, kept short, with live subscribers (the page's log panel). */
export class ServerLog {
  /** A ring: the newest `keep` entries, oldest first from `start`. Every frame of every lab lands here. */
  private readonly entries: NumberedEntry[] = [];
  private start = 0;
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  constructor(private readonly keep = 200) {}

  add(entry: ServerLogEntry): void {
    this.seq += 1;
    const numbered = { seq: this.seq, entry };
    if (this.entries.length < this.keep) this.entries.push(numbered);
    else {
      this.entries[this.start] = numbered;
      this.start = (this.start + 1) % this.keep;
    }
    for (const listener of this.listeners) listener(numbered);
  }

  /** The kept entries after `seq` (all of them by default), oldest first. */
  since(seq = 0): NumberedEntry[] {
    const ordered = this.start === 0 ? this.entries : [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
    return ordered.filter((numbered) => numbered.seq > seq);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
