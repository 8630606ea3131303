import type { Direction } from "../../shared/packet-faults.js";
import type { PacketLink } from "./packet-link.js";
import type { PacketInfo } from "./packet-reader.js";

/** What one packet (or attachment) of a stream comes to: what goes on now, what later, and whether to close. */
export interface StreamStep<T> {
  now: T[];
  later?: { dueAt: number; items: T[] };
  close: boolean;
}

/** A packet's piece as the stream sees it: a packet read by its text, an attachment, or bytes it cannot read. */
export type StreamItem = { packet: PacketInfo; frame: string } | { attachment: true } | { opaque: true };

interface Group<T> {
  /** "stream": attachments go on as they come; "drop": they are dropped too; "hold": kept until the last. */
  mode: "stream" | "drop" | "hold";
  left: number;
  items: T[];
  bytes: number;
  copies: 1 | 2;
  delayMs: number;
  close: boolean;
}

const NOTHING = { now: [], close: false };

/**
 * One direction of one connection (a WebSocket, or a long-polling session's bodies), packet by packet: asks
 * the link's faults for a verdict on each packet and applies it, keeping a binary packet's attachments with
 * it (dropped, duplicated or held with it). Generic over what a packet is on the wire: a WebSocket frame's
 * bytes, or a polling body's part.
 */
export class PacketStream<T> {
  private group: Group<T> | undefined;
  /** Delayed packets never overtake each other: each is due no earlier than the one before. */
  private lastDue = 0;

  /**
   * `link` gives the faults that judge each packet, where their notes go, and (its `maxFrameBytes`) the most
   * a held group (a duplicated or delayed binary packet) may keep; past it, the group goes on as it is. The
   * link itself is kept, not a closure over it: there is a stream per direction of every connection.
   */
  constructor(
    private readonly link: PacketLink,
    private readonly direction: Direction,
  ) {}

  /** Whether attachments of a binary packet are still expected: the stream must keep reading packets. */
  get busy(): boolean {
    return this.group !== undefined;
  }

  take(item: T, what: StreamItem, bytes: number): StreamStep<T> {
    if ("opaque" in what) return { now: [item], close: false };
    if ("attachment" in what) return this.attachment(item, bytes);
    // A packet while attachments were still expected: the sender broke the protocol; what was held goes on.
    const flushed = this.group ? this.finish(this.group, true) : undefined;
    const step = this.packet(item, what.packet, what.frame, bytes);
    if (!flushed) return step;
    return { ...step, now: [...flushed.now, ...step.now], close: step.close || flushed.close };
  }

  private packet(item: T, info: PacketInfo, frame: string, bytes: number): StreamStep<T> {
    const verdict = this.link.faults.judge(this.direction, info);
    if (verdict.notes.length > 0) this.link.report(verdict.notes, frame);
    const { copies, delayMs, close } = verdict;
    if (info.attachments > 0) {
      const held = copies === 2 || delayMs > 0;
      const mode = !verdict.deliver ? "drop" : held ? "hold" : "stream";
      this.group = { mode, left: info.attachments, items: held ? [item] : [], bytes, copies, delayMs, close };
      return mode === "stream" ? { now: [item], close: false } : NOTHING;
    }
    if (!verdict.deliver) return NOTHING;
    return this.deliver(copies === 2 ? [item, item] : [item], delayMs, close);
  }

  private attachment(item: T, bytes: number): StreamStep<T> {
    const group = this.group;
    if (!group) return { now: [item], close: false };
    group.left -= 1;
    if (group.mode === "drop") {
      if (group.left === 0) this.group = undefined;
      return NOTHING;
    }
    if (group.mode === "stream") {
      if (group.left > 0) return { now: [item], close: false };
      this.group = undefined;
      return { now: [item], close: group.close };
    }
    group.items.push(item);
    group.bytes += bytes;
    if (group.bytes > this.link.maxFrameBytes) {
      // Too big to hold: what is held goes on once, now, and the rest streams after it.
      const now = group.items;
      Object.assign(group, { mode: "stream", items: [], copies: 1, delayMs: 0 });
      if (group.left > 0) return { now, close: false };
      this.group = undefined;
      return { now, close: group.close };
    }
    return group.left > 0 ? NOTHING : this.finish(group);
  }

  /** The group is whole (or, `early`, cut short by the sender): it goes on as its verdict says. */
  private finish(group: Group<T>, early = false): StreamStep<T> {
    this.group = undefined;
    if (group.mode === "drop") return NOTHING;
    if (group.mode === "stream") return { now: [], close: group.close };
    const items = group.copies === 2 && !early ? [...group.items, ...group.items] : group.items;
    return this.deliver(items, early ? 0 : group.delayMs, group.close);
  }

  private deliver(items: T[], delayMs: number, close: boolean): StreamStep<T> {
    if (delayMs === 0) return { now: items, close };
    const dueAt = Math.max(Date.now() + delayMs, this.lastDue);
    this.lastDue = dueAt;
    return { now: [], later: { dueAt, items }, close };
  }
}
