import type { DecodedPacket } from "../../shared/frame-decoder.js";
import { AckMatcher, type WireDirection } from "../ack-matcher.js";

/**
 * The page's own bookkeeping on a learner's socket: events a lab box emits for itself, not because the
 * learner asked (Rooms' "Run" sends one `sync` per client to know the send has arrived). They have to
 * travel on the learner's own connection, since only that connection's order proves anything, so they are
 * recognised instead, by name, with the acks that answer them, and the timeline and server log keep them
 * apart from the learner's traffic.
 *
 * A lesson declares its events from its component's script, before the lab opens; the page has one lab.
 * A learner who emits the same name from the emit form is counted as the page too: the lesson's server
 * gives those names no other meaning.
 */
const declared = new Map<string, string>();

/** Declares `event` as the page's own; `why` is what the learner is told it is for. */
export function declarePageEvent(event: string, why: string): void {
  declared.set(event, why);
}

/** Why the page emits `event`, or undefined when it is not the page's. */
export function pageEventReason(event: string): string | undefined {
  return declared.get(event);
}

/**
 * Recognises the page's frames on one connection: an EVENT named as the page's, and the ACK that answers
 * it (same connection, namespace and id, the rule AckMatcher holds). One per connection: ids restart.
 */
export class PageFrames {
  private readonly asks = new AckMatcher<string>();

  constructor(private readonly reasonOf: (event: string) => string | undefined = pageEventReason) {}

  /** The reason when `packet` is the page's own, else undefined. */
  classify(direction: WireDirection, packet: DecodedPacket): string | undefined {
    const isEvent = packet.type === "EVENT" || packet.type === "BINARY_EVENT";
    const reason = isEvent && packet.event !== undefined ? this.reasonOf(packet.event) : undefined;
    if (isEvent) {
      if (reason !== undefined && packet.id !== undefined) this.asks.ask(direction, packet.nsp, packet.id, reason);
      return reason;
    }
    return this.asks.track(direction, packet, "");
  }

  forget(): void {
    this.asks.forget();
  }
}
