import type { ServerLogEntry } from "../../shared/server-log.js";
import { messageFrame, truncate, type FrameData } from "../../shared/wire.js";

/** The most of a frame the log keeps and shows. */
export const FRAME_CHARS = 400;

/** An entry with its position in the log, so a reader that reconnects can ask for what it missed. */
export interface NumberedEntry {
  seq: number;
  entry: ServerLogEntry;
}

type Listener = (numbered: NumberedEntry) => void;

/**
 * A frame the lab received or sent, kept as it came until someone reads the log: every frame of every
 * lab lands here, and most are never read, so the hot path makes one small object and no strings.
 */
class FrameRecord {
  constructor(
    readonly seq: number,
    readonly at: number,
    readonly kind: "received" | "sent",
    readonly client: string,
    readonly socketId: string,
    /** A short text frame's Engine.IO message as it came (`raw`), or the text the log shows for any other. */
    readonly data: string,
    readonly raw: boolean,
  ) {}

  numbered(): NumberedEntry {
    const { seq, at, kind, client, socketId, data, raw } = this;
    return { seq, entry: { at, kind, client, socketId, frame: raw ? messageFrame(data) : data } };
  }
}

type Slot = NumberedEntry | FrameRecord;

/**
 * What the log shows of a frame too long to keep whole, as `truncate(messageFrame(data), FRAME_CHARS)`
 * would say it, but made from the frame's start only and copied: in V8 a slice keeps its whole parent
 * alive, so a log of 60 KB frames kept every one of them (12 MB a lab), and truncating the whole frame
 * first copied all 60 KB of it for each line.
 */
function shortFrame(data: FrameData): string {
  if (typeof data !== "string") return truncate(messageFrame(data), FRAME_CHARS);
  const start = messageFrame(data.slice(0, FRAME_CHARS));
  const shown = data.length + 1 > FRAME_CHARS ? `${start.slice(0, FRAME_CHARS)}… (${data.length + 1} characters)` : start;
  return Buffer.from(shown, "utf16le").toString("utf16le");
}

/** A lab's recent server log, kept short, with live subscribers (the page's log panel). */
export class ServerLog {
  /** A ring: the newest `keep` entries, oldest first from `start`. */
  private readonly slots: Slot[] = [];
  private start = 0;
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  constructor(private readonly keep = 200) {}

  add(entry: ServerLogEntry): void {
    this.seq += 1;
    const numbered = { seq: this.seq, entry };
    this.store(numbered);
    for (const listener of this.listeners) listener(numbered);
  }

  /** A frame received from or sent to a client: the same as `add`ing its entry, made cheaper. */
  addFrame(kind: "received" | "sent", client: string, socketId: string, data: FrameData): void {
    this.seq += 1;
    // Short text frames are kept as they are; anything else becomes the (short) text the log shows.
    const raw = typeof data === "string" && data.length < FRAME_CHARS;
    const kept = raw ? data : shortFrame(data);
    const record = new FrameRecord(this.seq, Date.now(), kind, client, socketId, kept, raw);
    this.store(record);
    if (this.listeners.size === 0) return;
    const numbered = record.numbered();
    for (const listener of this.listeners) listener(numbered);
  }

  /** The kept entries after `seq` (all of them by default), oldest first. */
  since(seq = 0): NumberedEntry[] {
    const ordered = this.start === 0 ? this.slots : [...this.slots.slice(this.start), ...this.slots.slice(0, this.start)];
    return ordered.filter((slot) => slot.seq > seq).map((slot) => (slot instanceof FrameRecord ? slot.numbered() : slot));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private store(slot: Slot): void {
    if (this.slots.length < this.keep) this.slots.push(slot);
    else {
      this.slots[this.start] = slot;
      this.start = (this.start + 1) % this.keep;
    }
  }
}
