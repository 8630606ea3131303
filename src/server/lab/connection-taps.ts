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

const TAPS = Symbol("the lab rules' listeners on this Engine.IO connection");
type Tapped = Pick<EventEmitter, "on"> & { [TAPS]?: ConnectionTaps };

// The same three listeners on every connection, each finding its taps on the connection it fires on:
// closures made per connection would be three more functions and a scope each, thousands under load.
function onPacket(this: Tapped, packet: TappedPacket): void {
  for (const listener of this[TAPS]?.packet ?? []) listener(packet);
}

function onPacketCreate(this: Tapped, packet: TappedPacket): void {
  for (const listener of this[TAPS]?.packetCreate ?? []) listener(packet);
}

function onFlush(this: Tapped, packets: TappedPacket[]): void {
  for (const listener of this[TAPS]?.flush ?? []) listener(packets);
}

/**
 * The lab rules (socket-log, flood-cap, outgoing-cap, blind-pongs) each listen to these events, which fire
 * for every frame. Behind one listener per event: Node's `emit` copies an event's listener array on every
 * emit once it has more than one, and the copies were garbage made per frame ([8/8]).
 */
export function tapsOf(connection: Pick<EventEmitter, "on">): ConnectionTaps {
  const tapped: Tapped = connection;
  const known = tapped[TAPS];
  if (known) return known;
  const made: ConnectionTaps = { packet: [], packetCreate: [], flush: [] };
  tapped[TAPS] = made;
  connection.on("packet", onPacket);
  connection.on("packetCreate", onPacketCreate);
  connection.on("flush", onFlush);
  return made;
}
