import { decodeFrame, summarize } from "../../shared/frame-decoder.js";
import type { PacketFaultMark } from "../../shared/packet-faults.js";
import { faultedSummary, type Direction, type FrameFault, type Timeline, type TimelineEntry } from "./timeline.js";

/** An icon for what a packet fault did, beside the words that say it (the mark is never colour alone). */
const ICONS: Record<PacketFaultMark["action"], string> = {
  dropped: "✂",
  duplicated: "⧉",
  delayed: "⏱",
  closed: "⛔",
};

/** What the timeline writes on a client's lane for a fault line that is not about one packet (a link fault). */
export function faultSummary(entry: { message: string }): string {
  return `⚡ ${entry.message}`;
}

/** The delay a "delayed … by N ms" line names, or 0. */
const delayOf = (message: string) => Number(/\bby (\d+) ms\b/.exec(message)?.[1] ?? 0);

/**
 * The mark a faulted frame's row carries: a short label for the row ("✂ dropped", "⏱ delayed 500 ms") and
 * the server's whole line for its details and the table ("✂ dropped ack 0 to Alice (drop next 1 ack)").
 */
export function frameFault(mark: PacketFaultMark, message: string): FrameFault {
  const icon = ICONS[mark.action];
  const delay = delayOf(message);
  const words =
    mark.action === "delayed" && delay > 0
      ? `delayed ${delay} ms`
      : mark.action === "duplicated"
        ? "duplicated: the second copy"
        : mark.action === "closed"
          ? "closed after this"
          : mark.action;
  return { action: mark.action, label: `${icon} ${words}`, text: `${icon} ${message}` };
}

const WIRE: Record<PacketFaultMark["direction"], Direction> = { toServer: "to-server", toClient: "to-client" };

/** How many of a lane's newest rows a fault line looks back through for its frame, when it may have arrived first. */
const LOOK_BACK = 40;
/** How long a mark waits for its frame to cross; past it (the connection died first), it gets a row of its own. */
export const FAULT_WAIT_MS = 5_000;

interface Pending {
  lane: string;
  direction: Direction;
  frame: string;
  fault: FrameFault;
  at: number;
  /** Matching frames to let pass first: the original of a duplicated frame, when the fault line came first. */
  skip: number;
  timer: ReturnType<typeof setTimeout>;
}

const matches = (entry: TimelineEntry, lane: string, direction: Direction, frame: string) =>
  entry.lane === lane && entry.direction === direction && entry.fault === undefined && (entry.frame?.raw.startsWith(frame) ?? false);

/**
 * Puts each packet fault's mark on the faulted frame's own row (issue [7/8]: "the timeline marks each
 * faulted frame"). The server logs what it did to a packet, with the packet's start (`frame`), on another
 * channel than the client's wire: the line can come before or after the row, so a mark either claims a
 * row already there or waits for the frame to cross.
 *
 * - A frame that never reaches the client's wire (dropped on its way to the client, or the server's second
 *   copy of one the client sent) gets a row of its own where it would have crossed, marked.
 * - A frame the client sent (dropped, delayed or closed after on its way to the server) is already on the
 *   lane: its row is marked.
 * - A frame on its way to the client that does arrive (delayed, duplicated, the one the connection closes
 *   after) marks its row when it arrives: for a duplicate, the second copy.
 */
export class FaultedFrames {
  private pending: Pending[] = [];

  constructor(
    private readonly timeline: Timeline,
    private readonly waitMs = FAULT_WAIT_MS,
  ) {}

  /** A server log line about one faulted packet of `lane`'s connection. */
  fault(entry: { at: number; lane: string; message: string; packet: PacketFaultMark }): void {
    const { lane, packet } = entry;
    const direction = WIRE[packet.direction];
    const fault = frameFault(packet, entry.message);
    const toServer = packet.direction === "toServer";
    if ((!toServer && packet.action === "dropped") || (toServer && packet.action === "duplicated")) {
      this.ownRow(entry.at, lane, direction, packet.frame, fault);
      return;
    }
    let skip = 0;
    if (toServer || packet.action !== "delayed") {
      // A delayed frame reaches the client after its line; the others may have come first. A duplicate's
      // mark goes on the second of its two copies.
      const copies = !toServer && packet.action === "duplicated" ? 2 : 1;
      const seen = this.recent(lane, direction, packet.frame, copies);
      if (seen.length === copies) {
        this.timeline.markFault(seen.at(-1)!.seq, fault);
        return;
      }
      skip = copies - 1 - seen.length;
    }
    const pending: Pending = {
      lane,
      direction,
      frame: packet.frame,
      fault,
      at: entry.at,
      skip,
      // A delayed frame is waited for its delay longer (up to PACKET_FAULT_LIMITS.maxDelayMs).
      timer: setTimeout(() => this.expire(pending), this.waitMs + delayOf(entry.message)),
    };
    this.pending.push(pending);
  }

  /** A frame on a client's wire, just added to the timeline: it may be one a mark waits for. */
  arrived(entry: TimelineEntry): void {
    const index = this.pending.findIndex((pending) => matches(entry, pending.lane, pending.direction, pending.frame));
    const pending = this.pending[index];
    if (!pending) return;
    if (pending.skip > 0) {
      pending.skip -= 1;
      return;
    }
    clearTimeout(pending.timer);
    this.pending.splice(index, 1);
    this.timeline.markFault(entry.seq, pending.fault);
  }

  /** Up to `most` of the lane's newest unmarked rows carrying `frame` in `direction`, oldest first. */
  private recent(lane: string, direction: Direction, frame: string, most: number): TimelineEntry[] {
    const found: TimelineEntry[] = [];
    let looked = 0;
    const entries = this.timeline.entries;
    for (let i = entries.length - 1; i >= 0 && looked < LOOK_BACK && found.length < most; i--) {
      const entry = entries[i]!;
      if (entry.lane !== lane) continue;
      looked += 1;
      if (matches(entry, lane, direction, frame)) found.unshift(entry);
    }
    return found;
  }

  private expire(pending: Pending): void {
    const index = this.pending.indexOf(pending);
    if (index < 0) return;
    this.pending.splice(index, 1);
    this.ownRow(pending.at, pending.lane, pending.direction, pending.frame, pending.fault);
  }

  private ownRow(at: number, lane: string, direction: Direction, raw: string, fault: FrameFault): void {
    const frame = decodeFrame(raw);
    this.timeline.add({ at, lane, direction, frame, summary: faultedSummary(fault, summarize(frame)), fault });
  }
}

const markers = new WeakMap<Timeline, FaultedFrames>();

/** The one marker of a timeline, shared by its wire recorders and its server log recorder. */
export function faultedFramesOf(timeline: Timeline): FaultedFrames {
  let marker = markers.get(timeline);
  if (!marker) markers.set(timeline, (marker = new FaultedFrames(timeline)));
  return marker;
}
