import { io, type Socket } from "socket.io-client";
import { LAB_ERROR_EVENT, type LabInfo } from "../shared/lab-api.js";
import { messageFrame } from "../shared/wire.js";
import { trackServerOffset } from "../lessons/recovery/server-offset.js";
import { tapBackoff, tapEngines, type TransportEvent, type WireEvent } from "./engine-tap.js";
import { retryQueue, type QueuedPacket } from "./socket-internals.js";
import { FrameMatcher, type PendingAck } from "./frame-matcher.js";
import { TRANSPORT_CHOICES, type TransportChoice } from "./transport-choices.js";
import { EventGate, GatedListeners, type ListenOptions } from "./event-gate.js";

export type { TransportChoice };

export type { TransportEvent, WireEvent } from "./engine-tap.js";

/** What the real client reports about its connection; never what a button assumed. */
export type ClientStatus =
  | { state: "connecting" }
  | { state: "connected"; socketId: string; transport: string; recovered: boolean }
  | { state: "disconnected"; reason: string; description?: string; willReconnect: boolean };

/** How an emit asks for its acknowledgement: a callback or a promise, with or without `timeout(ms)`. */
export interface AckStyle {
  kind: "callback" | "emitWithAck";
  timeoutMs?: number;
}

export interface ReceivedEntry {
  at: number;
  kind: "event" | "ack" | "lab-error";
  /** The event name, or for an ack the event it answers. */
  event: string;
  args: unknown[];
  /** For an ack: how it came back, e.g. "callback" or "emitWithAck rejected". */
  how?: string;
  /** For an event the server sent with an ack: call it to answer; it sends the ACK frame. */
  answer?: (reply: unknown) => void;
  /** The raw frames that carried it, e.g. `42["editing","hi"]` and any binary attachments. */
  frames: string[];
}

/** The client's own reconnection schedule, read from its Manager's real backoff. */
export interface Reconnection {
  /** Attempts made so far in this run of reconnections, each with the delay that preceded it and how it ended. */
  attempts: { delayMs: number; error?: string }[];
  /** When the next attempt starts, if one is scheduled. */
  nextAt?: number;
}

/** The heartbeat as the client sees it: when the last ping arrived, and when it gives up without one. */
export interface Heartbeat {
  lastPingAt: number;
  timeoutAt: number;
}

/** An emit made while disconnected: it waits in `socket.sendBuffer` until the next connect. */
export interface BufferedEvent {
  at: number;
  event: string;
  args: unknown[];
  queued: number;
}

/** Client options a lesson lets the learner set. */
export interface ClientOptions {
  ackTimeout?: number;
  /** socket.io-client's `retries`: resend an unacknowledged emit up to this many more times, one at a time. */
  retries?: number;
  /**
   * Resend strategy "offset" (the Recovery lesson's): keep the id of the newest row received in
   * `socket.auth.serverOffset`, so the next connection tells the server where this client stopped.
   */
  trackOffset?: boolean;
  /** Socket.IO's `path`, when not the lab's own: in the Scaling lab, one node's or the load balancer's. */
  path?: string;
}

interface ClientEvents {
  status: ClientStatus;
  received: ReceivedEntry;
  reconnection: Reconnection;
  heartbeat: Heartbeat;
  wire: WireEvent;
  transport: TransportEvent;
  buffered: BufferedEvent;
}

type Listeners = { [K in keyof ClientEvents]: GatedListeners<ClientEvents[K]> };

const KEEP_RECEIVED = 200;

/**
 * One named client of a lab: a real socket.io-client connection with its own Manager, so each virtual client
 * has its own Engine.IO connection, just like a separate browser tab. Its name travels in the `client` query
 * parameter, which is how the lab's network faults find it.
 */
export class VirtualClient {
  socket: Socket;
  status: ClientStatus = { state: "connecting" };
  reconnection: Reconnection = { attempts: [] };
  readonly received: ReceivedEntry[] = [];
  /** Matches the current socket's frames to the events and acks it delivers; `open` makes one per socket. */
  private frames!: FrameMatcher;
  private readonly listeners: Listeners = {
    status: new GatedListeners(),
    received: new GatedListeners(),
    reconnection: new GatedListeners(),
    heartbeat: new GatedListeners(),
    wire: new GatedListeners(),
    transport: new GatedListeners(),
    buffered: new GatedListeners(),
  };

