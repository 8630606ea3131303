import { PACKET_FAULT_LIMITS, type PacketKind } from "../../shared/packet-faults.js";

/** What a packet fault needs to know of one Engine.IO packet, read from its first characters only. */
export interface PacketInfo {
  /** What a fault can pick it by; "other" for CONNECT, DISCONNECT, open, close and the like. */
  kind: PacketKind | "other";
  /** An event's name, when its first argument is a string short enough to match a fault's. */
  event?: string;
  /** The packet id: an event's that asks for an ack, or the ack's that answers it. */
  id?: number;
  /** Binary attachments that follow this packet as packets of their own (BINARY_EVENT, BINARY_ACK). */
  attachments: number;
  /** Transport housekeeping, not the connection's traffic: open, upgrade probes, the upgrade, noop. */
  housekeeping: boolean;
}

/**
 * How much of a packet is read: the Socket.IO header (type, attachments, namespace, id) and an event name
 * fit well within it, and a hostile packet of a megabyte costs no more than a short one.
 */
export const PACKET_PREFIX_CHARS = 512;

const OTHER: PacketInfo = { kind: "other", attachments: 0, housekeeping: false };
const HOUSEKEEPING: PacketInfo = { kind: "other", attachments: 0, housekeeping: true };
/** Socket.IO packet types (socket.io-parser's PacketType): EVENT, ACK, BINARY_EVENT, BINARY_ACK. */
const EVENT = "2";
const ACK = "3";
const BINARY_EVENT = "5";
const BINARY_ACK = "6";

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= "0" && char <= "9";
}

/**
 * Reads one Engine.IO packet as text (`42["chat","hi"]`, `2`, `3probe`, `451-[…]`, `42/admin,7[…]`), by the
 * rules of engine.io-parser and socket.io-parser. Never throws, and reads at most PACKET_PREFIX_CHARS.
 */
export function readPacket(packet: string): PacketInfo {
  const text = packet.length > PACKET_PREFIX_CHARS ? packet.slice(0, PACKET_PREFIX_CHARS) : packet;
  switch (text[0]) {
    case "2":
      return text === "2probe" ? HOUSEKEEPING : { kind: "ping", attachments: 0, housekeeping: false };
    case "3":
      return text === "3probe" ? HOUSEKEEPING : { kind: "pong", attachments: 0, housekeeping: false };
    // The open packet comes before the connection is one (over polling, in the handshake the link does not read).
    case "0":
    case "5":
    case "6":
      return HOUSEKEEPING;
    case "4":
      return readSocketPacket(text);
    default:
      return OTHER;
  }
}

function readSocketPacket(text: string): PacketInfo {
  const type = text[1];
  if (type !== EVENT && type !== ACK && type !== BINARY_EVENT && type !== BINARY_ACK) return OTHER;
  let i = 2;
  let attachments = 0;
  if (type === BINARY_EVENT || type === BINARY_ACK) {
    const start = i;
    while (isDigit(text[i]) && i - start < 6) i += 1;
    if (text[i] !== "-" || i === start) return OTHER;
    attachments = Number(text.slice(start, i));
    i += 1;
  }
  if (text[i] === "/") {
    const comma = text.indexOf(",", i);
    if (comma === -1) return OTHER;
    i = comma + 1;
  }
  const idStart = i;
  while (isDigit(text[i]) && i - idStart < 16) i += 1;
  const id = i > idStart ? Number(text.slice(idStart, i)) : undefined;
  const kind = type === EVENT || type === BINARY_EVENT ? "event" : "ack";
  const info: PacketInfo = { kind, attachments, housekeeping: false, ...(id !== undefined && { id }) };
  if (kind === "event") {
    const event = eventName(text, i);
    if (event !== undefined) info.event = event;
  }
  return info;
}

/** The first element of the JSON array at `start`, if it is a string of at most maxEventName characters. */
function eventName(text: string, start: number): string | undefined {
  let i = start;
  if (text[i] !== "[") return undefined;
  i += 1;
  while (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r") i += 1;
  if (text[i] !== '"') return undefined;
  const open = i;
  // An escape takes up to six characters (\uXXXX) for one of the name's.
  const end = Math.min(text.length, open + 2 + PACKET_FAULT_LIMITS.maxEventName * 6);
  for (i = open + 1; i < end; i += 1) {
    if (text[i] === "\\") i += 1;
    else if (text[i] === '"') {
      try {
        const name: unknown = JSON.parse(text.slice(open, i + 1));
        return typeof name === "string" && name.length <= PACKET_FAULT_LIMITS.maxEventName ? name : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
