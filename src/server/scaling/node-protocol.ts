import type { ServerState } from "../lab/inspector-state.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import type { FloodDebt, FloodSpend } from "../lab/flood-cap.js";

import type { AdapterKind } from "../../shared/lab-api.js";
import type { CompiledServerCode } from "../sandbox/compile.js";
import type { SandboxLimits } from "../sandbox/sandbox-limits.js";

export type { AdapterKind };

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
  /** Sockets one node holds at once; one more gets a connect_error saying so. */
  maxClients: number;
  /** Events one socket may send per second; a flood is disconnected. */
  maxEventsPerSecond: number;
  /** Bytes queued for one connection that its client has not read; unset, the playground's default. */
  maxOutgoingBytes?: number;
  /** Rooms one node holds at once (each socket's own room not counted); a join past it is refused. */
  maxRooms: number;
  /** Packets the in-memory adapter keeps for recovery; unset, the playground's default. */
  maxRecoveryPackets?: number;
  /**
   * Set when the node runs a learner's server code in a sandbox instead of the lesson's: the code itself
   * comes as the host's first IPC message (`code`), too large for an environment variable.
   */
  learnerCode?: SandboxLimits;
}

/** What a node reports of its state for the inspector: its sockets, rooms, recovery buffer and options. */
export type NodeState = ServerState;

/** Node to host, over the IPC channel. The cluster adapter's own messages carry `source` instead of `type`. */
export type NodeMessage =
  | { type: "ready"; port: number }
  | { type: "log"; entry: ServerLogEntry }
  | { type: "state"; state: NodeState }
  | { type: "failed"; message: string }
  /** The learner's code on this node hit a limit and stopped: the lab goes back to the lesson's code. */
  | { type: "code-stopped"; reason: string }
  /** The events this node let through since its last report, for the lab's budgets (flood-ledger.ts). */
  | { type: "flood-spent"; spends: FloodSpend[] };

/**
 * Host to node: close; `socket.disconnect()` every socket of a client (Kick); fail a polling session whose
 * connection the lab's network link cut (Drop), so the node notices now rather than at the next ping
 * timeout; the lab's events budgets its nodes together have overspent.
 */
export type HostMessage =
  | { type: "close" }
  | { type: "kick"; client: string }
  | { type: "fail-polling"; sid: string }
  | { type: "release-polling"; sid: string }
  | ({ type: "code" } & CompiledServerCode)
  | { type: "flood-debt"; debts: FloodDebt[] };

export const NODE_CONFIG_ENV = "PLAYGROUND_NODE";

/** The cluster adapter marks its IPC messages so that a primary can relay them between workers. */
export function isAdapterMessage(message: unknown): message is { source: string; uid?: string; requesterUid?: string } {
  return typeof message === "object" && message !== null && (message as { source?: unknown }).source === "_sio_adapter";
}
