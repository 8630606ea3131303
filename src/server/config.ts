/**
 * Every limit the playground enforces, with its default and the environment variable that overrides it.
 * docs/lab-api.md documents the same table for people running the site.
 */
import { isIP } from "node:net";
import { normalAddress } from "./host/client-address.js";
import { parseAllowedHosts } from "./host/allowed-hosts.js";
import { defaultSandboxLimits, sandboxLimitVariables, type SandboxLimits } from "./sandbox/sandbox-limits.js";
import { databaseLimitVariables, defaultDatabaseLimits, type DatabaseLimits } from "./database/database-limits.js";

export interface PlaygroundLimits extends SandboxLimits, DatabaseLimits {
  /** Labs alive at once across all learners; creating one more answers 503. */
  maxLabs: number;
  /** Socket.IO clients connected to one lab at once; one more gets a connect_error. */
  maxClientsPerLab: number;
  /** Events a client may send per second (averaged over one second); a flood is disconnected. */
  maxEventsPerSecond: number;
  /** Largest frame a client may send, in bytes (engine.io `maxHttpBufferSize`). */
  maxPayloadBytes: number;
  /** A lab with no client connected for this long is evicted. */
  labIdleMs: number;
  /** Rooms one lab may hold at once (each socket's own room not counted); a join past it is refused. */
  maxRoomsPerLab: number;
  /** Packets a lab keeps for connection state recovery; past it the oldest go, and a client that missed them is not recovered. */
  maxRecoveryPackets: number;
  /** Bytes a connection may have waiting for its client to read; past it the connection is closed and its queue freed. */
  maxOutgoingBytes: number;
  /** Connections (requests and upgrades) one client's faulty link holds at once; one more is refused. */
  maxHeldConnections: number;
  /** Node processes the Scaling labs of this server may run at once (two per lab); one lab more answers 503. */
  maxLabProcesses: number;
  /** A lab no client has ever connected to is evicted after this long, however often it is touched. */
  unconnectedLabIdleMs: number;
  /**
   * Quotas per client address, each a bucket of this many per minute (rate-limiter-flexible), refilled
   * every minute; past one the answer is 429 with Retry-After. Sized for a classroom behind one NAT.
   */
  labsPerAddressPerMinute: number;
  /**
   * Node processes the Scaling labs opened from one address may run at once (two per lab); past it a new
   * one answers 429 until one of that address's Scaling labs closes. Below `maxLabProcesses`, so that one
   * address cannot take them all.
   */
  maxLabProcessesPerAddress: number;
  /** Node processes of the Scaling labs one address may start per minute (two per lab). */
  labProcessesPerAddressPerMinute: number;
  /** Code-run tickets (`POST /api/labs/:id/runs`) per address per minute. */
  runsPerAddressPerMinute: number;
  /** New client names (network links) in labs per address per minute. */
  linksPerAddressPerMinute: number;
  /** New Engine.IO sessions (first connections and reconnects) to labs per address per minute. */
  handshakesPerAddressPerMinute: number;
  /** Learner server-code submissions (`PUT /api/labs/:id/server-code`) per address per minute. */
  serverCodePerAddressPerMinute: number;
}

export interface PlaygroundConfig {
  port: number;
  host: string | undefined;
  limits: PlaygroundLimits;
  /** Where labs keep their SQLite files (PLAYGROUND_DATA_DIR, default "data"). */
  dataDir: string;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client (PLAYGROUND_TRUST_PROXY): the quotas count the
   * address it gives only for connections from these addresses.
   */
  trustProxy?: string[];
  /**
   * Several playground processes sharing one Redis (docs/deploy.md): this one's name (PLAYGROUND_NODE_ID),
   * the Redis (REDIS_URL), and where the others reach it (PLAYGROUND_PEER_URL, default http://127.0.0.1:<port>).
   */
  peers?: { nodeId: string; redisUrl: string; url?: string };
  /**
   * The `Host` values requests may carry (PLAYGROUND_ALLOWED_HOSTS, comma-separated, each with or without a
   * port, `*` for any). Unset: loopback names and this machine's addresses (src/server/host/allowed-hosts.ts).
   */
  allowedHosts?: string[];
}

export const defaultLimits: PlaygroundLimits = {
  maxLabs: 5000,
  maxClientsPerLab: 8,
  maxEventsPerSecond: 50,
  maxPayloadBytes: 64 * 1024,
  labIdleMs: 10 * 60 * 1000,
  maxRoomsPerLab: 100,
  maxRecoveryPackets: 1000,
  maxLabProcesses: 20,
  unconnectedLabIdleMs: 30_000,
  // A classroom of 60 opening all 8 lessons is 480 labs and about 2,000 clients, over a few minutes.
  labsPerAddressPerMinute: 500,
  labProcessesPerAddressPerMinute: 8,
  maxLabProcessesPerAddress: 10,
  runsPerAddressPerMinute: 600,
  linksPerAddressPerMinute: 2400,
  handshakesPerAddressPerMinute: 6000,
  serverCodePerAddressPerMinute: 120,
  maxOutgoingBytes: 1024 * 1024,
  maxHeldConnections: 8,
  ...defaultSandboxLimits,
  ...defaultDatabaseLimits,
};

