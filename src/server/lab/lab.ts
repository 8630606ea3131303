import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { PlaygroundLimits } from "../config.js";
import type { LessonServerOptions } from "../../lessons/lab-context.js";
import type { LessonLab } from "../lesson-lab.js";
import type { InspectorSnapshot } from "../../shared/inspector.js";
import type { LabInfo } from "../../shared/lab-api.js";
import { CLIENT_NAME, type LinkState } from "../../shared/network.js";
import type { ActivePacketFault, PacketFault } from "../../shared/packet-faults.js";
import { describePacketFault } from "../../shared/packet-fault-text.js";
import { LabServer, LAB_HEARTBEAT } from "./lab-server.js";
import type { LabBackend, LabBackendParts } from "./lab-backend.js";
import { HEALTHY_LINK, NetworkLink, type PacketSettings } from "./network-link.js";
import type { HeldTally, LinkLimits } from "./link-connections.js";
import type { LabRequest } from "./lab-request.js";
import type { LabDatabaseFile, LabDatabases } from "./lab-database.js";
import { ServerLog } from "./server-log.js";
import { sendError } from "../http-json.js";
import { isOpaqueOrigin, isSameOrigin } from "./origin.js";
import { RunTickets } from "./run-tickets.js";
import { lessonLog } from "./lab-rules.js";
import { compileServerCode, type CompileError, type CompiledServerCode } from "../sandbox/compile.js";
import { prepareLearnerServer, type LearnerServer } from "../sandbox/learner-server.js";
import { takeSandboxSlot } from "../sandbox/sandbox-slots.js";
import { LabTraffic } from "./lab-traffic.js";
import { describeChange } from "./link-change-text.js";

export { LAB_HEARTBEAT };

const TOO_MANY_NAMES =
  "This lab has seen too many client names with faults or connections still open. Reset their faults or remove a client first.";

export function labPath(id: string): string {
  return `/labs/${id}/socket.io`;
}

/** Where a lab serves its lesson's plain HTTP routes, e.g. `/labs/<id>/http/tick`. */
export function labHttpPath(id: string): string {
  return `/labs/${id}/http`;
}

/** Where a lab's plain HTTP routes are, under `/labs/<id>/`. */
const HTTP_ROUTES = "http/";

/** The name a code run's client has in the lab: its lane, its log lines and its network link. */
export const CODE_CLIENT = "Code";

/** What running a learner's server code gave: running, or why not (with the HTTP status the API answers). */
export type ServerCodeResult =
  | { ok: true; value: LabInfo; notes: string[] }
  | { ok: false; status: 400 | 409 | 503; error: string; message: string; errors?: CompileError[] };

export type FaultResult<T> = { ok: true; value: T } | { ok: false; reason: "client_not_found" | "not_connected" };

/** Adding a packet fault: the fault as the link holds it, or why not. */
export type PacketFaultResult =
  { ok: true; value: ActivePacketFault } | { ok: false; reason: "invalid_client" | "too_many_clients" | "too_many_packet_faults" };

/**
 * One learner's private lab for one lesson: a real Socket.IO server (replaceable, for "Restart server"),
 * the network links of its named clients, and the server log the page shows.
 */
export class Lab {
  readonly log = new ServerLog();
  private server: LabBackend;
  private readonly links = new Map<string, NetworkLink>();
  /** What every link of this lab is held to, and how its packet faults reach the lab's server: one each per lab, not per client. */
  private linkLimits: LinkLimits | undefined;
  private packetSettings: PacketSettings | undefined;
  private lastActive = Date.now();
  private readonly createdAt = Date.now();
  /** Whether a client has ever connected: a lab nobody uses is evicted sooner (`unconnectedLabIdleMs`). */
  private everConnected = false;
  /** The lesson's live settings: one object, read by the handlers of every server this lab starts. */
  private readonly settings: Record<string, number>;
  private readonly database: LabDatabaseFile;
  /** The server options in force: the lesson's, until the learner switches one (e.g. recovery). */
  private options: LessonServerOptions;
  private readonly closeListeners = new Set<() => void>();
  private readonly stateListeners = new Set<() => void>();
  private readonly runTickets = new RunTickets();
  /**
   * The parse of each request with an opaque origin (a code run's), for the backend's origin check: Engine.IO
   * hands that check the request alone, and only such a request's check reads its parse. Weak, so a request
   * is forgotten with it; kept for every request, it held a parse and its query for each open WebSocket,
   * whose request Engine.IO keeps as long as the connection lasts ([8/8]).
   */
  private readonly requests = new WeakMap<IncomingMessage, LabRequest>();
  /** The learner's server code while it runs here, and the sandbox loaded for the next server start. */
  private learner: { source: string; compiled: CompiledServerCode; release: () => void } | undefined;
  private nextLearnerServer: LearnerServer | undefined;
  /** Where every client's link reports its traffic. */
  private readonly traffic: LabTraffic;

