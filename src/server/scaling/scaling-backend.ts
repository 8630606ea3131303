import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { LabBackend, LabBackendParts } from "../lab/lab-backend.js";
import { LAB_HEARTBEAT } from "../lab/lab-server.js";
import type { InspectorSnapshot } from "../../shared/inspector.js";
import type { AdapterKind, LabInfo, Routing, ScalingChange } from "../../shared/lab-api.js";
import { sendError } from "../http-json.js";
import type { NodeState } from "./node-protocol.js";
import type { CompiledServerCode } from "../sandbox/compile.js";
import { defaultSandboxLimits, type SandboxLimits } from "../sandbox/sandbox-limits.js";
import { ScalingLab } from "./scaling-lab.js";
import { FloodLedger } from "./flood-ledger.js";
import { NODE_NAMES } from "../../shared/scaling-nodes.js";
import { balancerPath, isScalingPath, nodePath } from "./scaling-paths.js";

/** Where the node processes' entry is, and the Redis the Redis Streams adapter uses (none: that adapter is off). */
export interface ScalingConfig {
  entry: string;
  redisUrl?: string;
}

/** The recovery window every node gets when recovery is on: long enough to do the step, short enough to watch. */
export const SCALING_RECOVERY_MS = 15_000;
/** Requests that may wait while the nodes start; past it they are refused, and the client retries. */
const MAX_WAITING = 64;

const ADAPTERS: readonly AdapterKind[] = ["none", "cluster", "redis-streams"];
const ROUTINGS: readonly Routing[] = ["round-robin", "sticky"];

export const NO_REDIS =
  "This playground has no Redis. Start one (Debian: apt-get install redis-server), then start the playground with REDIS_URL=redis://127.0.0.1:6379.";

interface Setup {
  adapter: AdapterKind;
  routing: Routing;
  recovery: boolean;
}

