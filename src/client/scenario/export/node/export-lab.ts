import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { LessonServerOptions, LessonSetting } from "../../../../lessons/lab-context.js";
import { parseLabRequest, type LabRequest } from "../../../../server/lab/lab-request.js";
import { Balancer, handshakeSid } from "../../../../server/scaling/balancer.js";
import { NODE_NAMES } from "../../../../shared/scaling-nodes.js";
import type { AdapterKind, Routing } from "../../../../shared/lab-api.js";
import { LabTraffic } from "../../../../server/lab/lab-traffic.js";
import { NO_LINK_LIMITS } from "../../../../server/lab/link-connections.js";
import { HEALTHY_LINK, NetworkLink } from "../../../../server/lab/network-link.js";
import { ServerLog } from "../../../../server/lab/server-log.js";
import type { LabInfo } from "../../../../shared/lab-api.js";
import type { LinkState } from "../../../../shared/network.js";
import { describePacketFault } from "../../../../shared/packet-fault-text.js";
import type { Scenario } from "../../../../shared/scenario/schema.js";
import type { LabControl } from "../../../lab-control.js";
import { clampLearnerOptions } from "../../../../server/sandbox/learner-options.js";
import { truncate } from "../../../../shared/wire.js";
import { sharedAdapter } from "./shared-adapter.js";
import { EXPORT_MAX_PAYLOAD_BYTES, PlainServer, type LessonHandlers } from "./plain-server.js";
import { lazyDatabase } from "./sqlite-database.js";
import { describeChange } from "../../../../server/lab/link-change-text.js";

/** A lesson's server.ts, as the script holds it (bundled to CommonJS). */
export interface LessonModule {
  default?: LessonHandlers;
  options?: LessonServerOptions;
  settings?: Record<string, LessonSetting>;
}

/** What the learner's code gets as `console`: the sandbox's, whose lines go to the server log. */
export type LearnerConsole = Record<"log" | "info" | "warn" | "error", (...args: unknown[]) => void>;

/**
 * One learner server code the script holds: its TypeScript (as the scenario has it, to find it by) and its
 * compiled CommonJS as a function that evaluates it afresh, as each lab server start loads a fresh sandbox.
 */
export interface LearnerCode {
  source: string;
  load(console: LearnerConsole): { default?: unknown; options?: unknown };
}

/** The learner's code loaded for one server start: its handlers and its options as the lab clamps them. */
interface LoadedLearner {
  handlers: LessonHandlers | undefined;
  options: LessonServerOptions;
  notes: string[];
}

/** Console arguments as one line, as the sandbox joins them (strings as they are, the rest as JSON). */
function consoleText(args: unknown[]): string {
  return args
    .map((arg) => {
      if (typeof arg === "string") return arg;
      try {
        return JSON.stringify(arg) ?? String(arg);
      } catch {
        return String(arg);
      }
    })
    .join(" ");
}

const ID = "export";
const PREFIX = `/labs/${ID}/`;
const LOG_URL = `/api/labs/${ID}/log`;
/** The lessons whose lab logs each HTTP exchange (src/server/lessons.ts, `logRequests`). */
/** The Scaling lab's recovery window on its nodes (SCALING_RECOVERY_MS in src/server/scaling/scaling-backend.ts). */
export const EXPORT_SCALING_RECOVERY_MS = 15_000;

export const LOGS_REQUESTS: ReadonlySet<string> = new Set(["why-websocket", "transports"]);

/**
 * The lab of an exported script, on 127.0.0.1: one HTTP server in front (the fault proxy) that gives every
 * client name its own network link, the lab's own NetworkLink (the same code, so a drop, a blackhole, a
 * latency or a blocked WebSocket does here what it does there), and a plain Socket.IO server behind it.
 * It also serves the server log as the lab does (server-sent events at `logUrl`), so the playground's own
 * LabSession and ScenarioRunner run on it unchanged, and a control object with the control API's calls.
 */