  constructor(
    readonly id: string,
    readonly lesson: LessonLab,
    readonly limits: PlaygroundLimits,
    databases: LabDatabases,
  ) {
    this.database = databases.forLab(id);
    this.traffic = new LabTraffic(this.stateListeners, lesson.logRequests ? this.log : undefined, this.log);
    this.options = { ...lesson.options };
    this.settings = Object.fromEntries(Object.entries(lesson.settings ?? {}).map(([name, spec]) => [name, spec.default]));
    this.server = this.startServer();
  }

  private startServer(): LabBackend {
    const learnerServer = this.nextLearnerServer;
    this.nextLearnerServer = undefined;
    const parts: LabBackendParts = {
      id: this.id,
      handlers: learnerServer ? learnerServer.handlers : this.lesson.handlers,
      options: this.options,
      limits: this.limits,
      log: this.log,
      onActivity: () => {
        this.everConnected = true;
        this.touch();
      },
      onStateChange: () => this.stateChanged(),
      settings: this.settings,
      database: () => this.database.connection,
      acceptsOrigin: (req) => this.acceptsOrigin(req),
      onLearnerCodeStopped: (reason) => {
        this.log.add({ at: Date.now(), kind: "log", message: reason });
        if (this.learner) void this.restoreLessonCode("The lab goes back to the lesson's code");
      },
    };
    return this.lesson.backend ? this.lesson.backend(parts) : new LabServer(parts);
  }

  /** Changes the backend's own setup, e.g. the Scaling lab's adapter; refused for a lab that has none. */
  async configure(change: unknown): Promise<{ ok: true; value: LabInfo } | { ok: false; reason: string }> {
    if (!this.server.configure) return { ok: false, reason: "This lab has no server nodes to configure." };
    const result = await this.server.configure(change);
    return result.ok ? { ok: true, value: this.info() } : result;
  }

  /** A ticket that lets a sandboxed code run (Origin: null) connect as the client "Code", for a few minutes. */
  issueRunTicket(): { ticket: string; client: string; expiresAt: number } | undefined {
    const issued = this.runTickets.issue();
    if (!issued) return undefined;
    // Each run starts on a healthy link that already exists, so an exercise can set faults before it connects.
    const link = this.linkFor(CODE_CLIENT);
    if (link && link !== "full") link.set({ ...HEALTHY_LINK });
    return { ...issued, client: CODE_CLIENT };
  }

  /** Ends a run's ticket; its open connections stay, but no new one gets in with it. */
  revokeRunTicket(ticket: string): boolean {
    return this.runTickets.revoke(ticket);
  }

  /** The lab's own pages, scripts with no Origin, and sandboxed code runs that hold a ticket. */
  private acceptsOrigin(req: IncomingMessage, request = this.requests.get(req)): boolean {
    if (isOpaqueOrigin(req)) return request?.client === CODE_CLIENT && this.runTickets.admits(request.ticket);
    return isSameOrigin(req);
  }

