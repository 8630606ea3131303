import type { PacketFaultMark } from "../../shared/packet-faults.js";

/** An icon for what a packet fault did, beside the words that say it (the mark is never colour alone). */
const ICONS: Record<PacketFaultMark["action"], string> = {
  dropped: "✂",
  duplicated: "⧉",
  delayed: "⏱",
  closed: "⛔",
};

/**
 * What the timeline writes on a client's lane for a server log "fault" line: a packet fault's says what it
 * did to which packet, where that packet would have crossed (e.g. "✂ packet fault: dropped ack 3 to Alice
 * (drop next 1 ack): 430["ok"]"); any other fault keeps the lightning mark.
 */
export function faultSummary(entry: { message: string; packet?: PacketFaultMark }): string {
  if (!entry.packet) return `⚡ ${entry.message}`;
  return `${ICONS[entry.packet.action]} packet fault: ${entry.message}: ${entry.packet.frame}`;
}
