import type { ServerLogEntry } from "../../shared/server-log.js";
import { messageFrame, truncate, type FrameData } from "../../shared/wire.js";
import { LogPages, type StoredFrame } from "./log-pages.js";

/** The most of a frame the log keeps and shows. */
export const FRAME_CHARS = 400;

/** An entry with its position in the log, so a reader that reconnects can ask for what it missed. */
export interface NumberedEntry {
  seq: number;
  entry: ServerLogEntry;
}

type Listener = (numbered: NumberedEntry) => void;

/** What the log shows of a frame it kept: a short text frame is kept as the Engine.IO message came. */
function frameEntry(seq: number, at: number, frame: StoredFrame): NumberedEntry {
  const { kind, client, socketId, data, raw } = frame;
  return { seq, entry: { at, kind, client, socketId, frame: raw ? messageFrame(data) : data } };
}

/**
 * What the log shows of a frame too long to keep whole, as `truncate(messageFrame(data), FRAME_CHARS)`
 * would say it, but made from the frame's start only: truncating the whole frame first copied all of a
 * 60 KB frame for each line. (The log keeps its bytes, not the string, so no slice keeps its parent alive.)
 */
function shortFrame(data: FrameData): string {
  if (typeof data !== "string") return truncate(messageFrame(data), FRAME_CHARS);
  const start = messageFrame(data.slice(0, FRAME_CHARS));
  return data.length + 1 > FRAME_CHARS ? `${start.slice(0, FRAME_CHARS)}… (${data.length + 1} characters)` : start;
}

/** A lab's recent server log, kept short (the newest `keep` entries), with live subscribers (the page's log panel). */
export class ServerLog {
  private readonly pages: LogPages;
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  constructor(keep = 200) {
    this.pages = new LogPages(keep);
  }

  add(entry: ServerLogEntry): void {
    this.seq += 1;
    this.pages.addEntry(this.seq, entry.at, entry);
    if (this.listeners.size === 0) return;
    const numbered = { seq: this.seq, entry };
    for (const listener of this.listeners) listener(numbered);
  }

  /** A frame received from or sent to a client: the same as `add`ing its entry, made cheaper. */
  addFrame(kind: "received" | "sent", client: string, socketId: string, data: FrameData): void {
    this.seq += 1;
    // Short text frames are kept as they are; anything else becomes the (short) text the log shows.
    const raw = typeof data === "string" && data.length < FRAME_CHARS;
    const frame: StoredFrame = { kind, client, socketId, data: raw ? data : shortFrame(data), raw };
    const at = Date.now();
    this.pages.addFrame(this.seq, at, frame);
    if (this.listeners.size === 0) return;
    const numbered = frameEntry(this.seq, at, frame);
    for (const listener of this.listeners) listener(numbered);
  }

  /** The kept entries after `seq` (all of them by default), oldest first. */
  since(seq = 0): NumberedEntry[] {
    return this.pages
      .since(seq)
      .map((record) => ("frame" in record ? frameEntry(record.seq, record.at, record.frame) : { seq: record.seq, entry: record.entry }));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