  /** Changes the lesson's live settings; values are clamped to each setting's range. Unknown names are refused. */
  setSettings(change: Record<string, unknown>): { ok: true; value: Record<string, number> } | { ok: false; reason: string } {
    const specs = this.lesson.settings ?? {};
    for (const [name, value] of Object.entries(change)) {
      const spec = specs[name];
      if (!spec) return { ok: false, reason: `This lab has no setting called "${name.slice(0, 32)}".` };
      if (typeof value !== "number" || !Number.isFinite(value)) return { ok: false, reason: `"${name}" must be a number.` };
    }
    for (const [name, value] of Object.entries(change) as [string, number][]) {
      const spec = specs[name];
      if (!spec) continue;
      this.settings[name] = Math.min(spec.max, Math.max(spec.min, value));
      this.log.add({ at: Date.now(), kind: "log", message: `setting ${name} = ${this.settings[name]}` });
    }
    return { ok: true, value: { ...this.settings } };
  }

  private stateChanged(): void {
    for (const listener of this.stateListeners) listener();
  }

  /** Told when the server's state changes without a log entry (a room joined or left). */
  onStateChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  inspect(): InspectorSnapshot {
    return { ...this.server.inspect(), links: [...this.links.values()].map((link) => link.traffic) };
  }

  get clientCount(): number {
    return this.server.clientCount;
  }

  /**
   * Idle means nobody has been connected for the whole idle period; a lab no client ever connected to is idle
   * sooner, counted from its creation, so that touching it does not keep it.
   */
  isIdle(now: number): boolean {
    if (!this.server.isEmpty) {
      this.everConnected = true;
      return false;
    }
    if (!this.everConnected && now - this.createdAt >= this.limits.unconnectedLabIdleMs) return true;
    return now - this.lastActive >= this.limits.labIdleMs;
  }

  touch(): void {
    this.lastActive = Date.now();
  }

  info(): LabInfo {
    const { maxClientsPerLab, maxEventsPerSecond, maxPayloadBytes, labIdleMs } = this.limits;
    return {
      id: this.id,
      lesson: this.lesson.slug,
      path: labPath(this.id),
      httpPath: labHttpPath(this.id),
      logUrl: `/api/labs/${this.id}/log`,
      server: {
        ...this.server.heartbeat,
        connectionStateRecovery: this.options.connectionStateRecovery
          ? { maxDisconnectionDuration: this.options.connectionStateRecovery.maxDisconnectionDuration ?? 120_000 }
          : false,
      },
      limits: { maxClientsPerLab, maxEventsPerSecond, maxPayloadBytes, labIdleMs },
      settings: Object.entries(this.lesson.settings ?? {}).map(([name, spec]) => ({
        name,
        ...spec,
        value: this.settings[name] ?? spec.default,
      })),
      serverCode: this.learner ? "learner" : "lesson",
      ...this.server.info?.(),
    };
  }

  /**
   * Whether a request to `/labs/<id>/<path>` is this lab's: its Socket.IO server, its plain HTTP routes
   * (never an upgrade), or a path its backend serves besides.
   */
  serves(path: string, upgrade: boolean): boolean {
    return path.startsWith("socket.io/") || (!upgrade && path.startsWith(HTTP_ROUTES)) || (this.server.servesPath?.(path) ?? false);
  }

