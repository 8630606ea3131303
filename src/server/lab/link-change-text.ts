import type { LinkState } from "../../shared/network.js";

/** The server log's sentences for a change of a client's link faults; the lab and an exported script both say them. */
export function describeChange(before: LinkState, after: LinkState): string[] {
  const changes: string[] = [];
  if (before.offline !== after.offline) changes.push(after.offline ? "Offline: cut, and every new attempt refused" : "Back online");
  if (before.blackhole !== after.blackhole) {
    changes.push(after.blackhole ? "Blackhole: nothing flows either way, nothing is closed" : "Blackhole lifted");
  }
  if (before.blockWebSocket !== after.blockWebSocket) {
    changes.push(after.blockWebSocket ? "Block WebSocket: upgrades refused, polling still passes" : "WebSocket allowed again");
  }
  if (before.latencyMs !== after.latencyMs || before.jitterMs !== after.jitterMs) {
    changes.push(`Latency ${after.latencyMs} ms${after.jitterMs ? ` (+ up to ${after.jitterMs} ms jitter)` : ""}`);
  }
  return changes;
}
