import type { ServerLogEntry } from "../../shared/server-log.js";

/** How a lab's nodes reach each other: not at all, the cluster adapter over IPC, or Redis Streams. */
export type AdapterKind = "none" | "cluster" | "redis-streams";

/** What a node process is started with (JSON in its PLAYGROUND_NODE environment variable). */
export interface NodeConfig {
  /** "A", "B", ...: shown to the learner with everything the node does. */
  name: string;
  /** Keeps one lab's Redis streams, channels and sessions apart from every other lab's. */
  labKey: string;
  adapter: AdapterKind;
  redisUrl?: string;
  /** 0: connection state recovery off. */
  recoveryMs: number;
  pingInterval: number;
  pingTimeout: number;
  maxPayloadBytes: number;
}

/** Node to host, over the IPC channel. The cluster adapter's own messages carry `source` instead of `type`. */
export type NodeMessage =
  | { type: "ready"; port: number }
  | { type: "log"; entry: ServerLogEntry }
  | { type: "failed"; message: string };

/** Host to node. */
export type HostMessage = { type: "close" };

export const NODE_CONFIG_ENV = "PLAYGROUND_NODE";

/** The cluster adapter marks its IPC messages so that a primary can relay them between workers. */
export function isAdapterMessage(message: unknown): message is { source: string; uid?: string; requesterUid?: string } {
  return typeof message === "object" && message !== null && (message as { source?: unknown }).source === "_sio_adapter";
}
