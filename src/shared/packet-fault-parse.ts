import { DIRECTIONS, PACKET_FAULT_LIMITS, PACKET_KINDS, type Direction, type PacketFault, type PacketMatch } from "./packet-faults.js";

const TYPES = ["drop", "delayAcks", "duplicate", "closeAfter"] as const;
const KEYS: Record<PacketFault["type"], readonly string[]> = {
  drop: ["type", "direction", "match", "next", "every"],
  delayAcks: ["type", "direction", "delayMs"],
  duplicate: ["type", "direction", "match", "next"],
  closeAfter: ["type", "direction", "packets"],
};

type Parsed<T> = T | { error: string };
const fail = (error: string) => ({ error });
const failed = (value: unknown): value is { error: string } => typeof value === "object" && value !== null && "error" in value;

function count(value: unknown, name: string, min: number): Parsed<number> {
  const { maxCount } = PACKET_FAULT_LIMITS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > maxCount) {
    return fail(`"${name}" must be a whole number from ${min} to ${maxCount}.`);
  }
  return value;
}

function match(value: unknown): Parsed<PacketMatch> {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return fail('"match" must be an object such as {"kind": "ack"} or {"kind": "event", "event": "chat"}.');
  }
  const { kind, event, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return fail(`"match" has no field "${unknown.slice(0, 32)}": use kind and event.`);
  if (!(PACKET_KINDS as readonly unknown[]).includes(kind)) return fail(`"match.kind" is one of ${PACKET_KINDS.join(", ")}.`);
  if (event === undefined) return { kind: kind as PacketMatch["kind"] };
  if (kind !== "event") return fail('"match.event" names an event, so it goes with "kind": "event" only.');
  if (typeof event !== "string" || event.length === 0 || event.length > PACKET_FAULT_LIMITS.maxEventName) {
    return fail(`"match.event" must be an event name of 1 to ${PACKET_FAULT_LIMITS.maxEventName} characters.`);
  }
  return { kind: "event", event };
}

/**
 * Reads a packet fault (a control API body, or a scenario step's): the fault, or why it is refused, in
 * words a learner can act on. Unknown fields are refused, so a typo never passes as a fault that does nothing.
 */
export function parsePacketFault(body: unknown): PacketFault | { error: string } {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return fail('Send a JSON object, e.g. {"type": "drop", "direction": "toClient", "match": {"kind": "ack"}, "next": 1}.');
  }
  const fields = body as Record<string, unknown>;
  const type = fields.type as PacketFault["type"];
  if (!TYPES.includes(type)) return fail(`"type" is one of ${TYPES.join(", ")}.`);
  const unknown = Object.keys(fields).find((key) => !KEYS[type].includes(key));
  if (unknown !== undefined) return fail(`A "${type}" fault has no field "${unknown.slice(0, 32)}": use ${KEYS[type].join(", ")}.`);
  const direction = fields.direction as Direction;
  if (!DIRECTIONS.includes(direction)) return fail(`"direction" is one of ${DIRECTIONS.join(", ")}.`);
  switch (type) {
    case "drop": {
      const picked = match(fields.match);
      if (failed(picked)) return picked;
      if ((fields.next === undefined) === (fields.every === undefined)) {
        return fail('A drop needs one of "next" (drop the next N) or "every" (drop every Nth), not both.');
      }
      if (fields.every !== undefined) {
        const every = count(fields.every, "every", 1);
        return failed(every) ? every : { type, direction, match: picked, every };
      }
      const next = count(fields.next, "next", 1);
      return failed(next) ? next : { type, direction, match: picked, next };
    }
    case "duplicate": {
      const picked = match(fields.match);
      if (failed(picked)) return picked;
      const next = count(fields.next ?? 1, "next", 1);
      return failed(next) ? next : { type, direction, match: picked, next };
    }
    case "delayAcks": {
      const { delayMs } = fields;
      const most = PACKET_FAULT_LIMITS.maxDelayMs;
      if (typeof delayMs !== "number" || !Number.isInteger(delayMs) || delayMs < 1 || delayMs > most) {
        return fail(`"delayMs" must be a whole number of milliseconds from 1 to ${most}.`);
      }
      return { type, direction, delayMs };
    }
    case "closeAfter": {
      const packets = count(fields.packets, "packets", 1);
      return failed(packets) ? packets : { type, direction, packets };
    }
  }
}
