import { fork, type ChildProcess } from "node:child_process";
import type { CompiledServerCode } from "../sandbox/compile.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import type { FloodSpend } from "../lab/flood-cap.js";
import { isAdapterMessage, NODE_CONFIG_ENV, type HostMessage, type NodeConfig, type NodeMessage, type NodeState } from "./node-protocol.js";

/** A running node: its name, its loopback port, and its process. */
export interface LabNode {
  readonly name: string;
  readonly port: number;
  readonly process: ChildProcess;
}

/** What every node of the group is started with (each gets its own `name`), and how the group reports. */
export type NodeGroupOptions = Omit<NodeConfig, "name"> & {
  /** The bundled node entry (dist/host/scaling-node.mjs in production). */
  entry: string;
  names: readonly string[];
  /** Every node's server log entries, marked with the node's name. */
  onLog(entry: ServerLogEntry): void;
  /** Each node's sockets and rooms, soon after they change. */
  onState?(name: string, state: NodeState): void;
  /** The learner's server code, to run on every node in a sandbox of its own; absent, the lesson's code. */
  code?: CompiledServerCode;
  /** Told when a node's learner code hit a limit and stopped. */
  onCodeStopped?(name: string, reason: string): void;
  /** What a node's clients spent of the lab's events budgets since its last report. */
  onFloodSpent?(spends: FloodSpend[]): void;
  /** Told when a node exits without being asked to, e.g. it crashed. */
  onExit?(name: string, code: number | null): void;
  startTimeoutMs?: number;
};

/**
 * A lab's server nodes: one child process each, started together and stopped together.
 *
 * With the cluster adapter, this group plays the part `setupPrimary()` plays for node:cluster workers: it
 * relays each node's adapter messages to the group's other nodes, and a response to the node that asked.
 * Relaying only within the group keeps labs apart; one node:cluster primary would join every lab's nodes.
 */
export class NodeGroup {
  readonly nodes: LabNode[] = [];
  private stopping = false;
  private readonly children: ChildProcess[] = [];
  /** Which node each cluster adapter (by its uid) lives in, so a response goes back to the one that asked. */
  private readonly owners = new Map<string, ChildProcess>();

  private constructor(private readonly options: NodeGroupOptions) {}

  static async start(options: NodeGroupOptions): Promise<NodeGroup> {
    const group = new NodeGroup(options);
    try {
      const nodes = await Promise.all(options.names.map((name) => group.startNode(name)));
      group.nodes.push(...nodes);
      return group;
    } catch (error) {
      await group.stop();
      throw error;
    }
  }

  node(name: string): LabNode | undefined {
    return this.nodes.find((node) => node.name === name);
  }

  /** Sends every running node a message from the host, e.g. Kick a client wherever it is connected. */
  tell(message: HostMessage): void {
    for (const node of this.nodes) sendTo(node.process, message);
  }

  /** Asks every node to close its server and adapter; one that does not exit in time is killed. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.children.map((child) => stopChild(child)));
  }

  private startNode(name: string): Promise<LabNode> {
    const { options } = this;
    const config: NodeConfig = {
      name,
      labKey: options.labKey,
      adapter: options.adapter,
      redisUrl: options.redisUrl,
      recoveryMs: options.recoveryMs,
      pingInterval: options.pingInterval,
      pingTimeout: options.pingTimeout,
      maxPayloadBytes: options.maxPayloadBytes,
      maxClients: options.maxClients,
      maxEventsPerSecond: options.maxEventsPerSecond,
      maxOutgoingBytes: options.maxOutgoingBytes,
      maxRooms: options.maxRooms,
      maxRecoveryPackets: options.maxRecoveryPackets,
      ...(options.code && { learnerCode: options.learnerCode }),
    };
    const child = fork(options.entry, [], {
      // The host's own flags are not a node's: its heap sizing is for thousands of connections (heap-sizing.ts),
      // and a test runner's loaders or an inspector port belong to the host alone, as for the database process.
      execArgv: [],
      env: { ...process.env, [NODE_CONFIG_ENV]: JSON.stringify(config) },
      // Binary payloads cross between nodes as Buffers, not as {"type":"Buffer"} JSON.
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.children.push(child);
    if (options.code) sendTo(child, { type: "code", ...options.code });
    // E.g. a send to a node that has just died (EPIPE): report it, never let it reach the process.
    child.on("error", (error) => options.onLog({ at: Date.now(), node: name, kind: "log", message: `node ${name}: ${error.message}` }));
    // What a node prints goes to the lab's log: Socket.IO's own warnings (e.g. the default adapter's
    // "does not support the serverSideEmit() functionality") are part of what the learner should see.
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (text: string) => {
        for (const line of text.split("\n").filter(Boolean))
          options.onLog({ at: Date.now(), node: name, kind: "log", message: line.slice(0, 400) });
      });
    }
    return new Promise<LabNode>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node ${name} did not start in time`)), options.startTimeoutMs ?? 10_000);
      // The relay is in place before the node's first message: the cluster adapter announces itself once
      // at start, and a node that missed it would find the others only at the next heartbeat (5 s).
      child.on("message", (message: unknown) => {
        if (isAdapterMessage(message)) return this.relay(child, message);
        const typed = message as NodeMessage;
        if (typed.type === "ready") {
          clearTimeout(timer);
          resolve({ name, port: typed.port, process: child });
        } else if (typed.type === "log") options.onLog(typed.entry);
        else if (typed.type === "state") options.onState?.(name, typed.state);
        else if (typed.type === "code-stopped") options.onCodeStopped?.(name, typed.reason);
        else if (typed.type === "flood-spent") options.onFloodSpent?.(typed.spends);
        else if (typed.type === "failed") {
          clearTimeout(timer);
          reject(new Error(`node ${name} failed to start: ${typed.message}`));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`node ${name} exited with ${code} before it started`));
        if (!this.stopping) options.onExit?.(name, code);
      });
    });
  }

  private relay(from: ChildProcess, message: { uid?: string; requesterUid?: string }): void {
    if (message.uid) this.owners.set(message.uid, from);
    const asker = message.requesterUid ? this.owners.get(message.requesterUid) : undefined;
    if (asker) return sendTo(asker, message);
    for (const child of this.children) if (child !== from) sendTo(child, message);
  }
}

function sendTo(child: ChildProcess, message: unknown): void {
  if (child.connected) child.send(message as HostMessage);
}

async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  sendTo(child, { type: "close" } satisfies HostMessage);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