/** `{"adapter": "cluster", "routing": "sticky", "recovery": true}`, any of them; a string says what is wrong. */
export function parseScalingChange(body: unknown, redis: boolean): ScalingChange | string {
  if (!body || typeof body !== "object" || Array.isArray(body)) return 'Send a JSON object, e.g. {"adapter": "cluster"}.';
  const { adapter, routing, recovery, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return `The nodes have no setting called "${unknown.slice(0, 32)}".`;
  if (adapter !== undefined && !ADAPTERS.includes(adapter as AdapterKind)) return `"adapter" is one of ${ADAPTERS.join(", ")}.`;
  if (routing !== undefined && !ROUTINGS.includes(routing as Routing)) return `"routing" is one of ${ROUTINGS.join(", ")}.`;
  if (recovery !== undefined && typeof recovery !== "boolean") return '"recovery" is true or false.';
  if (adapter === "redis-streams" && !redis) return NO_REDIS;
  return {
    ...(adapter !== undefined && { adapter: adapter as AdapterKind }),
    ...(routing !== undefined && { routing: routing as Routing }),
    ...(recovery !== undefined && { recovery }),
  };
}

/**
 * The Scaling lesson's backend: its lab runs as real node processes behind a balancer (ScalingLab). The lab
 * in front keeps doing what it does for every lesson (network links, the server log, the control API); this
 * class routes what passes the links, gathers the nodes' state for the inspector, and applies the learner's
 * choice of adapter, balancer and recovery.
 */
export class ScalingBackend implements LabBackend {
  readonly heartbeat = { ...LAB_HEARTBEAT };
  private lab: ScalingLab | undefined;
  /** Set while nodes start or restart: requests wait for it rather than reach a node that is not there. */
  private pending: Promise<void> | undefined;
  /** Starts, restarts and the close run one after another: two at once would leave a node pair behind. */
  private chain: Promise<void> = Promise.resolve();
  /** Which node pair reports state: a closing pair's late reports must not show as the new pair's. */
  private generation = 0;
  private waiting = 0;
  private failure: string | undefined;
  private closed = false;
  private readonly states = new Map<string, NodeState>();
  private setup: Setup = { adapter: "none", routing: "round-robin", recovery: false };
  /** The learner's server code the nodes run, each in its own sandbox; undefined, the lesson's. */
  private code: CompiledServerCode | undefined;
  /** The lab's events budgets, summed over its nodes; kept across restarts, as a lab server's are across reconnects. */
  private readonly floods: FloodLedger;

  constructor(
    private readonly parts: LabBackendParts,
    private readonly config: ScalingConfig,
  ) {
    this.floods = new FloodLedger(parts.limits.maxEventsPerSecond, parts.limits.maxClientsPerLab);
    void this.serially(() => this.start());
  }

  /** Runs `step` after every step before it; requests wait until the last one is done. */
  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    const settled = run.catch(() => undefined);
    this.chain = settled;
    this.pending = settled;
    void settled.then(() => {
      if (this.pending === settled) this.pending = undefined;
    });
    return run;
  }

  private async start(): Promise<void> {
    const { parts, config, setup } = this;
    if (this.closed) return;
    const generation = ++this.generation;
    try {
      const lab = await ScalingLab.start({
        entry: config.entry,
        prefix: `/labs/${parts.id}`,
        labKey: parts.id,
        adapter: setup.adapter,
        redisUrl: config.redisUrl,
        recoveryMs: setup.recovery ? SCALING_RECOVERY_MS : 0,
        routing: setup.routing,
        ...this.heartbeat,
        maxPayloadBytes: parts.limits.maxPayloadBytes,
        maxClients: parts.limits.maxClientsPerLab,
        maxEventsPerSecond: parts.limits.maxEventsPerSecond,
        maxOutgoingBytes: parts.limits.maxOutgoingBytes,
        maxRooms: parts.limits.maxRoomsPerLab,
        maxRecoveryPackets: parts.limits.maxRecoveryPackets,
        ...(this.code && { code: this.code, learnerCode: sandboxLimitsOf(parts.limits) }),
        onFloodSpent: (spends) => {
          if (generation !== this.generation) return;
          const debts = this.floods.record(spends, Date.now());
          if (debts.length > 0) this.lab?.tell({ type: "flood-debt", debts });
        },
        onCodeStopped: (_name, reason) => {
          if (generation === this.generation) parts.onLearnerCodeStopped(reason);
        },
        onLog: (entry) => {
          // A client connecting to (or leaving) a node is use of the lab, as on an in-process lab: it counts
          // when it happens, not only if an idle sweep runs while the client is still there.
          if (generation === this.generation && (entry.kind === "connect" || entry.kind === "disconnect")) parts.onActivity();
          parts.log.add(entry);
        },
        onState: (name, state) => {
          if (generation !== this.generation) return;
          this.states.set(name, state);
          parts.onStateChange();
        },
        onExit: (name, code) => {
          if (generation !== this.generation) return;
          this.states.delete(name);
          parts.log.add({ at: Date.now(), kind: "fault", node: name, message: `Node ${name} stopped unexpectedly (exit code ${code})` });
          parts.onStateChange();
        },
      });
      if (this.closed) return void (await lab.close());
      this.lab = lab;
      parts.log.add({ at: Date.now(), kind: "log", message: `Nodes ${lab.names.join(" and ")} started: ${describe(setup)}` });
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      parts.log.add({ at: Date.now(), kind: "fault", message: `The nodes could not start: ${this.failure}` });
    }
  }

  get clientCount(): number {
    let count = 0;
    for (const state of this.states.values()) count += state.sockets.length;
    return count;
  }

  get isEmpty(): boolean {
    return this.clientCount === 0;
  }

  /** The nodes' and the balancer's paths: the lab's own `socket.io/` reaches no node, and says so. */
  servesPath(path: string): boolean {
    return isScalingPath(path);
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.whenReady(
      () => {
        if (!this.parts.acceptsOrigin(req))
          return sendError(res, 403, "cross_origin", "Cross-origin connections to a lab are not allowed.");
        if (!this.lab?.handleRequest(req, res))
          sendError(res, 404, "not_found", `This lab's nodes answer at ${nodePath("<lab>", "<name>")}/ and ${balancerPath("<lab>")}/.`);
      },
      (why) => sendError(res, 503, "nodes_unavailable", why),
    );
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.whenReady(
      () => {
        if (!this.parts.acceptsOrigin(req)) return void socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
        if (!this.lab?.handleUpgrade(req, socket, head)) socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      },
      () => void socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n"),
    );
  }

  /** Runs `serve` once the nodes are up; `refuse` when they failed, closed, or too many requests already wait. */
  private whenReady(serve: () => void, refuse: (why: string) => void): void {
    if (this.closed) return refuse("This lab has closed.");
    if (!this.pending) return this.failure && !this.lab ? refuse(`The lab's nodes could not start: ${this.failure}`) : serve();
    if (this.waiting >= MAX_WAITING) return refuse("The lab's nodes are starting. Try again in a moment.");
    this.waiting += 1;
    void this.pending.then(() => {
      this.waiting -= 1;
      this.whenReady(serve, refuse);
    });
  }

  route(): undefined {
    return undefined;
  }

  inspect(): Omit<InspectorSnapshot, "links"> {
    const states = [...this.states.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, state]) => state);
    // With an adapter a room spans nodes; without one, same-named rooms on two nodes are still one name to show.
    const rooms = new Map<string, string[]>();
    for (const state of states) for (const room of state.rooms) rooms.set(room.name, [...(rooms.get(room.name) ?? []), ...room.members]);
    const recovery = this.setup.recovery;
    return {
      at: Date.now(),
      sockets: states.flatMap((state) => state.sockets),
      rooms: [...rooms.entries()].map(([name, members]) => ({ name, members })),
      // Each node keeps its own buffer (in memory), or none the node can count (a Redis stream): the sum is what is kept.
      recovery: {
        enabled: recovery,
        retainedPackets: states.reduce((sum, state) => sum + state.recovery.retainedPackets, 0),
        sessions: states.reduce((sum, state) => sum + state.recovery.sessions, 0),
      },
      // Every node of a pair starts with the same options, as the nodes read them back; until one reports, what they are given.
      options: states[0]?.options ?? {
        ...this.heartbeat,
        maxHttpBufferSize: this.parts.limits.maxPayloadBytes,
        transports: ["polling", "websocket"],
        connectionStateRecovery: recovery ? { maxDisconnectionDuration: SCALING_RECOVERY_MS, skipMiddlewares: true } : false,
      },
    };
  }

  disconnectClient(name: string): number {
    this.lab?.tell({ type: "kick", client: name });
    let count = 0;
    for (const state of this.states.values()) count += state.sockets.filter((socket) => socket.client === name).length;
    return count;
  }

  failPolling(sid: string): void {
    this.lab?.tell({ type: "fail-polling", sid });
  }

  releasePoll(sid: string): void {
    this.lab?.tell({ type: "release-polling", sid });
  }

  info(): Partial<LabInfo> {
    const names = this.lab?.names ?? NODE_NAMES;
    const prefix = `/labs/${this.parts.id}`;
    return {
      server: {
        ...this.heartbeat,
        connectionStateRecovery: this.setup.recovery ? { maxDisconnectionDuration: SCALING_RECOVERY_MS } : false,
      },
      scaling: {
        nodes: names.map((name) => ({ name, path: nodePath(prefix, name) })),
        balancerPath: balancerPath(prefix),
        ...this.setup,
        redis: Boolean(this.config.redisUrl),
      },
    };
  }

  /** Every node restarts with recovery on or off, its window SCALING_RECOVERY_MS whatever the lab was asked for. */
  async setRecovery(on: boolean): Promise<void> {
    await this.configure({ recovery: on });
  }

  async configure(body: unknown): Promise<{ ok: true } | { ok: false; reason: string }> {
    const change = parseScalingChange(body, Boolean(this.config.redisUrl));
    if (typeof change === "string") return { ok: false, reason: change };
    const next: Setup = { ...this.setup, ...change };
    if (next.routing !== this.setup.routing) {
      this.setup.routing = next.routing;
      if (this.lab) this.lab.balancer.routing = next.routing;
      this.parts.log.add({ at: Date.now(), kind: "fault", message: `Load balancer: ${next.routing}` });
    }
    if (next.adapter !== this.setup.adapter || next.recovery !== this.setup.recovery) {
      this.setup = next;
      this.parts.log.add({ at: Date.now(), kind: "fault", message: `Restart nodes: ${describe(next)}` });
      await this.restart();
      if (this.failure) return { ok: false, reason: `The nodes could not start: ${this.failure}` };
    }
    return { ok: true };
  }

  /** Every node restarts with the learner's code (or the lesson's again); a reason if they could not start. */
  async runLearnerCode(code: CompiledServerCode | undefined): Promise<{ ok: true } | { ok: false; reason: string }> {
    this.code = code;
    await this.restart();
    return this.failure ? { ok: false, reason: `The nodes could not start: ${this.failure}` } : { ok: true };
  }

  /** Stops every node and starts new ones with the current setup; clients are cut and reconnect. */
  restart(): Promise<void> {
    return this.serially(async () => {
      if (this.closed) return;
      const old = this.lab;
      this.lab = undefined;
      this.generation += 1;
      this.states.clear();
      this.failure = undefined;
      await old?.close();
      await this.start();
      this.parts.onStateChange();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.serially(async () => {
      this.generation += 1;
      await this.lab?.close();
      this.lab = undefined;
      this.states.clear();
    });
  }
}

function sandboxLimitsOf(limits: SandboxLimits): SandboxLimits {
  const keys = Object.keys(defaultSandboxLimits) as (keyof SandboxLimits)[];
  return Object.fromEntries(keys.map((key) => [key, limits[key]])) as unknown as SandboxLimits;
}

function describe({ adapter, recovery }: Setup): string {
  const joined = { none: "no adapter", cluster: "the cluster adapter", "redis-streams": "the Redis Streams adapter" }[adapter];
  return `${joined}, connectionStateRecovery ${recovery ? `on (${SCALING_RECOVERY_MS / 1000} s)` : "off"}`;
}