const limitVariables: Record<keyof PlaygroundLimits, string> = {
  maxLabs: "PLAYGROUND_MAX_LABS",
  maxClientsPerLab: "PLAYGROUND_MAX_CLIENTS_PER_LAB",
  maxEventsPerSecond: "PLAYGROUND_MAX_EVENTS_PER_SECOND",
  maxPayloadBytes: "PLAYGROUND_MAX_PAYLOAD_BYTES",
  labIdleMs: "PLAYGROUND_LAB_IDLE_MS",
  maxRoomsPerLab: "PLAYGROUND_MAX_ROOMS_PER_LAB",
  maxRecoveryPackets: "PLAYGROUND_MAX_RECOVERY_PACKETS",
  maxLabProcesses: "PLAYGROUND_MAX_LAB_PROCESSES",
  unconnectedLabIdleMs: "PLAYGROUND_UNCONNECTED_LAB_IDLE_MS",
  labsPerAddressPerMinute: "PLAYGROUND_LABS_PER_ADDRESS_PER_MINUTE",
  labProcessesPerAddressPerMinute: "PLAYGROUND_LAB_PROCESSES_PER_ADDRESS_PER_MINUTE",
  maxLabProcessesPerAddress: "PLAYGROUND_MAX_LAB_PROCESSES_PER_ADDRESS",
  runsPerAddressPerMinute: "PLAYGROUND_RUNS_PER_ADDRESS_PER_MINUTE",
  linksPerAddressPerMinute: "PLAYGROUND_LINKS_PER_ADDRESS_PER_MINUTE",
  handshakesPerAddressPerMinute: "PLAYGROUND_HANDSHAKES_PER_ADDRESS_PER_MINUTE",
  serverCodePerAddressPerMinute: "PLAYGROUND_SERVER_CODE_PER_ADDRESS_PER_MINUTE",
  maxOutgoingBytes: "PLAYGROUND_MAX_OUTGOING_BYTES",
  maxHeldConnections: "PLAYGROUND_MAX_HELD_CONNECTIONS",
  ...sandboxLimitVariables,
  ...databaseLimitVariables,
};

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** Reads the configuration from environment variables; a malformed value stops start-up with a clear message. */
export function configFromEnv(env: Record<string, string | undefined>): PlaygroundConfig {
  const limits = { ...defaultLimits };
  for (const key of Object.keys(limitVariables) as (keyof PlaygroundLimits)[]) {
    const name = limitVariables[key];
    const raw = env[name];
    if (raw !== undefined && raw !== "") limits[key] = positiveInteger(name, raw);
  }
  const port = env.PORT ? Number(env.PORT) : 4321;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  }
  const nodeId = env.PLAYGROUND_NODE_ID || undefined;
  if (nodeId && !/^[a-z0-9]{1,16}$/.test(nodeId))
    throw new Error(`PLAYGROUND_NODE_ID must be 1 to 16 lowercase letters or digits, got "${nodeId}"`);
  if (nodeId && !env.REDIS_URL)
    throw new Error("PLAYGROUND_NODE_ID needs REDIS_URL: the playground processes find one another through Redis.");
  const peers = nodeId && env.REDIS_URL ? { nodeId, redisUrl: env.REDIS_URL, url: env.PLAYGROUND_PEER_URL || undefined } : undefined;
  const trustProxy = trustedProxies(env.PLAYGROUND_TRUST_PROXY ?? "");
  const allowedHosts = env.PLAYGROUND_ALLOWED_HOSTS ? parseAllowedHosts(env.PLAYGROUND_ALLOWED_HOSTS) : undefined;
  return {
    port,
    host: env.HOST || undefined,
    limits,
    dataDir: env.PLAYGROUND_DATA_DIR || "data",
    ...(trustProxy.length > 0 && { trustProxy }),
    ...(peers && { peers }),
    ...(allowedHosts && { allowedHosts }),
  };
}

/** `PLAYGROUND_TRUST_PROXY`: IP addresses, separated by commas or spaces. */
function trustedProxies(raw: string): string[] {
  const addresses = raw.split(/[\s,]+/).filter((part) => part !== "");
  for (const address of addresses) {
    if (isIP(address) === 0) throw new Error(`PLAYGROUND_TRUST_PROXY must list IP addresses, got "${address}"`);
  }
  return addresses.map(normalAddress);
}
