import type { EventEmitter } from "node:events";

/** An Engine.IO packet as the connection's events hand it on (engine.io 6.6, internal). */
export interface TappedPacket {
  type: string;
  data?: string | Buffer | ArrayBuffer | ArrayBufferView;
}

/** The lab rules' listeners on one Engine.IO connection's per-packet events. */
export interface ConnectionTaps {
  /** A packet received from the client. */
  packet: ((packet: TappedPacket) => void)[];
  /** A packet queued for the client. */
  packetCreate: ((packet: TappedPacket) => void)[];
  /** Queued packets handed to the transport. */
  flush: ((packets: TappedPacket[]) => void)[];
}

const taps = new WeakMap<object, ConnectionTaps>();

/**
 * The lab rules (socket-log, flood-cap, outgoing-cap, blind-pongs) each listen to these events, which fire
 * for every frame. Behind one listener per event: Node's `emit` copies an event's listener array on every
 * emit once it has more than one, and the copies were garbage made per frame ([8/8]).
 */
export function tapsOf(connection: Pick<EventEmitter, "on">): ConnectionTaps {
  const known = taps.get(connection);
  if (known) return known;
  const made: ConnectionTaps = { packet: [], packetCreate: [], flush: [] };
  connection.on("packet", (packet: TappedPacket) => {
    for (const listener of made.packet) listener(packet);
  });
  connection.on("packetCreate", (packet: TappedPacket) => {
    for (const listener of made.packetCreate) listener(packet);
  });
  connection.on("flush", (packets: TappedPacket[]) => {
    for (const listener of made.flush) listener(packets);
  });
  taps.set(connection, made);
  return made;
}