  constructor(
    readonly name: string,
    private readonly lab: LabInfo,
    private transport: TransportChoice = "default",
    private readonly origin: string = location.origin,
    private options: ClientOptions = {},
    /** Where its news waits while the page's views are still loading (event-gate.ts); open by default. */
    private readonly gate: EventGate = EventGate.open(),
  ) {
    this.socket = this.open();
  }

  get transportChoice(): TransportChoice {
    return this.transport;
  }

  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void, options?: ListenOptions): () => void {
    return this.listeners[event].add(listener, options);
  }

  /**
   * Emits an event; with `ack` the server's answer is recorded as an ack entry, with the frames of its ACK, and
   * the returned promise resolves with that entry (whether the ack came or the client gave up on it).
   * `volatile` sends it with `socket.volatile`: dropped, not buffered, when the transport is not writable.
   */
  emit(event: string, args: readonly unknown[], ack: AckStyle | null, { volatile = false } = {}): Promise<ReceivedEntry> | undefined {
    // Ack ids count per socket: this emit's ack belongs to the socket and frames of now, even after a restart.
    const { socket, frames } = this;
    const queuedBefore = socket.sendBuffer.length;
    const taken = frames.beforeAckedEmit();
    let pending: PendingAck | undefined;
    let settled: (entry: ReceivedEntry) => void = () => undefined;
    const outcome = ack === null ? undefined : new Promise<ReceivedEntry>((resolve) => (settled = resolve));
    const answered = (how: string, reply: unknown[]) => {
      if (pending) frames.settle(pending);
      const entry: ReceivedEntry = { at: Date.now(), kind: "ack", event, how, args: reply, frames: [...(pending?.frames ?? [])] };
      this.record(entry);
      settled(entry);
    };
    const base = volatile ? socket.volatile : socket;
    const sender = ack?.timeoutMs === undefined ? base : base.timeout(ack.timeoutMs);
    if (ack === null) {
      base.emit(event, ...args);
    } else if (ack.kind === "callback") {
      sender.emit(event, ...args, (...reply: unknown[]) => answered("callback", reply));
    } else {
      sender.emitWithAck(event, ...args).then(
        (value: unknown) => answered("emitWithAck resolved", [value]),
        (error: unknown) => answered("emitWithAck rejected", [error]),
      );
    }
    if (ack !== null) pending = taken();
    const queued = socket.sendBuffer.length;
    if (queued > queuedBefore) this.emitTo("buffered", { at: Date.now(), event, args: [...args], queued });
    return outcome;
  }

  /** What waits to be sent: the send buffer (emits made while disconnected) and, with `retries`, the retry queue. */
  get queues(): { sendBuffer: number; retry: readonly QueuedPacket[] } {
    return { sendBuffer: this.socket.sendBuffer.length, retry: retryQueue(this.socket) };
  }

  /** Connects again after the server or the learner ended the connection. */
  connect(): void {
    if (!this.socket.connected) this.socket.connect();
  }

  /** `socket.disconnect()`: the client leaves on purpose, and will not reconnect by itself. */
  disconnect(): void {
    this.socket.disconnect();
  }

  get clientOptions(): ClientOptions {
    return this.options;
  }

  /** Starts over with another choice of transports: a new connection, as a page reload would make. */
  useTransport(transport: TransportChoice): void {
    this.transport = transport;
    this.restart();
  }

  /** Starts over with other client options, e.g. `ackTimeout`. */
  useOptions(options: ClientOptions): void {
    this.options = options;
    this.restart();
  }

  private restart(): void {
    this.socket.disconnect();
    this.socket.removeAllListeners();
    this.socket = this.open();
  }

  close(): void {
    this.socket.disconnect();
    for (const listeners of Object.values(this.listeners)) listeners.clear();
  }

  private open(): Socket {
    const { trackOffset, ...socketOptions } = this.options;
    const socket = io(this.origin, {
      path: this.lab.path,
      forceNew: true,
      autoConnect: false,
      query: { client: this.name },
      transports: [...TRANSPORT_CHOICES[this.transport].transports],
      tryAllTransports: TRANSPORT_CHOICES[this.transport].tryAllTransports,
      ...socketOptions,
    });
    this.frames = new FrameMatcher(socket);
    if (trackOffset) trackServerOffset(socket);
    this.watchReconnection(socket);
    this.watchEngines(socket);
    socket.on("connect", () => {
      this.frames.connected();
      this.setReconnection({ attempts: [] });
      this.setStatus({
        state: "connected",
        socketId: socket.id ?? "",
        transport: socket.io.engine.transport.name,
        recovered: socket.recovered,
      });
    });
    socket.on("disconnect", (reason, details) => {
      this.setStatus({ state: "disconnected", reason, description: describeDetails(details), willReconnect: socket.active });
    });
    socket.on("connect_error", (error) => {
      this.setStatus({ state: "disconnected", reason: "connect error", description: error.message, willReconnect: socket.active });
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      const kind = event === LAB_ERROR_EVENT ? "lab-error" : "event";
      const last = args.at(-1);
      const answer = typeof last === "function" ? (args.pop() as (reply: unknown) => void) : undefined;
      this.record({ at: Date.now(), kind, event, args, frames: this.frames.takeEvent(), ...(answer ? { answer } : {}) });
    });
    socket.connect();
    return socket;
  }

  /** The reconnection schedule, from the delays the Manager's own backoff computes (see engine-tap). */
  private watchReconnection(socket: Socket): void {
    tapBackoff(socket, (delayMs) => {
      this.setReconnection({ attempts: [...this.reconnection.attempts, { delayMs }], nextAt: Date.now() + delayMs });
    });
    socket.io.on("reconnect_attempt", () => this.setReconnection({ attempts: this.reconnection.attempts }));
    socket.io.on("reconnect_error", (error) => {
      const attempts = [...this.reconnection.attempts];
      const last = attempts.at(-1);
      if (last) attempts[attempts.length - 1] = { ...last, error: error.message };
      this.setReconnection({ ...this.reconnection, attempts });
    });
  }

  private watchEngines(socket: Socket): void {
    // An engine closed while it probes finishes its upgrade first: once the client has started over with a
    // new socket (another transport choice), the old engine's news is no longer this client's.
    const current = () => socket === this.socket;
    // The client gives up when no ping arrives for pingInterval + pingTimeout (the values its handshake carried).
    const { pingInterval, pingTimeout } = this.lab.server;
    tapEngines(socket, {
      beat: () => {
        if (!current()) return;
        const now = Date.now();
        this.emitTo("heartbeat", { lastPingAt: now, timeoutAt: now + pingInterval + pingTimeout });
      },
      wire: (wire) => {
        this.emitTo("wire", wire);
        if (!current() || wire.type !== "message" || wire.data === undefined) return;
        if (wire.direction === "to-client") this.frames.received(messageFrame(wire.data));
        else this.frames.sent(messageFrame(wire.data));
      },
      transport: (change) => {
        if (!current()) return;
        this.emitTo("transport", change);
        if (change.stage === "upgraded" && this.status.state === "connected")
          this.setStatus({ ...this.status, transport: change.transport });
      },
    });
  }

  private record(entry: ReceivedEntry): void {
    this.received.push(entry);
    if (this.received.length > KEEP_RECEIVED) this.received.shift();
    this.emitTo("received", entry);
  }

  private setStatus(status: ClientStatus): void {
    this.status = status;
    this.emitTo("status", status);
  }

  private setReconnection(reconnection: Reconnection): void {
    this.reconnection = reconnection;
    this.emitTo("reconnection", reconnection);
  }

  private emitTo<K extends keyof ClientEvents>(event: K, value: ClientEvents[K]): void {
    this.listeners[event].emit(this.gate, value);
  }
}

/** The transport's own words for a disconnect, with the WebSocket close code when there is one. */
function describeDetails(details: unknown): string | undefined {
  if (details instanceof Error) return details.message;
  if (!details || typeof details !== "object") return undefined;
  const { description, context } = details as { description?: unknown; context?: unknown };
  const text = description instanceof Error ? description.message : typeof description === "string" ? description : undefined;
  const code = context && typeof context === "object" && "code" in context ? (context as { code: unknown }).code : undefined;
  return typeof code === "number" ? `${text ?? "closed"} (close code ${code})` : text;
}
