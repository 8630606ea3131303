import type { Direction, PacketFault, PacketKind, PacketMatch } from "./packet-faults.js";

/** "to Alice" or "from Alice": which way the packet goes, in the learner's words. */
export function directionText(direction: Direction, client: string): string {
  return direction === "toClient" ? `to ${client}` : `from ${client}`;
}

/** " to Alice", or nothing where the client is already said (a log line about Alice's packet). */
function way(direction: Direction, client: string | undefined): string {
  return client === undefined ? "" : ` ${directionText(direction, client)}`;
}

function kindText(kind: PacketKind, count: number): string {
  return count === 1 ? kind : `${kind}s`;
}

function matchText(match: PacketMatch, count: number): string {
  const name = match.kind === "event" && match.event !== undefined ? ` "${match.event}"` : "";
  return `${kindText(match.kind, count)}${name}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th"}`;
}

/**
 * What a packet fault does, as the panels, the log and the scenario steps say it, e.g. "drop next 1 ack to
 * Alice" or "drop every 2nd event \"chat\" from Bob"; without a client, the direction is left out.
 */
export function describePacketFault(fault: PacketFault, client?: string): string {
  const to = way(fault.direction, client);
  switch (fault.type) {
    case "drop":
      if (fault.every !== undefined) return `drop every ${ordinal(fault.every)} ${matchText(fault.match, 1)}${to}`;
      return `drop next ${fault.next ?? 1} ${matchText(fault.match, fault.next ?? 1)}${to}`;
    case "delayAcks":
      return `delay acks${to} by ${fault.delayMs} ms`;
    case "duplicate":
      return `duplicate next ${fault.next} ${matchText(fault.match, fault.next)}${to}`;
    case "closeAfter":
      return `close after ${fault.packets} ${fault.packets === 1 ? "packet" : "packets"}${to}`;
  }
}
