import { io, type Socket } from "socket.io-client";
import { LAB_ERROR_EVENT, type LabInfo } from "../shared/lab-api.js";
import { messageFrame, type FrameData } from "../shared/wire.js";

/** What the real client reports about its connection; never what a button assumed. */
export type ClientStatus =
  | { state: "connecting" }
  | { state: "connected"; socketId: string; transport: string }
  | { state: "disconnected"; reason: string; description?: string; willReconnect: boolean };

export interface ReceivedEntry {
  at: number;
  kind: "event" | "ack" | "lab-error";
  /** The event name, or for an ack the event it answers. */
  event: string;
  args: unknown[];
  /** The raw frames that carried it, e.g. `42["editing","hi"]` and any binary attachments. */
  frames: string[];
}

type Listener<T> = (value: T) => void;

const KEEP_RECEIVED = 200;

/**
 * One named client of a lab: a real socket.io-client connection with its own Manager, so each virtual client
 * has its own Engine.IO connection just like a separate browser tab would.
 */
export class VirtualClient {
  readonly socket: Socket;
  status: ClientStatus = { state: "connecting" };
  readonly received: ReceivedEntry[] = [];
  private pendingFrames: string[] = [];
  private readonly statusListeners = new Set<Listener<ClientStatus>>();
  private readonly receivedListeners = new Set<Listener<ReceivedEntry>>();

  constructor(
    readonly name: string,
    lab: LabInfo,
    origin: string = location.origin,
  ) {
    this.socket = io(origin, { path: lab.path, forceNew: true, auth: { name } });
    this.socket.io.on("open", () => this.watchEngine());
    this.socket.on("connect", () => {
      this.pendingFrames = [];
      this.setStatus({ state: "connected", socketId: this.socket.id ?? "", transport: this.transportName() });
    });
    this.socket.on("disconnect", (reason, details) => {
      this.setStatus({
        state: "disconnected",
        reason,
        description: describeDetails(details),
        willReconnect: this.socket.active,
      });
    });
    this.socket.on("connect_error", (error) => {
      this.setStatus({ state: "disconnected", reason: "connect error", description: error.message, willReconnect: this.socket.active });
    });
    this.socket.onAny((event: string, ...args: unknown[]) => {
      const kind = event === LAB_ERROR_EVENT ? "lab-error" : "event";
      this.record({ at: Date.now(), kind, event, args, frames: this.takeFrames() });
    });
  }

  onStatus(listener: Listener<ClientStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onReceived(listener: Listener<ReceivedEntry>): () => void {
    this.receivedListeners.add(listener);
    return () => this.receivedListeners.delete(listener);
  }

  /** Emits an event; with `expectAck` the server's answer is recorded as an ack entry. */
  emit(event: string, args: readonly unknown[], expectAck: boolean): void {
    if (!expectAck) {
      this.socket.emit(event, ...args);
      return;
    }
    this.socket.emit(event, ...args, (...reply: unknown[]) => {
      this.record({ at: Date.now(), kind: "ack", event, args: reply, frames: this.takeFrames() });
    });
  }

  /** Connects again after the server or the learner ended the connection. */
  connect(): void {
    if (!this.socket.connected) this.socket.connect();
  }

  close(): void {
    this.socket.disconnect();
    this.statusListeners.clear();
    this.receivedListeners.clear();
  }

  private watchEngine(): void {
    const engine = this.socket.io.engine;
    engine.on("packet", (packet: { type: string; data?: FrameData }) => {
      if (packet.type === "message" && packet.data !== undefined) this.pendingFrames.push(messageFrame(packet.data));
    });
    engine.on("upgrade", () => {
      if (this.status.state === "connected") this.setStatus({ ...this.status, transport: this.transportName() });
    });
  }

  private transportName(): string {
    return this.socket.io.engine?.transport.name ?? "unknown";
  }

  private takeFrames(): string[] {
    const frames = this.pendingFrames;
    this.pendingFrames = [];
    return frames;
  }

  private record(entry: ReceivedEntry): void {
    this.received.push(entry);
    if (this.received.length > KEEP_RECEIVED) this.received.shift();
    for (const listener of this.receivedListeners) listener(entry);
  }

  private setStatus(status: ClientStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
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
