import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { FAULT_LIMITS, type LinkState, type LinkTraffic } from "../../shared/network.js";
import { measureExchange, requestHeadBytes, type HttpExchange } from "./http-exchange.js";
import { Lane, type LinkConditions } from "./lane.js";
import type { LabRequest } from "./lab-request.js";
import { LinkConnections, NO_LINK_LIMITS, NO_TALLY, type Connection, type HeldTally, type LinkLimits } from "./link-connections.js";
import { LinkSocket } from "./link-socket.js";
import { PacketFaultSet, type PacketFaultNote } from "./packet-fault-set.js";
import type { PacketLink } from "./packet-link.js";
import { filterRequestBody, filterResponseBody, type BodyFilter } from "./polling-http.js";
import { PollingPackets, type PollingServer } from "./polling-packets.js";
import { RecordedHandshake } from "./recorded-handshake.js";

type Action = () => void;

/** Keeps the few most recent session ids: sessions are short-lived and a link only needs its latest ones. */
function remember(set: Set<string>, sid: string, keep = 8): void {
  set.add(sid);
  for (const old of set) {
    if (set.size <= keep) break;
    set.delete(old);
  }
}

/** Where a link reports its traffic, so the link knows nothing of the lab that counts or logs it. */
export interface TrafficSink {
  /** The link's counts changed: WebSocket bytes, or an upgrade answered. */
  counted(): void;
  /** One HTTP exchange of the link's client ended, counted, with the request it answered. */
  exchanged(client: string, exchange: HttpExchange, request: LabRequest): void;
  /** Packet faults acted on one of the client's packets (`frame`, its start). */
  faulted(client: string, notes: PacketFaultNote[], frame: string): void;
}

const NO_SINK: TrafficSink = { counted: () => undefined, exchanged: () => undefined, faulted: () => undefined };

/** What packet faults need of the lab behind a link: how long a frame may be, and its long-polling sessions. */
export interface PacketSettings {
  maxFrameBytes: number;
  server: PollingServer;
}

const NO_PACKET_SETTINGS: PacketSettings = { maxFrameBytes: 1024 * 1024, server: { release: () => undefined, fail: () => undefined } };

export const HEALTHY_LINK: LinkState = { blackhole: false, offline: false, latencyMs: 0, jitterMs: 0, blockWebSocket: false };

/**
 * The network between one named client and its lab, as toxiproxy would model it: faults apply to the real
 * bytes and requests of that client, whatever code runs it. The lab's server and the lesson's handlers
 * know nothing of it.
 */
export class NetworkLink implements LinkConditions, PacketLink {
  state: LinkState = { ...HEALTHY_LINK };
  /** What this client's traffic has cost so far, counted at the lab's end of its connections. */
  private readonly counts = { requests: 0, websockets: 0, bytesToServer: 0, bytesToClient: 0 };
  /** The latest WebSocket upgrade's handshake, for the inspector. */
  private handshake: RecordedHandshake | undefined;
  readonly toServer = new Lane(this);
  readonly toClient = new Lane(this);
  private readonly connections: LinkConnections;
  /**
   * Engine.IO sessions this client has polled with lately, and those a drop has cut; each made when first
   * needed, as most links never poll or are never dropped ([8/8]).
   */
  private sessions: Set<string> | undefined;
  private cutSessions: Set<string> | undefined;
  /**
   * Socket.IO-aware faults (drop, delay acks, duplicate, close after N), applied to each connection's packets.
   * The link itself is what those connections read them from (PacketLink: faults, maxFrameBytes, report).
   */
  readonly faults: PacketFaultSet;
  readonly maxFrameBytes: number;
  private readonly pollingServer: PollingServer;
  private pollingPackets: PollingPackets | undefined;

