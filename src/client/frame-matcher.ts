import type { Socket } from "socket.io-client";
import { decodeFrame, type DecodedPacket } from "../shared/frame-decoder.js";
import { AckMatcher } from "./ack-matcher.js";
import { nextAckId, retryQueue, type QueuedPacket } from "./socket-internals.js";

/** The frames that carried one delivery: the packet's own frame, then its binary attachments. */
export type Frames = string[];

/** An emit waiting for its ack: the packet id of its attempt in flight, and the ACK frames once answered. */
export interface PendingAck {
  ids: number[];
  frames: Frames;
  /** Its entry in the `retries` queue, when the socket has one. */
  queued?: QueuedPacket;
}

const isEvent = (packet: DecodedPacket | undefined) => packet?.type === "EVENT" || packet?.type === "BINARY_EVENT";

/**
 * Which frames carried what one socket delivers. Events are delivered in the order they arrived (replayed
 * ones too, held until `connect`), so an event takes the oldest event's frames; an ack takes the frames of
 * the ACK whose packet id answers its own emit, by the rule AckMatcher holds. One per socket: ids restart
 * with each.
 */
export class FrameMatcher {
  private events: Frames[] = [];
  private readonly acks = new AckMatcher<Frames>();
  /** The delivery the next binary attachment belongs to. */
  private current: Frames | undefined;
  /** Emits in the `retries` queue whose ack is awaited, by their queue entry. */
  private readonly retrying = new Map<QueuedPacket, PendingAck>();

  constructor(private readonly socket: Socket) {}

  /**
   * Call just before an emit that asks for an ack; call what it returns just after, to learn the emit's
   * packet id (it takes one at once, or with `retries` when each attempt goes out).
   */
  beforeAckedEmit(): () => PendingAck {
    const idBefore = nextAckId(this.socket);
    const queuedBefore = retryQueue(this.socket).length;
    return () => {
      const pending: PendingAck = { ids: [], frames: [] };
      // The ack's packet id is known once the emit has taken it, which is always before its ACK can arrive.
      if (nextAckId(this.socket) > idBefore) this.expect(pending, idBefore);
      const queue = retryQueue(this.socket);
      if (queue.length > queuedBefore) {
        pending.queued = queue.at(-1);
        if (pending.queued) this.retrying.set(pending.queued, pending);
      }
      return pending;
    };
  }

  /** The ack was delivered, or never will be (timed out, disconnected): stop waiting for its frames. */
  settle(pending: PendingAck): void {
    for (const id of pending.ids) this.acks.withdraw("to-server", "/", id);
    if (pending.queued) this.retrying.delete(pending.queued);
  }

  /** A message frame the socket sent: with `retries`, an attempt of the queue's head takes a new id. */
  sent(frame: string): void {
    if (this.retrying.size === 0) return;
    const head = retryQueue(this.socket)[0];
    const pending = head && this.retrying.get(head);
    const packet = pending ? decodeFrame(frame).packet : undefined;
    if (!pending || packet?.id === undefined || !isEvent(packet)) return;
    // socket.io-client retries only once the earlier attempt timed out, and ignores that attempt's late ACK.
    for (const id of pending.ids) this.acks.withdraw("to-server", "/", id);
    pending.ids = [];
    this.expect(pending, packet.id);
  }

  /** A message frame the socket received. */
  received(frame: string): void {
    if (frame.startsWith("<binary")) {
      this.current?.push(frame);
      return;
    }
    this.current = undefined;
    const packet = decodeFrame(frame).packet;
    if (!packet) return;
    if (isEvent(packet)) {
      this.current = [frame];
      this.events.push(this.current);
      return;
    }
    const answered = this.acks.track("to-client", packet, []);
    if (answered) {
      answered.push(frame);
      this.current = answered;
    }
  }

  takeEvent(): Frames {
    return this.events.shift() ?? [];
  }

  /** The socket connected: events it delivered are taken; anything left over was never delivered. */
  connected(): void {
    this.events = [];
    this.current = undefined;
  }

  private expect(pending: PendingAck, id: number): void {
    pending.ids.push(id);
    this.acks.ask("to-server", "/", id, pending.frames);
  }
}
