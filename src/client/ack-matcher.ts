import type { DecodedPacket } from "../shared/frame-decoder.js";

/** Which way a packet travelled. */
export type WireDirection = "to-server" | "to-client";

/**
 * Pairs each acknowledgement with the emit that asked for it, the one rule Socket.IO itself uses: an ACK
 * answers the EVENT that travelled the other way on the same connection, in the same namespace, with the same
 * packet id. The timeline links its entries with it and the virtual client gives each ack its own frames, so
 * the rule lives here once. One matcher per connection: ids restart with each one.
 */
export class AckMatcher<T> {
  private readonly asks = new Map<string, T>();

  /**
   * Feeds one packet: an emit with an id is remembered with `value`; an ack returns (and forgets) the value of
   * the emit it answers, if this matcher saw it.
   */
  track(direction: WireDirection, packet: DecodedPacket, value: T): T | undefined {
    if (packet.id === undefined) return undefined;
    if (packet.type === "EVENT" || packet.type === "BINARY_EVENT") {
      this.ask(direction, packet.nsp, packet.id, value);
      return undefined;
    }
    if (packet.type !== "ACK" && packet.type !== "BINARY_ACK") return undefined;
    const key = keyOf(direction === "to-client" ? "to-server" : "to-client", packet.nsp, packet.id);
    const asked = this.asks.get(key);
    this.asks.delete(key);
    return asked;
  }

  /** Remembers an emit known only by its id, e.g. before its frame is on the wire (buffered while offline). */
  ask(direction: WireDirection, nsp: string, id: number, value: T): void {
    this.asks.set(keyOf(direction, nsp, id), value);
  }

  /** Forgets one emit whose ack will never be read: it timed out, or the caller gave up on it. */
  withdraw(direction: WireDirection, nsp: string, id: number): void {
    this.asks.delete(keyOf(direction, nsp, id));
  }

  /** A new connection: ack ids start again at 0, so earlier asks can no longer be answered. */
  forget(): void {
    this.asks.clear();
  }
}

function keyOf(direction: WireDirection, nsp: string, id: number): string {
  return `${direction}|${nsp}|${id}`;
}