  /**
   * A request the dispatcher has parsed (`request`) and found to be this lab's (`serves`); `tally` hears
   * while the client's link holds it back.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse, request: LabRequest, tally?: HeldTally): void {
    this.touch();
    if (isOpaqueOrigin(req)) this.requests.set(req, request);
    const link = this.linkFor(request.client);
    if (link === "full") return sendError(res, 429, "too_many_clients", TOO_MANY_NAMES);
    // A code run's polling requests are cross-origin (its origin is opaque): let it read the answers.
    if (isOpaqueOrigin(req) && this.acceptsOrigin(req, request)) res.setHeader("access-control-allow-origin", "null");
    const serve = () => this.serve(req, res, request);
    if (!link) return serve();
    link.request(req, res, request, serve, tally);
  }

  /** Socket.IO's own requests go to its server; `<lab>/http/...` goes to the lesson's plain HTTP routes. */
  private serve(req: IncomingMessage, res: ServerResponse, request: LabRequest): void {
    if (!request.path.startsWith(HTTP_ROUTES)) return this.server.handleRequest(req, res);
    // Socket.IO's own requests are checked as Engine.IO admits them; a route answers whoever asks, so here.
    if (!this.acceptsOrigin(req, request)) {
      return sendError(res, 403, "cross_origin", "A lab's routes answer this site's own pages and code runs only.");
    }
    const path = `/${request.path.slice(HTTP_ROUTES.length)}`;
    const route = this.server.route(path);
    if (!route) return sendError(res, 404, "route_not_found", `This lab serves no HTTP route at ${path.slice(0, 100)}.`);
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      return sendError(res, 405, "method_not_allowed", "Use GET here.");
    }
    try {
      route(req, res);
    } catch (error) {
      console.error("lesson route error", error);
      if (!res.headersSent) sendError(res, 500, "internal", "The lesson's route failed to answer.");
    }
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, request: LabRequest, tally?: HeldTally): void {
    this.touch();
    if (isOpaqueOrigin(req)) this.requests.set(req, request);
    const { client, sid } = request;
    const link = this.linkFor(client);
    if (link === "full") return void socket.end(`HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n\r\n`);
    if (!link) return this.server.handleUpgrade(req, socket, head);
    link.upgrade(req, socket, head, sid, (labSide, rest) => this.server.handleUpgrade(req, labSide, rest), tally);
  }

  /** Whether a request with this client name would make a new link (and so cost a quota). */
  makesLink(name: string | undefined): boolean {
    return name !== undefined && !this.links.has(name);
  }

  /**
   * The faults on a named client's link. A name the lab has not seen yet has a healthy link: a page asks as
   * its client starts connecting, and must not get an error for being first.
   */
  link(name: string): FaultResult<LinkState> {
    return { ok: true, value: this.links.get(name)?.state ?? { ...HEALTHY_LINK } };
  }

  setLink(name: string, change: Partial<LinkState>): FaultResult<LinkState> {
    const link = this.links.get(name);
    if (!link) return { ok: false, reason: "client_not_found" };
    const before = link.state;
    const after = link.set(change);
    for (const message of describeChange(before, after)) this.log.add({ at: Date.now(), kind: "fault", client: name, message });
    if (after.offline && !before.offline) this.cut(name, link, "Offline");
    return { ok: true, value: after };
  }

  drop(name: string): FaultResult<LinkState> {
    const link = this.links.get(name);
    if (!link) return { ok: false, reason: "client_not_found" };
    this.cut(name, link, "Drop");
    return { ok: true, value: link.state };
  }

  /** Cuts a client's connections (Drop, or going Offline), saying what was lost, and tells the server. */
  private cut(name: string, link: NetworkLink, why: string): void {
    const { sessions, lost } = link.drop();
    const inFlight = lost > 0 ? ` (${lost} ${lost === 1 ? "delivery" : "deliveries"} in flight lost)` : "";
    this.log.add({ at: Date.now(), kind: "fault", client: name, message: `${why}: the connection is cut${inFlight}` });
    for (const sid of sessions) this.server.failPolling(sid);
  }

  /** The packet faults on a named client's link; none for a name the lab has not seen. */
  packetFaults(name: string): ActivePacketFault[] {
    return this.links.get(name)?.faults.list ?? [];
  }

  /**
   * Adds a packet fault to a client's link, made now if the client has not connected yet, so a script can
   * set faults before it connects; they follow the client across reconnections, as link faults do.
   */
  addPacketFault(name: string, fault: PacketFault): PacketFaultResult {
    if (!CLIENT_NAME.test(name)) return { ok: false, reason: "invalid_client" };
    const link = this.linkFor(name);
    if (link === "full" || !link) return { ok: false, reason: "too_many_clients" };
    const added = link.faults.add(fault);
    if (!added) return { ok: false, reason: "too_many_packet_faults" };
    this.log.add({ at: Date.now(), kind: "fault", client: name, message: `Packet fault: ${describePacketFault(fault, name)}` });
    return { ok: true, value: added };
  }

  /** Ends one packet fault; false when the client's link has no fault of that id (it may have run out). */
  endPacketFault(name: string, id: string): boolean {
    const link = this.links.get(name);
    const fault = link?.faults.list.find((active) => active.id === id);
    if (!link || !fault) return false;
    link.faults.end(id);
    this.log.add({ at: Date.now(), kind: "fault", client: name, message: `Packet fault ended: ${describePacketFault(fault, name)}` });
    return true;
  }

  clearPacketFaults(name: string): void {
    const link = this.links.get(name);
    if (!link || link.faults.size === 0) return;
    link.faults.clear();
    this.log.add({ at: Date.now(), kind: "fault", client: name, message: "Packet faults ended" });
  }

  /** The server disconnects the client's socket, as `socket.disconnect()` in a handler would. */
  kick(name: string): FaultResult<number> {
    if (!this.links.has(name)) return { ok: false, reason: "client_not_found" };
    this.log.add({ at: Date.now(), kind: "fault", client: name, message: "Kick: the server calls socket.disconnect()" });
    const kicked = this.server.disconnectClient(name);
    return kicked > 0 ? { ok: true, value: kicked } : { ok: false, reason: "not_connected" };
  }

  /**
   * Switches connection state recovery on (with its window) or off. Socket.IO reads its options once, so
   * the switch restarts the lab's server with them, as a deploy would.
   */
  async setRecovery(recovery: { maxDisconnectionDuration: number } | false): Promise<LabInfo> {
    if (this.server.setRecovery) {
      await this.server.setRecovery(recovery !== false);
      return this.info();
    }
    const { connectionStateRecovery: _old, ...rest } = this.options;
    this.options = recovery ? { ...rest, connectionStateRecovery: { maxDisconnectionDuration: recovery.maxDisconnectionDuration } } : rest;
    const described = recovery ? `on, maxDisconnectionDuration ${recovery.maxDisconnectionDuration} ms` : "off";
    await this.restart(`Restart server with connectionStateRecovery ${described}`);
    return this.info();
  }

  /** Shuts the lab's Socket.IO server down and starts a fresh one with the same options and handlers. */
  async restart(why = "Restart server"): Promise<void> {
    this.log.add({ at: Date.now(), kind: "fault", message: `${why}: every socket, room and buffered packet is gone` });
    if (this.server.restart) {
      await this.server.restart();
      return this.stateChanged();
    }
    if (this.learner && !this.nextLearnerServer && typeof (await this.loadLearnerServer(this.learner.compiled)) === "string") {
      this.endLearnerCode();
    }
    const old = this.server;
    this.server = this.startServer();
    await old.close();
    this.stateChanged();
  }

  /** What the lab's server runs now: the lesson's own server.ts, or the learner's code. */
  serverCode(): { source: "lesson" | "learner"; code?: string } {
    return this.learner ? { source: "learner", code: this.learner.source } : { source: "lesson" };
  }

  /**
   * Runs the learner's server code in place of the lesson's: compiled (a syntax error refuses it), loaded
   * into a sandbox of its own, then started on a fresh server, as "Restart server" starts one, so the
   * lab's clients reconnect to it. Faults, the log, the timeline and the inspector stay the lab's.
   */
  async runServerCode(source: string, lessonDir: string): Promise<ServerCodeResult> {
    const compiled = await compileServerCode(source, lessonDir);
    if (!compiled.ok)
      return { ok: false, status: 400, error: "compile_error", message: "Your server code does not compile.", errors: compiled.errors };
    const release = this.learner?.release ?? takeSandboxSlot(this.limits.maxSandboxes);
    if (!release) {
      return {
        ok: false,
        status: 503,
        error: "sandbox_limit",
        message: "Too many labs are running learner code on this server right now: try again in a minute.",
      };
    }
    const loaded = await this.loadLearnerServer(compiled.code);
    if (typeof loaded === "string") {
      if (!this.learner) release();
      return { ok: false, status: 400, error: "start_error", message: loaded };
    }
    this.learner = { source, compiled: compiled.code, release };
    for (const note of loaded.notes) this.log.add({ at: Date.now(), kind: "log", message: `options: ${note}` });
    if (this.server.runLearnerCode) {
      // The sandbox here only proved the code starts: each of the backend's servers loads its own.
      this.nextLearnerServer?.dispose();
      this.nextLearnerServer = undefined;
      this.log.add({ at: Date.now(), kind: "fault", message: "Run on my lab: your server code replaces the lesson's on every node" });
      const ran = await this.server.runLearnerCode(compiled.code);
      if (!ran.ok) {
        this.endLearnerCode();
        await this.server.runLearnerCode(undefined);
        return { ok: false, status: 400, error: "start_error", message: ran.reason };
      }
      this.stateChanged();
      return { ok: true, value: this.info(), notes: loaded.notes };
    }
    await this.restart("Run on my lab: your server code replaces the lesson's");
    return { ok: true, value: this.info(), notes: loaded.notes };
  }

  /** Goes back to the lesson's own server code ("Back to the lesson's code"). */
  async restoreLessonCode(why = "Back to the lesson's code"): Promise<LabInfo> {
    const wasLearner = this.learner !== undefined;
    this.endLearnerCode();
    if (this.server.runLearnerCode) {
      this.log.add({ at: Date.now(), kind: "fault", message: `${why}: every node restarts` });
      if (wasLearner) await this.server.runLearnerCode(undefined);
      this.stateChanged();
      return this.info();
    }
    await this.restart(why);
    return this.info();
  }

  /**
   * Loads the learner's code into a new sandbox for the next server start; its options become the lab's.
   * A string says why it failed to start.
   */
  private async loadLearnerServer(compiled: CompiledServerCode): Promise<LearnerServer | string> {
    this.nextLearnerServer?.dispose();
    this.nextLearnerServer = undefined;
    const log = lessonLog(this.log);
    const prepared = await prepareLearnerServer(compiled, this.limits, this.limits.maxPayloadBytes, {
      log,
      stopped: (reason) => {
        log(reason);
        // Only if that code still runs here: a stop that arrives after the learner moved on changes nothing.
        if (this.learner?.compiled === compiled) void this.restoreLessonCode("The lab goes back to the lesson's code");
      },
    });
    if (!prepared.ok) {
      log(`Your server code failed to start: ${prepared.message}`);
      return prepared.message;
    }
    this.nextLearnerServer = prepared.server;
    this.options = prepared.server.options;
    return prepared.server;
  }

  private endLearnerCode(): void {
    this.learner?.release();
    this.learner = undefined;
    this.nextLearnerServer?.dispose();
    this.nextLearnerServer = undefined;
    this.options = { ...this.lesson.options };
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Disconnects every client ("server shutting down") and frees the server. */
  async close(): Promise<void> {
    this.endLearnerCode();
    await this.server.close();
    await this.database.purge();
    for (const link of this.links.values()) link.drop();
    this.links.clear();
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }

  /**
   * The link of a named client, made on its first request. Links outlive connections (Offline must refuse
   * the next attempt), so their number is capped: idle healthy links are forgotten first, and past the cap a
   * new name is refused rather than let through with no link.
   */
  private linkFor(name: string | undefined): NetworkLink | "full" | undefined {
    if (name === undefined) return undefined;
    const existing = this.links.get(name);
    if (existing) return existing;
    const cap = this.limits.maxClientsPerLab * 4;
    if (this.links.size >= cap) {
      for (const [known, link] of this.links) if (link.isIdle) this.links.delete(known);
    }
    if (this.links.size >= cap) return "full";
    this.linkLimits ??= {
      maxConnections: this.limits.maxHeldConnections,
      holdMs: () => this.server.heartbeat.pingInterval + this.server.heartbeat.pingTimeout,
      limited: (client, message) => this.log.add({ at: Date.now(), kind: "fault", client, message }),
    };
    this.packetSettings ??= {
      // A frame or body past the payload cap is refused by the lab's server: no need to read it.
      maxFrameBytes: this.limits.maxPayloadBytes + 64,
      server: { release: (sid) => this.server.releasePoll?.(sid), fail: (sid) => this.server.failPolling(sid) },
    };
    const link = new NetworkLink(name, this.traffic, this.linkLimits, this.packetSettings);
    this.links.set(name, link);
    return link;
  }
}