  /**
   * `sink` hears of every byte counted, of each HTTP exchange (with its request) once it ends, and of each
   * packet a fault acted on; `limits` bound the connections the link holds.
   */
  constructor(
    readonly name: string,
    private readonly sink: TrafficSink = NO_SINK,
    limits: LinkLimits = NO_LINK_LIMITS,
    settings: PacketSettings = NO_PACKET_SETTINGS,
  ) {
    this.connections = new LinkConnections(limits, this);
    this.faults = new PacketFaultSet(name);
    this.maxFrameBytes = settings.maxFrameBytes;
    this.pollingServer = settings.server;
  }

  /** Packet faults acted on one of this client's packets. */
  report(notes: PacketFaultNote[], frame: string): void {
    this.sink.faulted(this.name, notes, frame);
  }

  get traffic(): LinkTraffic {
    return { client: this.name, ...this.counts, ...(this.handshake ? { handshake: this.handshake.view() } : {}) };
  }

  /** Bytes of a WebSocket that crossed the link: frames, and the 101 answer the lab wrote first. */
  count(direction: "toServer" | "toClient", bytes: number): void {
    if (direction === "toServer") this.counts.bytesToServer += bytes;
    else this.counts.bytesToClient += bytes;
    this.sink.counted();
  }

  get blackholed(): boolean {
    return this.state.blackhole;
  }

  /** The packet faults' view of this client's long-polling sessions, made with its first poll. */
  private get polling(): PollingPackets {
    return (this.pollingPackets ??= new PollingPackets(this, this.pollingServer));
  }

  delay(): number {
    const { latencyMs, jitterMs } = this.state;
    return latencyMs + (jitterMs > 0 ? Math.random() * jitterMs : 0);
  }

  /** A healthy link with nothing on it can be forgotten: a new one would behave the same. */
  get isIdle(): boolean {
    const { blackhole, offline, latencyMs, jitterMs, blockWebSocket } = this.state;
    const healthy = !blackhole && !offline && !blockWebSocket && latencyMs === 0 && jitterMs === 0;
    return healthy && this.faults.size === 0 && this.connections.size === 0;
  }

  /** Applies a change of faults; see docs/lab-api.md for how they combine. Going offline also needs a drop. */
  set(change: Partial<LinkState>): LinkState {
    const next = { ...this.state, ...change };
    next.latencyMs = Math.min(Math.max(0, Math.round(next.latencyMs)), FAULT_LIMITS.maxLatencyMs);
    next.jitterMs = Math.min(Math.max(0, Math.round(next.jitterMs)), FAULT_LIMITS.maxJitterMs);
    const lifted = this.state.blackhole && !next.blackhole;
    const began = !this.state.blackhole && next.blackhole;
    this.state = next;
    if (began) this.connections.blackholeBegan();
    if (lifted) {
      this.toServer.release();
      this.toClient.release();
    }
    return this.state;
  }

  /**
   * Cuts every connection of this client at once, as a pulled cable would; what was in flight is lost.
   * Returns the long-polling sessions it cut (between two polls no request is in flight to cut, so the
   * caller must tell the lab's server, as a reset connection would have) and how many deliveries
   * (frames, requests, responses) the link was holding or delaying, now lost.
   */
  drop(): { sessions: string[]; lost: number } {
    this.connections.cutAll();
    const lost = this.toServer.clear() + this.toClient.clear();
    const sessions = this.sessions ? [...this.sessions] : [];
    for (const sid of sessions) remember((this.cutSessions ??= new Set()), sid);
    this.sessions = undefined;
    return { sessions, lost };
  }

