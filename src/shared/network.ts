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

/** One WebSocket handshake as the lab's end of the connection saw it: the upgrade request and the answer. */
export interface Handshake {
  at: number;
  /** The request line, then each header as received (cookies and credentials hidden). */
  request: string[];
  /** The status line, then each header the lab answered with, e.g. `HTTP/1.1 101 Switching Protocols`. */
  response: string[];
}

/**
 * What one named client's traffic cost on the wire, counted where the lab reads and writes its bytes: request
 * lines, headers and bodies, responses with their headers, and every WebSocket frame (docs/lab-api.md).
 */
export interface LinkTraffic {
  client: string;
  /** HTTP requests this client made to the lab, WebSocket upgrade requests included. */
  requests: number;
  /** WebSocket connections the lab accepted from it. */
  websockets: number;
  bytesToServer: number;
  bytesToClient: number;
  /** The most recent WebSocket handshake, accepted or refused. */
  handshake?: Handshake;
}
