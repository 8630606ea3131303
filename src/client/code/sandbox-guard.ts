/**
 * The page's reading of what the sandbox sends. Learner code can reach the worker's real `postMessage` and
 * send anything, so every message is checked here, field by field, and its text cut to the limits before the
 * page shows any of it. Structured clone has already made it plain data (no getters, no proxies), but its
 * arrays may be huge or sparse: only the first few entries are ever read.
 */
import { CONSOLE_LEVELS, type ConsoleLevel, type ConsoleLine, type SandboxMessage, type WirePacket } from "./sandbox-protocol.js";
import { LINE_MAX_CHARS, LINES_PER_FLUSH, MARKER_MAX_CHARS, PACKETS_PER_FLUSH, truncate, WIRE_DATA_MAX_CHARS } from "./run-limits.js";

/** A message as the page will use it, and roughly how many bytes of text it brought. */
export interface CheckedMessage {
  message: SandboxMessage;
  bytes: number;
}

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const optionalCount = (value: unknown): value is number | undefined => value === undefined || isCount(value);
const PACKET_TYPES = new Set(["open", "close", "ping", "pong", "message", "upgrade", "noop"]);
/** What a message costs beyond its text: enough that a flood of empty messages still weighs something. */
const OVERHEAD_BYTES = 32;

function consoleLine(value: unknown): { line: ConsoleLine; bytes: number } | undefined {
  if (!isFields(value) || typeof value.text !== "string" || !CONSOLE_LEVELS.includes(value.level as ConsoleLevel)) return undefined;
  return {
    line: { level: value.level as ConsoleLevel, text: truncate(value.text, LINE_MAX_CHARS, MARKER_MAX_CHARS) },
    bytes: value.text.length,
  };
}

function wirePacket(value: unknown): { packet: WirePacket; bytes: number } | undefined {
  if (!isFields(value)) return undefined;
  const { at, direction, packetType, data, bytes } = value;
  if (typeof at !== "number" || !Number.isFinite(at)) return undefined;
  if (direction !== "to-server" && direction !== "to-client") return undefined;
  if (typeof packetType !== "string" || !PACKET_TYPES.has(packetType)) return undefined;
  if (data !== undefined && typeof data !== "string") return undefined;
  if (!optionalCount(bytes)) return undefined;
  const packet: WirePacket = { at, direction, packetType };
  if (data !== undefined) packet.data = truncate(data, WIRE_DATA_MAX_CHARS, MARKER_MAX_CHARS);
  if (bytes !== undefined) packet.bytes = bytes;
  return { packet, bytes: data?.length ?? 0 };
}

/** Reads up to `max` entries of a list; more are counted as dropped, a malformed one makes the whole list invalid. */
function readList<T>(value: unknown, max: number, read: (entry: unknown) => { item: T; bytes: number } | undefined) {
  if (!Array.isArray(value)) return undefined;
  const items: T[] = [];
  let bytes = 0;
  for (let i = 0; i < Math.min(value.length, max); i++) {
    const entry = read(value[i]);
    if (!entry) return undefined;
    items.push(entry.item);
    bytes += entry.bytes;
  }
  return { items, bytes, extra: Math.max(0, value.length - max) };
}

const withDropped = (dropped: number) => (dropped > 0 ? { dropped } : {});

/** The message the sandbox sent, checked and cut to the limits, or undefined when it is not one the page knows. */
export function checkSandboxMessage(value: unknown): CheckedMessage | undefined {
  if (!isFields(value)) return undefined;
  switch (value.type) {
    case "ready":
      return { message: { type: "ready" }, bytes: OVERHEAD_BYTES };
    case "pong":
      return isCount(value.n) ? { message: { type: "pong", n: value.n }, bytes: OVERHEAD_BYTES } : undefined;
    case "console": {
      const list = readList(value.lines, LINES_PER_FLUSH, (entry) => {
        const read = consoleLine(entry);
        return read && { item: read.line, bytes: read.bytes };
      });
      if (!list || !optionalCount(value.dropped)) return undefined;
      const dropped = (value.dropped ?? 0) + list.extra;
      return { message: { type: "console", lines: list.items, ...withDropped(dropped) }, bytes: OVERHEAD_BYTES + list.bytes };
    }
    case "error": {
      const { message, line, dropped } = value;
      if (typeof message !== "string" || !optionalCount(dropped)) return undefined;
      if (line !== undefined && !(isCount(line) && line > 0)) return undefined;
      return {
        message: {
          type: "error",
          message: truncate(message, LINE_MAX_CHARS, MARKER_MAX_CHARS),
          ...(line === undefined ? {} : { line }),
          ...withDropped(dropped ?? 0),
        },
        bytes: OVERHEAD_BYTES + message.length,
      };
    }
    case "wire": {
      const list = readList(value.packets, PACKETS_PER_FLUSH, (entry) => {
        const read = wirePacket(entry);
        return read && { item: read.packet, bytes: read.bytes };
      });
      if (!list || !optionalCount(value.dropped)) return undefined;
      const dropped = (value.dropped ?? 0) + list.extra;
      return { message: { type: "wire", packets: list.items, ...withDropped(dropped) }, bytes: OVERHEAD_BYTES + list.bytes };
    }
    case "flood":
      return isCount(value.messages) && isCount(value.bytes)
        ? { message: { type: "flood", messages: value.messages, bytes: value.bytes }, bytes: OVERHEAD_BYTES }
        : undefined;
    default:
      return undefined;
  }
}
