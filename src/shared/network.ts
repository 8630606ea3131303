/** The faults a learner can put on one client's link to its lab (docs/lab-api.md, "Network faults"). */
export interface LinkState {
  /** Nothing flows either way and nothing is closed, until lifted. */
  blackhole: boolean;
  /** The connection is cut and every new attempt is refused, until back online. */
  offline: boolean;
  /** Added to every frame in both directions; order is kept. */
  latencyMs: number;
  /** Up to this much more, at random, per frame. */
  jitterMs: number;
  /** WebSocket upgrades are refused (403), as a strict proxy would; HTTP long-polling still passes. */
  blockWebSocket: boolean;
}

export const FAULT_LIMITS = { maxLatencyMs: 10_000, maxJitterMs: 5_000 };

/** Client names travel in the `client` query parameter of every request, so faults can follow reconnections. */
export const CLIENT_NAME = /^[A-Za-z0-9 _-]{1,32}$/;
