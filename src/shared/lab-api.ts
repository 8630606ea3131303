/** The shapes the HTTP control API speaks (docs/lab-api.md), shared by the server, the page and the tests. */

export interface LabLimits {
  maxClientsPerLab: number;
  maxEventsPerSecond: number;
  maxPayloadBytes: number;
  labIdleMs: number;
}

export interface LabInfo {
  id: string;
  lesson: string;
  /** The Socket.IO `path` option a client passes to reach this lab on the site's origin. */
  path: string;
  /** Where the lab serves its lesson's plain HTTP routes, e.g. `<httpPath>/tick`. */
  httpPath: string;
  /** Server-sent events stream of the lab's server log. */
  logUrl: string;
  server: {
    pingInterval: number;
    pingTimeout: number;
    connectionStateRecovery: false | { maxDisconnectionDuration: number };
  };
  limits: LabLimits;
  /** The lesson's live settings, e.g. how long the server waits before it acks. */
  settings: LabSetting[];
  /** Whose server code the lab runs: the lesson's own server.ts, or the learner's ("Run on my lab"). */
  serverCode?: "lesson" | "learner";
  /** A lab of several server nodes (Scaling): where each node and the balancer are, and how they are set up. */
  scaling?: ScalingInfo;
}

/** How a Scaling lab's nodes reach each other: not at all, the cluster adapter (IPC), or Redis Streams. */
export type AdapterKind = "none" | "cluster" | "redis-streams";

/** The Scaling lab's load balancer: round-robin spreads every request; sticky keeps a session on its node. */
export type Routing = "round-robin" | "sticky";

export interface ScalingInfo {
  /** Each node's Socket.IO `path`: a client on it talks to that node only. */
  nodes: { name: string; path: string }[];
  /** The balancer's Socket.IO `path`: each request goes to the node it picks. */
  balancerPath: string;
  adapter: AdapterKind;
  routing: Routing;
  /** Connection state recovery on every node (the lab's recovery window), or off. */
  recovery: boolean;
  /** Whether the playground has a Redis (REDIS_URL), which the Redis Streams adapter needs. */
  redis: boolean;
}

/** `PUT /api/labs/<id>/nodes`: any of these; a changed adapter or recovery restarts the nodes. */
export interface ScalingChange {
  adapter?: AdapterKind;
  routing?: Routing;
  recovery?: boolean;
}

export interface LabSetting {
  name: string;
  label: string;
  min: number;
  max: number;
  default: number;
  value: number;
}

export interface ApiError {
  error: { code: string; message: string };
}

/** What the lab sends a client, as the `lab:error` event, right before it refuses or disconnects it. */
export interface LabErrorPayload {
  code: "rate_limited" | "lab_full" | "too_many_rooms";
  message: string;
}

export const LAB_ERROR_EVENT = "lab:error";
