import type { LinkState } from "../../shared/network.js";

const BOOLEAN_KEYS = ["blackhole", "offline", "blockWebSocket"] as const;
const NUMBER_KEYS = ["latencyMs", "jitterMs"] as const;

/** Reads a PUT body of link faults; returns what to change, or why the body is refused. */
export function parseLinkChange(body: unknown): Partial<LinkState> | string {
  if (!body || typeof body !== "object" || Array.isArray(body)) return 'Send a JSON object, e.g. {"blackhole": true}.';
  const change: Partial<LinkState> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "boolean") return `"${key}" must be true or false.`;
      change[key as (typeof BOOLEAN_KEYS)[number]] = value;
    } else if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return `"${key}" must be a number of milliseconds, 0 or more.`;
      change[key as (typeof NUMBER_KEYS)[number]] = value;
    } else {
      return `Unknown fault "${key.slice(0, 32)}": use blackhole, offline, blockWebSocket, latencyMs or jitterMs.`;
    }
  }
  return change;
}
