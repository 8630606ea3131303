/**
 * Socket.IO-aware faults on one client's link (issue [7/8]): unlike a TCP proxy's, they pick packets by what
 * they are (an event and its name, an ack, a ping or pong), in one direction. The lab applies them to the real
 * frames (src/server/lab/), the control API and the panels set them, and scenarios name them as steps.
 *
 * This file is the contract both sides and the scenario format share: fields may be added, not renamed.
 */

/** Which way a packet travels on the link. */
export const DIRECTIONS = ["toServer", "toClient"] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * What a packet is: a Socket.IO event (EVENT or BINARY_EVENT), an ack (ACK or BINARY_ACK), or an Engine.IO
 * heartbeat (ping, pong). Probe pings of an upgrade are not heartbeats and are never matched.
 */
export const PACKET_KINDS = ["event", "ack", "ping", "pong"] as const;
export type PacketKind = (typeof PACKET_KINDS)[number];

/** The packets a fault picks: of one kind, and for events optionally of one event name. */
export interface PacketMatch {
  kind: PacketKind;
  /** Only events of this name (kind "event" only). */
  event?: string;
}

export type PacketFault =
  /** Drop the next `next` matching packets, or (with `every`) every Nth matching packet until lifted. */
  | { type: "drop"; direction: Direction; match: PacketMatch; next?: number; every?: number }
  /** Hold back every ack in this direction by `delayMs`; other packets pass (order among acks is kept). */
  | { type: "delayAcks"; direction: Direction; delayMs: number }
  /** Send each of the next `next` matching events twice. */
  | { type: "duplicate"; direction: Direction; match: PacketMatch; next: number }
  /** Close the connection after `packets` more packets in this direction (of any kind). */
  | { type: "closeAfter"; direction: Direction; packets: number };

export type PacketFaultType = PacketFault["type"];

/** A fault as the lab holds it: with its id, and how much of it is left (for "next N" and "after N"). */
export type ActivePacketFault = PacketFault & { id: string; remaining?: number };

export const PACKET_FAULT_LIMITS = {
  /** Faults one client's link may hold at once. */
  maxFaults: 8,
  /** The largest `next`, `every` or `packets`. */
  maxCount: 1_000,
  maxDelayMs: 10_000,
  maxEventName: 64,
  /**
   * Server log lines about faulted packets, per client per second; past it, one line says how many more
   * (a fault on every event of a flood must not flood the log and its readers).
   */
  maxFaultLinesPerSecond: 20,
} as const;

/** On a server log "fault" line about one packet: what was done to it, so the timeline can mark it. */
export interface PacketFaultMark {
  faultId: string;
  action: "dropped" | "duplicated" | "delayed" | "closed";
  direction: Direction;
  /** The start of the packet as it is on the wire, e.g. `430["ok"]`. */
  frame: string;
}