  /**
   * An HTTP long-polling request from this client; `deliver` hands it to the lab's Engine.IO server. `tally`
   * hears while the link holds it back.
   */
  request(req: IncomingMessage, res: ServerResponse, request: LabRequest, deliver: Action, tally: HeldTally = NO_TALLY): void {
    const { sid } = request;
    // A request of a cut session fails as the next request over a cut cable would.
    if (this.state.offline || (sid !== undefined && this.cutSessions?.has(sid))) return void req.socket.destroy();
    const connection = { cut: () => req.socket.destroy() };
    if (!this.connections.admit(connection, tally)) return void req.socket.destroy();
    res.once("close", () => this.connections.closed(connection));
    if (sid !== undefined) remember((this.sessions ??= new Set()), sid);
    this.counts.requests += 1;
    const poll = sid !== undefined && request.query?.get("transport") === "polling" ? sid : undefined;
    const method = req.method ?? "GET";
    /** Set as the POST is delivered, if its body is to be read: the same choice as its headers'. */
    let bodyFilter: BodyFilter | undefined;
    // Read before the exchange is measured, so the measure counts the body the client sent.
    if (poll !== undefined && method === "POST") filterRequestBody(req, () => bodyFilter, this.maxFrameBytes);
    measureExchange(req, res, (exchange) => {
      this.counts.bytesToServer += exchange.bytesToServer;
      this.counts.bytesToClient += exchange.bytesToClient;
      this.sink.exchanged(this.name, exchange, request);
    });
    // The response, too, crosses the link: hold or delay its body like any frame.
    const end = res.end.bind(res);
    const write = res.write.bind(res);
    res.end = ((...args: Parameters<typeof res.end>) => {
      this.toClient.send(() => void (res.destroyed || end(...args)));
      return res;
    }) as typeof res.end;
    res.write = ((...args: Parameters<typeof res.write>) => {
      this.toClient.send(() => void (res.destroyed || write(...args)));
      return true;
    }) as typeof res.write;
    const answer =
      poll !== undefined && method === "GET"
        ? filterResponseBody(
            res,
            () => this.polling.inspects("toClient", poll),
            (body) => this.polling.toClient(poll, body),
          )
        : undefined;
    this.toServer.send(() => {
      if (req.socket.destroyed) return;
      this.connections.delivered(connection);
      if (poll !== undefined && answer) {
        // A poll the link answers itself (its session closed by a fault, or delayed packets due) never reaches the server.
        const body = this.polling.answerAtLink(poll);
        if (body !== undefined) return answer(body);
        res.once("close", this.polling.waiting(poll, answer));
      }
      if (poll !== undefined && method === "POST" && this.polling.inspects("toServer", poll)) {
        bodyFilter = (body) => this.polling.toServer(poll, body);
        // The body's length may change: a balancer forwarding it must not announce the old one.
        delete req.headers["content-length"];
        req.headers["transfer-encoding"] = "chunked";
      }
      deliver();
    });
  }

  /** A WebSocket upgrade from this client: the lab gets a socket whose bytes all cross this link. */
  upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    sid: string | undefined,
    deliver: (labSide: Duplex, head: Buffer) => void,
    tally: HeldTally = NO_TALLY,
  ): void {
    if (this.state.offline || (sid !== undefined && this.cutSessions?.has(sid))) return void socket.destroy();
    // Each upgrade fills in its own handshake: overlapping upgrades never mix one's request with another's answer.
    const handshake = new RecordedHandshake(req);
    // An accepted upgrade's connection is its LinkSocket, which tells the link when the socket closes; no
    // closure here outlives the call, so none keeps the request and its head in the heap ([8/8]).
    const blocked = this.state.blockWebSocket;
    const connection: Connection = blocked ? { cut: () => socket.destroy() } : new LinkSocket(this, socket, handshake);
    if (!this.connections.admit(connection, tally)) return void socket.destroy();
    if (blocked) socket.once("close", () => this.connections.closed(connection));
    this.counts.requests += 1;
    this.counts.bytesToServer += requestHeadBytes(req) + head.length;
    this.handshake = handshake;
    if (blocked) {
      const refusal = "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
      handshake.answeredWith(refusal);
      this.counts.bytesToClient += Buffer.byteLength(refusal);
      this.sink.counted();
      this.connections.delivered(connection);
      return void socket.end(refusal);
    }
    this.counts.websockets += 1;
    this.sink.counted();
    const lab = connection as LinkSocket;
    this.toServer.send(() => {
      if (socket.destroyed) return;
      this.connections.delivered(lab);
      deliver(lab, head);
    });
  }

  closed(connection: Connection): void {
    this.connections.closed(connection);
  }
}
