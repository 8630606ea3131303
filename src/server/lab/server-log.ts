import type { ServerLogEntry } from "../../shared/server-log.js";

type Listener = (entry: ServerLogEntry) => void;

/** A lab's recent server log, kept short, with live subscribers (the page's log panel). */
export class ServerLog {
  private readonly entries: ServerLogEntry[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly keep = 300) {}

  add(entry: ServerLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.keep) this.entries.shift();
    for (const listener of this.listeners) listener(entry);
  }

  recent(): readonly ServerLogEntry[] {
    return this.entries;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
