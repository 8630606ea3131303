import type { EventEmitter } from "node:events";

/** An Engine.IO packet as the connection's events hand it on (engine.io 6.6, internal). */
export interface TappedPacket {
  type: string;
  data?: string | Buffer | ArrayBuffer | ArrayBufferView;
}

/**
 * One lab rule's part in one Engine.IO connection's events. A rule is an object with these methods, not a
 * set of closures: each closure is a function and a scope of its own, and with a handful per rule and
 * thousands of connections under load they were a good part of the heap V8 marks ([8/8]).
 */
export interface ConnectionTap {
  /** A packet received from the client. */
  packet?(packet: TappedPacket): void;
  /** A packet queued for the client. */
  packetCreate?(packet: TappedPacket): void;
  /** Queued packets handed to the transport. */
  flush?(packets: TappedPacket[]): void;
  /** The connection moved to a new transport (long-polling to WebSocket). */
  upgrade?(transport: object): void;
}

const TAPS = Symbol("the lab rules' taps on this Engine.IO connection");
type Tapped = Pick<EventEmitter, "on"> & { [TAPS]?: ConnectionTap[] };

// The same listeners on every connection, each finding its taps on the connection it fires on: closures
// made per connection would be more functions and a scope each, thousands under load.
function onPacket(this: Tapped, packet: TappedPacket): void {
  for (const tap of this[TAPS] ?? []) tap.packet?.(packet);
}

function onPacketCreate(this: Tapped, packet: TappedPacket): void {
  for (const tap of this[TAPS] ?? []) tap.packetCreate?.(packet);
}

function onFlush(this: Tapped, packets: TappedPacket[]): void {
  for (const tap of this[TAPS] ?? []) tap.flush?.(packets);
}

function onUpgrade(this: Tapped, transport: object): void {
  for (const tap of this[TAPS] ?? []) tap.upgrade?.(transport);
}

/**
 * The lab rules (socket-log, flood-cap, outgoing-cap, blind-pongs) each listen to these events, which fire
 * for every frame. Behind one listener per event: Node's `emit` copies an event's listener array on every
 * emit once it has more than one, and the copies were garbage made per frame ([8/8]). Taps hear in the
 * order they were added.
 */
export function addTap(connection: Pick<EventEmitter, "on">, tap: ConnectionTap): void {
  const tapped: Tapped = connection;
  const known = tapped[TAPS];
  if (known) return void known.push(tap);
  tapped[TAPS] = [tap];
  connection.on("packet", onPacket);
  connection.on("packetCreate", onPacketCreate);
  connection.on("flush", onFlush);
  connection.on("upgrade", onUpgrade);
}

/** Whether a tap of this kind is already on the connection: a rule applied twice must act once. */
export function hasTap(connection: Pick<EventEmitter, "on">, kind: abstract new (...args: never[]) => ConnectionTap): boolean {
  return ((connection as Tapped)[TAPS] ?? []).some((tap) => tap instanceof kind);
}
