import { decodeFrame } from "../shared/frame-decoder.js";
import { AckMatcher } from "./ack-matcher.js";

/** The frames that carried one delivery: the packet's own frame, then its binary attachments. */
export type Frames = string[];

/**
 * The message frames a client received, held until socket.io-client delivers what they carried. Events are
 * delivered in the order they arrived (replayed ones too, held until `connect`), so an event takes the oldest
 * event's frames; an ack takes the frames of the ACK whose packet id answers its own emit.
 */
export class ReceivedFrames {
  private events: Frames[] = [];
  private readonly acks = new AckMatcher<Frames>();
  /** The delivery the next binary attachment belongs to. */
  private current: Frames | undefined;

  /** Fills `frames` with what the ACK answering packet id `id` brings, when it arrives. */
  expectAck(id: number, frames: Frames): void {
    this.acks.ask("to-server", "/", id, frames);
  }

  /** The ack of packet id `id` was delivered, or will never be (timed out): stop waiting for its frames. */
  settleAck(id: number): void {
    this.acks.withdraw("to-server", "/", id);
  }

  add(frame: string): void {
    if (frame.startsWith("<binary")) {
      this.current?.push(frame);
      return;
    }
    this.current = undefined;
    const packet = decodeFrame(frame).packet;
    if (!packet) return;
    if (packet.type === "EVENT" || packet.type === "BINARY_EVENT") {
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

  /** The client connected: events it delivered are taken; anything left over was never delivered. */
  connected(): void {
    this.events = [];
    this.current = undefined;
  }
}
