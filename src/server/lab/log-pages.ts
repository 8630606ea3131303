import type { ServerLogEntry } from "../../shared/server-log.js";

/** Bytes of one page of a log's store; an entry longer than that gets a page of its own size. */
export const LOG_PAGE_BYTES = 8 * 1024;

const FRAME_RECEIVED = 0;
const FRAME_SENT = 1;
const ENTRY = 2;

/** seq (u32), at (f64), type (u8), raw (u8). */
const HEAD_BYTES = 4 + 8 + 1 + 1;

/** A frame as the log keeps it: `data` is the Engine.IO message when `raw`, else the text the log shows. */
export interface StoredFrame {
  kind: "received" | "sent";
  client: string;
  socketId: string;
  data: string;
  raw: boolean;
}

export type StoredRecord = { seq: number; at: number } & ({ frame: StoredFrame } | { entry: ServerLogEntry });

interface Page {
  bytes: Buffer;
  used: number;
  count: number;
}

/**
 * A log's entries as bytes in a few pages off the JavaScript heap, newest `keep` of them and at most one
 * page more. Every lab logs every frame, and almost none is ever read, but each kept as objects outlived
 * the young generation: in the load benchmark ([8/8]) they were most of what each scavenge copied and
 * promoted, and the old generation grew by 5 MB a second. Bytes in a Buffer are not traced or copied.
 */
export class LogPages {
  private readonly pages: Page[] = [];
  /**
   * The last page dropped, to be written again: a log that keeps its newest entries drops a page as often
   * as it fills one, and a new 8 KB ArrayBuffer for each was most of the ArrayBuffers every lab made and
   * the collector swept under load ([8/8]). With it, a log at its full length allocates nothing.
   */
  private spare: Buffer | undefined;
  private total = 0;

  constructor(private readonly keep: number) {}

  addFrame(seq: number, at: number, frame: StoredFrame): void {
    const { client, socketId, data } = frame;
    // Worst case: 3 bytes of UTF-8 per UTF-16 unit, and 2 bytes of length before each string.
    const page = this.room(HEAD_BYTES + 6 + 3 * (client.length + socketId.length + data.length));
    let offset = this.head(page, seq, at, frame.kind === "received" ? FRAME_RECEIVED : FRAME_SENT, frame.raw ? 1 : 0);
    offset = writeString(page.bytes, offset, client, 2);
    offset = writeString(page.bytes, offset, socketId, 2);
    page.used = writeString(page.bytes, offset, data, 4);
    this.counted(page);
  }

  addEntry(seq: number, at: number, entry: ServerLogEntry): void {
    const json = JSON.stringify(entry);
    const page = this.room(HEAD_BYTES + 4 + 3 * json.length);
    page.used = writeString(page.bytes, this.head(page, seq, at, ENTRY, 0), json, 4);
    this.counted(page);
  }

  /** The kept records after `seq`, oldest first. */
  since(seq: number): StoredRecord[] {
    const records: StoredRecord[] = [];
    // The pages may hold a few more than `keep`: the oldest of them are no longer kept.
    let skip = this.total - this.keep;
    for (const page of this.pages) {
      let offset = 0;
      for (let i = 0; i < page.count; i += 1) {
        const [record, next] = readRecord(page.bytes, offset);
        offset = next;
        if (skip > 0) skip -= 1;
        else if (record.seq > seq) records.push(record);
      }
    }
    return records;
  }

  private room(worst: number): Page {
    const last = this.pages.at(-1);
    if (last && last.bytes.length - last.used >= worst) return last;
    const spare = worst <= LOG_PAGE_BYTES ? this.spare : undefined;
    if (spare) this.spare = undefined;
    // allocUnsafeSlow: a page of its own, not a slice of Node's shared pool that would keep the pool alive.
    const page: Page = { bytes: spare ?? Buffer.allocUnsafeSlow(Math.max(LOG_PAGE_BYTES, worst)), used: 0, count: 0 };
    this.pages.push(page);
    return page;
  }

  private head(page: Page, seq: number, at: number, type: number, raw: number): number {
    const { bytes, used } = page;
    bytes.writeUInt32LE(seq >>> 0, used);
    bytes.writeDoubleLE(at, used + 4);
    bytes[used + 12] = type;
    bytes[used + 13] = raw;
    return used + HEAD_BYTES;
  }

  private counted(page: Page): void {
    page.count += 1;
    this.total += 1;
    // Drop the oldest page once the newer ones hold `keep` entries without it.
    while (this.pages.length > 1 && this.total - (this.pages[0]?.count ?? 0) >= this.keep) {
      const dropped = this.pages.shift();
      if (!dropped) break;
      this.total -= dropped.count;
      // Only a page of the usual size is kept for reuse: one made for a long entry goes with it.
      if (dropped.bytes.length === LOG_PAGE_BYTES) this.spare = dropped.bytes;
    }
  }
}

function writeString(bytes: Buffer, at: number, text: string, lengthBytes: 2 | 4): number {
  const written = bytes.write(text, at + lengthBytes, "utf8");
  if (lengthBytes === 2) bytes.writeUInt16LE(written, at);
  else bytes.writeUInt32LE(written, at);
  return at + lengthBytes + written;
}

function readString(bytes: Buffer, at: number, lengthBytes: 2 | 4): [string, number] {
  const length = lengthBytes === 2 ? bytes.readUInt16LE(at) : bytes.readUInt32LE(at);
  const start = at + lengthBytes;
  return [bytes.toString("utf8", start, start + length), start + length];
}

function readRecord(bytes: Buffer, at: number): [StoredRecord, number] {
  const seq = bytes.readUInt32LE(at);
  const time = bytes.readDoubleLE(at + 4);
  const type = bytes[at + 12];
  const raw = bytes[at + 13] === 1;
  const start = at + HEAD_BYTES;
  if (type === ENTRY) {
    const [json, next] = readString(bytes, start, 4);
    return [{ seq, at: time, entry: JSON.parse(json) as ServerLogEntry }, next];
  }
  const [client, afterClient] = readString(bytes, start, 2);
  const [socketId, afterSocket] = readString(bytes, afterClient, 2);
  const [data, next] = readString(bytes, afterSocket, 4);
  return [{ seq, at: time, frame: { kind: type === FRAME_RECEIVED ? "received" : "sent", client, socketId, data, raw } }, next];
}