export class ExportLab {
  readonly log = new ServerLog(100_000);
  private readonly front: HttpServer;
  private readonly links = new Map<string, NetworkLink>();
  private readonly traffic: LabTraffic;
  private readonly settings: Record<string, number>;
  private readonly database = lazyDatabase();
  private options: LessonServerOptions;
  private server: PlainServer;
  /** The Scaling lab: its nodes by name, how they are joined, and the balancer in front of them. */
  private nodes = new Map<string, PlainServer>();
  private setup: { adapter: AdapterKind; routing: Routing; recovery: boolean } = {
    adapter: "none",
    routing: "round-robin",
    recovery: false,
  };
  private readonly balancer = new Balancer(NODE_NAMES);
  private port = 0;
  /** The learner's code while it runs in place of the lesson's ("Run on my lab"), and its load for the next start. */
  private learner: LearnerCode | undefined;
  private nextLearner: LoadedLearner | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly lesson: LessonModule,
    private readonly learnerCodes: readonly LearnerCode[] = [],
  ) {
    this.options = { ...(lesson.options ?? {}) };
    this.settings = Object.fromEntries(Object.entries(lesson.settings ?? {}).map(([name, spec]) => [name, spec.default]));
    this.traffic = new LabTraffic(new Set(), LOGS_REQUESTS.has(scenario.lesson) ? this.log : undefined, this.log);
    this.server = this.startServer();
    if (this.scaling) this.nodes = this.startNodes();
    this.front = createServer((req, res) => this.request(req, res));
    this.front.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.front.listen(0, "127.0.0.1", resolve));
    this.port = (this.front.address() as AddressInfo).port;
    return this.origin;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  info(): LabInfo {
    const recovery = this.options.connectionStateRecovery;
    return {
      id: ID,
      lesson: this.scenario.lesson,
      path: `${PREFIX}socket.io/`,
      httpPath: `${PREFIX}http`,
      logUrl: LOG_URL,
      server: {
        ...this.server.heartbeat,
        connectionStateRecovery: recovery ? { maxDisconnectionDuration: recovery.maxDisconnectionDuration ?? 120_000 } : false,
      },
      limits: { maxClientsPerLab: 20, maxEventsPerSecond: 1_000, maxPayloadBytes: 64 * 1024, labIdleMs: 0 },
      settings: Object.entries(this.lesson.settings ?? {}).map(([name, spec]) => ({
        name,
        ...spec,
        value: this.settings[name] ?? spec.default,
      })),
      serverCode: "lesson",
      ...(this.scaling && {
        scaling: {
          nodes: NODE_NAMES.map((name) => ({ name, path: `${PREFIX}nodes/${name}/socket.io` })),
          balancerPath: `${PREFIX}lb/socket.io`,
          ...this.setup,
          redis: false,
        },
      }),
    };
  }

  private get scaling(): boolean {
    return this.scenario.lesson === "scaling";
  }

  /** Every server this lab runs: the one, or the Scaling lab's nodes. */
  private get servers(): PlainServer[] {
    return this.scaling ? [...this.nodes.values()] : [this.server];
  }

  /**
   * The Scaling lab's nodes: plain servers in this process. "cluster" and "redis-streams" are stood in for
   * by one adapter the nodes share (shared-adapter.ts); recovery is on every node or none.
   */
  private startNodes(): Map<string, PlainServer> {
    const { adapter, recovery } = this.setup;
    const shared = adapter === "none" ? undefined : sharedAdapter(recovery);
    const loaded = NODE_NAMES.map(() => this.serverCode());
    const nodes = new Map(
      NODE_NAMES.map((name, index) => [
        name,
        new PlainServer({
          handlers: loaded[index]!.handlers,
          options: {
            ...loaded[index]!.options,
            ...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: EXPORT_SCALING_RECOVERY_MS } } : {}),
          },
          log: this.log,
          settings: this.settings,
          database: this.database,
          node: { name, ...(shared && { adapter: shared as never }) },
        }),
      ]),
    );
    const joined = { none: "no adapter", cluster: "the cluster adapter", "redis-streams": "the Redis Streams adapter" }[adapter];
    const described = `${joined} (in this script: one adapter the nodes share in process)`;
    this.log.add({
      at: Date.now(),
      kind: "log",
      message: `Nodes ${NODE_NAMES.join(" and ")} started: ${adapter === "none" ? joined : described}, connectionStateRecovery ${recovery ? `on (${EXPORT_SCALING_RECOVERY_MS / 1000} s)` : "off"}`,
    });
    return nodes;
  }

  async close(): Promise<void> {
    for (const link of this.links.values()) link.drop();
    await Promise.all([this.server, ...this.nodes.values()].map((server) => server.close()));
    this.front.closeAllConnections();
    await new Promise<void>((resolve) => this.front.close(() => resolve()));
  }

  /** The control API's calls (src/client/lab-control.ts), done on this lab in process. */
  control(): LabControl {
    const linkOf = (name: string) => {
      const link = this.links.get(name);
      if (!link) throw new Error(`No client called ${name} has connected to this this.`);
      return link;
    };
    const unsupported = (what: string) => () => Promise.reject(new Error(`${what} is not part of an exported script.`));
    return {
      getLink: async (_lab, name) => this.links.get(name)?.state ?? { ...HEALTHY_LINK },
      setLink: async (_lab, name, change) => this.setLink(linkOf(name), change),
      drop: async (_lab, name) => {
        const link = linkOf(name);
        this.cut(link, "Drop");
        return link.state;
      },
      kick: async (_lab, name) => {
        linkOf(name);
        this.fault(name, "Kick: the server calls socket.disconnect()");
        const kicked = this.servers.reduce((sum, server) => sum + server.disconnectClient(name), 0);
        if (kicked === 0) throw new Error(`${name} is not connected.`);
        return { kicked };
      },
      packetFaults: async (_lab, name) => this.links.get(name)?.faults.list ?? [],
      addPacketFault: async (_lab, name, fault) => {
        const added = this.linkFor(name).faults.add(fault);
        if (!added) throw new Error(`${name}'s link holds as many packet faults as it may.`);
        this.fault(name, `Packet fault: ${describePacketFault(fault, name)}`);
        return added;
      },
      endPacketFault: async (_lab, name, id) => {
        const { faults } = linkOf(name);
        const fault = faults.list.find((active) => active.id === id);
        if (!fault) throw new Error(`${name}'s link has no packet fault ${id}.`);
        faults.end(id);
        this.fault(name, `Packet fault ended: ${describePacketFault(fault, name)}`);
        return undefined;
      },
      clearPacketFaults: async (_lab, name) => {
        const faults = this.links.get(name)?.faults;
        if (faults && faults.size > 0) {
          faults.clear();
          this.fault(name, "Packet faults ended");
        }
        return undefined;
      },
      setRecovery: async (_lab, recovery) => {
        const { connectionStateRecovery: _old, ...rest } = this.options;
        const window = recovery.maxDisconnectionDuration ?? this.options.connectionStateRecovery?.maxDisconnectionDuration ?? 120_000;
        this.options = recovery.enabled ? { ...rest, connectionStateRecovery: { maxDisconnectionDuration: window } } : rest;
        const described = recovery.enabled ? `on, maxDisconnectionDuration ${window} ms` : "off";
        await this.restart(`Restart server with connectionStateRecovery ${described}`);
        return this.info();
      },
      configureNodes: async (_lab, change) => {
        if (!this.scaling) throw new Error("Only the Scaling lab has nodes.");
        const next = { ...this.setup, ...change };
        const restart = next.adapter !== this.setup.adapter || next.recovery !== this.setup.recovery;
        this.setup = next;
        this.balancer.routing = next.routing;
        if (restart) {
          this.log.add({ at: Date.now(), kind: "fault", message: "Nodes reconfigured: every node restarts" });
          const old = this.nodes;
          this.nodes = this.startNodes();
          await Promise.all([...old.values()].map((node) => node.close()));
        }
        return this.info();
      },
      restart: async () => {
        await this.restart();
        return { restarted: true };
      },
      setSettings: async (_lab, change) => {
        const specs = this.lesson.settings ?? {};
        for (const [name, value] of Object.entries(change)) {
          const spec = specs[name];
          if (!spec) throw new Error(`The ${this.scenario.lesson} lab has no setting called ${name}.`);
          this.settings[name] = Math.min(spec.max, Math.max(spec.min, value));
          this.log.add({ at: Date.now(), kind: "log", message: `setting ${name} = ${this.settings[name]}` });
        }
        return { ...this.settings };
      },
      runServerCode: async (_lab, code) => this.runServerCode(code),
      restoreLessonCode: async () => this.restoreLessonCode(),
      runTicket: unsupported("A code run"),
      endRun: async () => undefined,
    };
  }

  /**
   * "Run on my lab", as Lab.runServerCode does it: the code is loaded (a module that throws refuses it, as the
   * lab's 400 start_error), its option notes go to the log, and a fresh server starts with it.
   */
  private async runServerCode(source: string): Promise<LabInfo> {
    const code = this.learnerCodes.find((candidate) => candidate.source === source);
    if (!code) throw new Error("This script holds no compiled copy of that server code: export the scenario again.");
    const loaded = this.loadLearner(code);
    if (typeof loaded === "string") throw new Error(loaded);
    this.learner = code;
    this.nextLearner = loaded;
    for (const note of loaded.notes) this.log.add({ at: Date.now(), kind: "log", message: `options: ${note}` });
    await this.restart(
      this.scaling
        ? "Run on my lab: your server code replaces the lesson's on every node"
        : "Run on my lab: your server code replaces the lesson's",
    );
    return this.info();
  }

  private async restoreLessonCode(): Promise<LabInfo> {
    this.learner = undefined;
    this.nextLearner = undefined;
    this.options = { ...(this.lesson.options ?? {}) };
    await this.restart(this.scaling ? "Back to the lesson's code: every node restarts" : "Back to the lesson's code");
    return this.info();
  }

  /** Evaluates the learner's module afresh; a string says why it failed to start (logged, as the lab does). */
  private loadLearner(code: LearnerCode): LoadedLearner | string {
    const write = (...args: unknown[]) => this.log.add({ at: Date.now(), kind: "log", message: truncate(consoleText(args)) });
    try {
      const module = code.load({ log: write, info: write, warn: write, error: write });
      const { options, notes } = clampLearnerOptions(module.options, EXPORT_MAX_PAYLOAD_BYTES);
      const handlers = typeof module.default === "function" ? (module.default as LessonHandlers) : undefined;
      return { handlers, options, notes };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.log.add({ at: Date.now(), kind: "log", message: `Your server code failed to start: ${message}` });
      return message;
    }
  }

  /**
   * The handlers and options of the next server start: the learner's code loaded afresh while it runs (its
   * options then replace the lab's, as Lab.loadLearnerServer makes them), else the lesson's.
   */
  private serverCode(): { handlers: LessonHandlers | undefined; options: LessonServerOptions } {
    if (this.learner) {
      const loaded = this.nextLearner ?? this.loadLearner(this.learner);
      this.nextLearner = undefined;
      if (typeof loaded !== "string") {
        this.options = loaded.options;
        return loaded;
      }
      // As the lab: code that no longer starts is dropped, and the lesson's runs.
      this.learner = undefined;
      this.options = { ...(this.lesson.options ?? {}) };
    }
    return { handlers: this.lesson.default, options: this.scaling ? { ...(this.lesson.options ?? {}) } : this.options };
  }

  private startServer(): PlainServer {
    const { handlers } = this.serverCode();
    return new PlainServer({
      handlers,
      options: this.options,
      log: this.log,
      settings: this.settings,
      database: this.database,
    });
  }

  /** As the lab's restart: a fresh server first, then the old one closes ("server shutting down"). */
  private async restart(why = "Restart server"): Promise<void> {
    this.log.add({ at: Date.now(), kind: "fault", message: `${why}: every socket, room and buffered packet is gone` });
    if (this.scaling) {
      const old = this.nodes;
      this.nodes = this.startNodes();
      return void (await Promise.all([...old.values()].map((node) => node.close())));
    }
    const old = this.server;
    this.server = this.startServer();
    await old.close();
  }

  private fault(client: string, message: string): void {
    this.log.add({ at: Date.now(), kind: "fault", client, message });
  }

  private setLink(link: NetworkLink, change: Partial<LinkState>): LinkState {
    const before = link.state;
    const after = link.set(change);
    for (const message of describeChange(before, after)) this.fault(link.name, message);
    if (after.offline && !before.offline) this.cut(link, "Offline");
    return after;
  }

  private cut(link: NetworkLink, why: string): void {
    const { sessions, lost } = link.drop();
    const inFlight = lost > 0 ? ` (${lost} ${lost === 1 ? "delivery" : "deliveries"} in flight lost)` : "";
    this.fault(link.name, `${why}: the connection is cut${inFlight}`);
    for (const sid of sessions) for (const server of this.servers) server.failPolling(sid);
  }

  private linkFor(name: string): NetworkLink {
    let link = this.links.get(name);
    if (!link) {
      link = new NetworkLink(name, this.traffic, NO_LINK_LIMITS, {
        maxFrameBytes: EXPORT_MAX_PAYLOAD_BYTES + 64,
        server: {
          release: (sid) => this.servers.forEach((server) => server.releasePoll(sid)),
          fail: (sid) => this.servers.forEach((server) => server.failPolling(sid)),
        },
      });
      this.links.set(name, link);
    }
    return link;
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    if (req.url?.split("?")[0] === LOG_URL) return this.streamLog(req, res);
    const request = parseLabRequest(req.url);
    if (!request || request.id !== ID) return void res.writeHead(404).end();
    const serve = () => this.serve(req, res, request);
    if (!request.client) return serve();
    this.linkFor(request.client).request(req, res, request, serve);
  }

  private serve(req: IncomingMessage, res: ServerResponse, request: LabRequest): void {
    if (!request.path.startsWith("http/")) {
      const server = this.serverFor(request, res);
      return server ? server.handleRequest(req, res) : void res.writeHead(404).end();
    }
    const route = this.server.route(`/${request.path.slice("http/".length)}`);
    if (!route) return void res.writeHead(404).end();
    route(req, res);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const request = parseLabRequest(req.url);
    if (!request || request.id !== ID) return void socket.destroy();
    const server = this.serverFor(request);
    if (!server) return void socket.destroy();
    if (!request.client) return server.handleUpgrade(req, socket, head);
    this.linkFor(request.client).upgrade(req, socket, head, request.sid, (labSide, rest) => server.handleUpgrade(req, labSide, rest));
  }

  /**
   * The server a request is for: the one, or in the Scaling lab a node by its path, or the node the balancer
   * picks (round-robin per request, or sticky: the node that answered the session's handshake).
   */
  private serverFor(request: LabRequest, res?: ServerResponse): PlainServer | undefined {
    if (!this.scaling) return this.server;
    const direct = /^nodes\/([A-Za-z0-9]{1,8})\/socket\.io\//.exec(request.path)?.[1];
    if (direct !== undefined) return this.nodes.get(direct);
    if (!request.path.startsWith("lb/socket.io/")) return undefined;
    const name = this.balancer.pick(request.sid);
    if (res && request.sid === undefined) learnSession(res, (sid) => this.balancer.learn(sid, name));
    return this.nodes.get(name);
  }

  /** The server log as server-sent events: every kept entry first, then each new one, as the lab's feed. */
  private streamLog(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    const send = ({ seq, entry }: { seq: number; entry: unknown }) => res.write(`id: ${seq}\ndata: ${JSON.stringify(entry)}\n\n`);
    const after = Number(req.headers["last-event-id"] ?? 0);
    for (const numbered of this.log.since(Number.isFinite(after) ? after : 0)) send(numbered);
    const stop = this.log.subscribe(send);
    res.once("close", stop);
  }
}

/** Reads a handshake's answer as it is written, for the session id sticky routing follows. */
function learnSession(res: ServerResponse, learn: (sid: string) => void): void {
  const peek = (chunk: unknown) => {
    const sid = typeof chunk === "string" || Buffer.isBuffer(chunk) ? handshakeSid(String(chunk)) : undefined;
    if (sid) learn(sid);
  };
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = ((chunk: unknown, ...rest: unknown[]) => (peek(chunk), write(chunk as never, ...(rest as [])))) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => (peek(chunk), end(chunk as never, ...(rest as [])))) as typeof res.end;
}
