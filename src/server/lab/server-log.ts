import type { ServerLogEntry } from "../../shared/server-log.js";

/** An entry with its position in the log, so a reader that reconnects can ask for what it missed. */
export interface NumberedEntry {
  seq: number;
  entry: ServerLogEntry;
}

type Listener = (numbered: NumberedEntry) => void;

/** A lab's recent server log, kept short, with live subscribers (the page's log panel). */
export class ServerLog {
  private readonly entries: NumberedEntry[] = [];
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  constructor(private readonly keep = 200) {}

  add(entry: ServerLogEntry): void {
    this.seq += 1;
    const numbered = { seq: this.seq, entry };
    this.entries.push(numbered);
    if (this.entries.length > this.keep) this.entries.shift();
    for (const listener of this.listeners) listener(numbered);
  }

  /** The kept entries after `seq` (all of them by default). */
  since(seq = 0): NumberedEntry[] {
    return this.entries.filter((numbered) => numbered.seq > seq);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
