import type { ServerResponse } from "node:http";
import type { Server, Socket } from "socket.io";
import type { LabContext } from "../../lessons/lab-context.js";
import { deconstruct, reconstruct } from "./binary-parts.js";
import type { HostAnswer } from "./quickjs-vm.js";
import type { SandboxDatabase } from "./sandbox-database.js";
import type { QueryOp } from "../database/database-protocol.js";

/** What the bridge needs of the sandbox: a way in, and whether the code still runs. */
export interface SandboxPort {
  dispatch(message: unknown[], binaries?: ArrayBuffer[]): void;
  readonly stopped: boolean;
}

export interface BridgeLimits {
  maxTimers: number;
  logLinesPerSecond: number;
}

/** A learner's error, as the runtime reports it, for the server log. */
export interface ReportedError {
  where: string;
  name: string;
  message: string;
  stack: string;
}

type Target = { emit(event: string, ...args: unknown[]): unknown } & Record<string, unknown>;

interface Flags {
  rooms: string[];
  except: string[];
  broadcast: boolean;
  volatile: boolean;
  local: boolean;
  timeout?: number;
}

const MAX_ROOMS_NAMED = 100;
const MAX_WAITING_ACKS = 10_000;
const MIN_TIMER_MS = 10;
const MAX_TIMER_MS = 10 * 60 * 1000;
const MAX_DATA_BYTES = 16 * 1024;
const ROUTE_ANSWER_MS = 5000;
const CONN_EVENTS = new Set(["upgrade", "upgrading", "close"]);
/**
 * What the code may register in the host, which lives outside the sandbox's memory cap: without these a
 * loop of io.on(), io.use() or lab.get() grows the host's own memory for as long as it runs. (Rooms are
 * held by the lab's own cap, on the real socket.join.)
 */
const MAX_SERVER_SIDE_EVENTS = 50;
const MAX_MIDDLEWARES = 20;
const MAX_ROUTES = 50;

class BridgeError extends Error {}

/** A call on a socket that is no longer connected. */
class GoneSocket extends BridgeError {}

/** The calls the runtime may send in a batch: those that answer nothing. */
const BATCHED = new Set(["emit", "log", "ack", "join", "leave", "data"]);

function text(value: unknown, max = 200): string {
  return String(value ?? "").slice(0, max);
}

function rooms(value: unknown): string[] {
  if (!Array.isArray(value)) throw new BridgeError("Rooms must be a string or a list of strings.");
  if (value.length > MAX_ROOMS_NAMED) throw new BridgeError(`At most ${MAX_ROOMS_NAMED} rooms in one call.`);
  return value.map((room) => text(room));
}

function flagsOf(raw: unknown): Flags {
  const flags = (raw ?? {}) as Partial<Record<keyof Flags, unknown>>;
  const timeout = flags.timeout === undefined ? undefined : Number(flags.timeout);
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 0 || timeout > MAX_TIMER_MS)) {
    throw new BridgeError(`timeout(ms) takes 0 to ${MAX_TIMER_MS} ms.`);
  }
  return {
    rooms: rooms(flags.rooms ?? []),
    except: rooms(flags.except ?? []),
    broadcast: flags.broadcast === true,
    volatile: flags.volatile === true,
    local: flags.local === true,
    ...(timeout !== undefined && { timeout }),
  };
}

/** What a socket looks like inside the sandbox: its id, handshake, data and rooms, copied. */
function socketInfo(socket: Socket, recovered?: boolean): Record<string, unknown> {
  const { auth, query, time, issued, address, secure, xdomain, url } = socket.handshake;
  return {
    id: socket.id,
    handshake: { auth, query, time, issued, address, secure, xdomain, url },
    data: socket.data ?? {},
    rooms: [...socket.rooms],
    ...(recovered !== undefined && { recovered }),
  };
}

/**
 * The host's side of a learner's server code: every call the sandbox makes (emit, join, ack, timers, the
 * database) lands here and is done on the lab's real Socket.IO objects; every event of those objects the
 * code listens for is sent in. It holds the only references to host objects, by id; the sandbox holds ids.
 * Each call's input comes from untrusted code, so each is checked here, whatever the runtime inside sent.
 */
export class SocketBridge {
  private readonly sockets = new Map<string, Socket>();
  private readonly clientAcks = new Map<number, { sid: string; reply: (...args: unknown[]) => void }>();
  private readonly nexts = new Map<number, (error?: Error) => void>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly responses = new Map<number, ServerResponse>();
  private readonly connListeners = new Set<string>();
  private readonly serverSideEvents = new Set<string>();
  private readonly routePaths = new Set<string>();
  private middlewareCount = 0;
  private nextId = 1;
  private logWindow = { start: 0, lines: 0, dropped: 0 };
  private closed = false;

  constructor(
    private readonly io: Server,
    private readonly lab: LabContext,
    private readonly sandbox: SandboxPort,
    private readonly database: SandboxDatabase,
    private readonly limits: BridgeLimits,
    private readonly onError: (error: ReportedError) => void,
    /** The Scaling node this server is, if it is one: the code reads it as `lab.node`. */
    private readonly node?: string,
  ) {
    io.on("connection", (socket) => this.connected(socket));
  }

  /** Sends a message in, with any binary parts of its last values. */
  private send(message: unknown[]): void {
    if (this.closed || this.sandbox.stopped) return;
    const { value, parts } = deconstruct(message);
    this.sandbox.dispatch([...(value as unknown[]), parts.length], parts);
  }

  start(): void {
    this.sandbox.dispatch(["start"]);
  }

  private connected(socket: Socket): void {
    this.sockets.set(socket.id, socket);
    socket.onAny((event: string, ...args: unknown[]) => {
      const reply = typeof args.at(-1) === "function" ? (args.pop() as (...a: unknown[]) => void) : undefined;
      this.send(["event", socket.id, event, args, reply ? this.waitingAck(socket.id, reply) : 0]);
    });
    socket.on("disconnecting", (reason, description) => {
      this.sandbox.dispatch(["disconnecting", socket.id, reason, describe(description)]);
    });
    socket.on("disconnect", (reason, description) => {
      this.forgetSocket(socket.id);
      this.sandbox.dispatch(["disconnect", socket.id, reason, describe(description)]);
    });
    this.sandbox.dispatch(["connection", socketInfo(socket, socket.recovered)]);
  }

  private forgetSocket(sid: string): void {
    this.sockets.delete(sid);
    for (const [id, ack] of this.clientAcks) if (ack.sid === sid) this.clientAcks.delete(id);
    for (const key of this.connListeners) if (key.startsWith(`${sid} `)) this.connListeners.delete(key);
  }

  private waitingAck(sid: string, reply: (...args: unknown[]) => void): number {
    if (this.clientAcks.size >= MAX_WAITING_ACKS) this.clientAcks.delete(this.clientAcks.keys().next().value as number);
    const id = this.nextId++;
    this.clientAcks.set(id, { sid, reply });
    return id;
  }

  private socket(sid: unknown): Socket {
    const socket = this.sockets.get(text(sid, 64));
    if (!socket) throw new GoneSocket("That socket is not connected to the lab any more.");
    return socket;
  }

  /** The real operator a description stands for: `socket.to(room)`, `io.except(room).timeout(ms)`, … */
  private operator(sid: unknown, rawFlags: unknown): Target {
    const flags = flagsOf(rawFlags);
    const broadcasting = flags.broadcast || flags.rooms.length > 0 || flags.except.length > 0;
    let target = (sid ? this.socket(sid) : this.io) as unknown as Target;
    if (sid && broadcasting) target = target.broadcast as Target;
    const step = (name: string, ...args: unknown[]) => {
      target = (target[name] as (...a: unknown[]) => Target).apply(target, args);
    };
    if (flags.rooms.length) step("to", flags.rooms);
    if (flags.except.length) step("except", flags.except);
    if (flags.volatile) target = target.volatile as Target;
    if (flags.local) target = target.local as Target;
    if (flags.timeout !== undefined) step("timeout", flags.timeout);
    return target;
  }

  /**
   * A callback the sandbox waits on: the real one Socket.IO calls, sending its arguments in as they are.
   * Whether the first is an error is Socket.IO's call (e.g. `io.emit(ev, cb)` without a timeout fails at
   * once with an error), so each Error travels by position and is rebuilt as an Error inside.
   */
  private callback(id: number): (...args: unknown[]) => void {
    return (...args: unknown[]) => this.sendCallback(id, args);
  }

  private sendCallback(id: number, args: unknown[]): void {
    const errors: Record<number, string> = {};
    const values = args.map((value, index) => {
      if (!(value instanceof Error)) return value;
      errors[index] = describe(value);
      return null;
    });
    this.send(["callback", id, errors, values]);
  }

  /** One call from inside. Its answer is `{v}`; a throw becomes `{e, p}`, thrown again inside as an Error. */
  handle(op: string, payload: string, binaries: ArrayBuffer[]): HostAnswer {
    if (op === "batch") return this.batch(payload);
    try {
      // Only a message with binary parts has placeholders to put back: most have none.
      const parsed = JSON.parse(payload) as unknown;
      const input = (binaries.length ? reconstruct(parsed, binaries) : parsed) as Record<string, unknown> | null;
      const result = this.run(op, input ?? {});
      if (result === null || result === undefined || typeof result !== "object") return { json: JSON.stringify({ v: result ?? null }) };
      const { value, parts } = deconstruct(result);
      return { json: JSON.stringify({ v: value ?? null, ...(parts.length && { b: parts.length }) }), binaries: parts };
    } catch (error) {
      const e = error as { message?: unknown; errcode?: unknown; code?: unknown };
      const properties = {
        ...(typeof e.errcode === "number" && { errcode: e.errcode }),
        ...(typeof e.code === "string" && { code: e.code }),
      };
      return { json: JSON.stringify({ e: text(e.message ?? error, 500), p: properties }) };
    }
  }

  /** Calls the runtime let wait (they answer nothing), in the order made. A failure is logged, as a throw would be. */
  private batch(payload: string): HostAnswer {
    let calls: unknown;
    try {
      calls = JSON.parse(payload);
    } catch {
      calls = [];
    }
    for (const call of Array.isArray(calls) ? calls.slice(0, 1000) : []) {
      const [op, input] = Array.isArray(call) ? call : [];
      if (typeof op !== "string" || !BATCHED.has(op)) continue;
      try {
        this.run(op, (input ?? {}) as Record<string, unknown>);
      } catch (error) {
        // A socket that went away drops what was sent to it, as a real disconnected socket does.
        if (error instanceof GoneSocket) continue;
        this.onError({ where: op === "emit" ? "an emit" : op, name: "Error", message: text((error as Error).message, 500), stack: "" });
      }
    }
    return { json: "{}" };
  }

  private run(op: string, input: Record<string, unknown>): unknown {
    switch (op) {
      case "context":
        return { settings: Object.keys(this.lab.settings), node: this.node ?? null };
      case "setting":
        return this.lab.settings[text(input.name, 64)] ?? null;
      case "log":
        return this.log(text(input.message, 2000));
      case "error":
        return this.onError({
          where: text(input.where, 100),
          name: text(input.name, 60),
          message: text(input.message, 500),
          stack: text(input.stack, 4000),
        });
      case "emit": {
        const target = this.operator(input.sid, input.flags);
        const args = Array.isArray(input.args) ? input.args : [];
        const ackId = Number(input.ack) || 0;
        if (ackId) args.push(this.callback(ackId));
        return target.emit(text(input.event, 200), ...args) === true;
      }
      case "fetchSockets": {
        const target = this.operator(input.sid, input.flags) as unknown as { fetchSockets(): Promise<Socket[]> };
        const id = Number(input.ack) || 0;
        target.fetchSockets().then(
          (found) => this.sendCallback(id, [null, found.map((socket) => socketInfo(socket))]),
          (error: unknown) => this.sendCallback(id, [error instanceof Error ? error : new Error(describe(error))]),
        );
        return null;
      }
      case "socketsJoin":
      case "socketsLeave":
        (this.operator(input.sid, input.flags)[op] as (rooms: string[]) => void)(rooms(input.rooms));
        return null;
      case "disconnectSockets":
        (this.operator(input.sid, input.flags).disconnectSockets as (close: boolean) => void)(input.close === true);
        return null;
      case "join":
        void this.socket(input.sid).join(rooms(input.rooms));
        return null;
      case "leave":
        for (const room of rooms(input.rooms)) void this.socket(input.sid).leave(room);
        return null;
      case "disconnect":
        this.socket(input.sid).disconnect(input.close === true);
        return null;
      case "rooms":
        return [...this.socket(input.sid).rooms];
      case "connected":
        return this.sockets.get(text(input.sid, 64))?.connected ?? false;
      case "transport":
        return this.socket(input.sid).conn.transport.name;
      case "connOn":
        return this.listenConn(this.socket(input.sid), text(input.event, 32));
      case "data": {
        const data = text(input.data, MAX_DATA_BYTES + 1);
        if (data.length > MAX_DATA_BYTES) throw new BridgeError(`socket.data may hold at most ${MAX_DATA_BYTES} bytes of JSON in the lab.`);
        const socket = this.sockets.get(text(input.sid, 64));
        if (socket) socket.data = JSON.parse(data) as unknown;
        return null;
      }
      case "ack": {
        const id = Number(input.id);
        const ack = this.clientAcks.get(id);
        if (!ack) return null;
        this.clientAcks.delete(id);
        ack.reply(...(Array.isArray(input.args) ? input.args : []));
        return null;
      }
      case "use":
        return this.use(Number(input.index));
      case "next": {
        const id = Number(input.id);
        const next = this.nexts.get(id);
        this.nexts.delete(id);
        const error = input.error as { message?: unknown; data?: unknown } | null;
        next?.(
          error ? Object.assign(new Error(text(error.message, 300)), error.data === undefined ? {} : { data: error.data }) : undefined,
        );
        return null;
      }
      case "timer":
        return this.timer(Number(input.id), Number(input.ms), input.repeat === true);
      case "clearTimer": {
        const timer = this.timers.get(Number(input.id));
        clearTimeout(timer);
        this.timers.delete(Number(input.id));
        return null;
      }
      case "serverSideOn":
        return this.serverSideOn(text(input.event, 200));
      case "serverSideEmit": {
        const args = Array.isArray(input.args) ? input.args : [];
        const ackId = Number(input.ack) || 0;
        if (ackId) args.push(this.callback(ackId));
        this.io.serverSideEmit(text(input.event, 200), ...args);
        return true;
      }
      case "route":
        return this.route(text(input.path, 200));
      case "res.head": {
        const res = this.response(input.id);
        const headers = Object.fromEntries(
          Object.entries((input.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [text(k, 100), text(v, 1000)]),
        );
        res.writeHead(Number(input.status) || 200, headers);
        return null;
      }
      case "res.header":
        this.response(input.id).setHeader(text(input.name, 100), text(input.value, 1000));
        return null;
      case "res.end": {
        const res = this.response(input.id);
        this.responses.delete(Number(input.id));
        if (!res.headersSent) res.statusCode = Number(input.status) || 200;
        res.end(text(input.body, 64 * 1024));
        return null;
      }
      case "db.exec":
      case "db.run":
      case "db.get":
      case "db.all":
        return this.query(op.slice(3) as QueryOp, Number(input.ack) || 0, text(input.sql, 10_000), input.params);
      default:
        throw new BridgeError(`${op.slice(0, 40)} is not available in the lab.`);
    }
  }

  /**
   * A query runs in the database process and answers later, as a Promise inside: its answer, or SQLite's
   * error with its `errcode` and `code` (a callback's Error would keep only the message).
   */
  private query(op: QueryOp, id: number, sql: string, params: unknown): null {
    this.database.query(op, sql, Array.isArray(params) ? params : []).then(
      (value) => this.send(["db", id, null, value ?? null]),
      (error: unknown) => {
        const e = error as { message?: unknown; errcode?: unknown; code?: unknown };
        this.send([
          "db",
          id,
          {
            message: text(e.message ?? error, 500),
            ...(typeof e.errcode === "number" && { errcode: e.errcode }),
            ...(typeof e.code === "string" && { code: e.code }),
          },
          null,
        ]);
      },
    );
    return null;
  }

  private log(message: string): null {
    const now = Date.now();
    if (now - this.logWindow.start >= 1000) {
      this.reportDropped();
      this.logWindow = { start: now, lines: 0, dropped: 0 };
    }
    const window = this.logWindow;
    if (window.lines < this.limits.logLinesPerSecond) {
      window.lines += 1;
      this.lab.log(message);
      return null;
    }
    // The count is written when the second ends, even if the code never logs again.
    if (window.dropped++ === 0) setTimeout(() => this.reportDropped(window), Math.max(0, window.start + 1000 - now)).unref();
    return null;
  }

  private reportDropped(window = this.logWindow): void {
    if (!window.dropped) return;
    this.lab.log(`(${window.dropped} more lines dropped: at most ${this.limits.logLinesPerSecond} a second)`);
    window.dropped = 0;
  }

  private use(index: number): null {
    if (this.middlewareCount >= MAX_MIDDLEWARES)
      throw new BridgeError(`At most ${MAX_MIDDLEWARES} io.use() middlewares may be registered in the lab.`);
    this.middlewareCount += 1;
    this.io.use((socket, next) => {
      const id = this.nextId++;
      this.nexts.set(id, next);
      // A socket a middleware never lets through is forgotten when its connection goes.
      this.sockets.set(socket.id, socket);
      socket.conn.once("close", () => {
        if (!socket.connected) this.forgetSocket(socket.id);
        this.nexts.delete(id);
      });
      this.sandbox.dispatch(["middleware", index, socketInfo(socket), id]);
      // Stopped code lets the connection through to whatever runs next.
      if (this.sandbox.stopped && this.nexts.delete(id)) next();
    });
    return null;
  }

  private listenConn(socket: Socket, event: string): null {
    if (!CONN_EVENTS.has(event))
      throw new BridgeError(`socket.conn.on("${event}") is not available in the lab: try upgrade, upgrading or close.`);
    const key = `${socket.id} ${event}`;
    if (this.connListeners.has(key)) return null;
    this.connListeners.add(key);
    socket.conn.on(event as "upgrade", (arg: unknown) => {
      const shown = arg && typeof arg === "object" && "name" in arg ? { name: String((arg as { name: unknown }).name) } : arg;
      this.send(["conn", socket.id, event, [shown]]);
    });
    return null;
  }

  private timer(id: number, ms: number, repeat: boolean): null {
    if (this.timers.size >= this.limits.maxTimers) {
      throw new BridgeError(`At most ${this.limits.maxTimers} timers may be pending at once in the lab.`);
    }
    const delay = Math.min(MAX_TIMER_MS, Math.max(repeat ? MIN_TIMER_MS : 0, Number.isFinite(ms) ? ms : 0));
    const fire = () => {
      if (!repeat) this.timers.delete(id);
      this.sandbox.dispatch(["timer", id]);
    };
    this.timers.set(id, repeat ? setInterval(fire, delay) : setTimeout(fire, delay));
    return null;
  }

  private serverSideOn(event: string): null {
    // The runtime keeps every listener; the host needs one per event to send it in.
    if (this.serverSideEvents.has(event)) return null;
    if (this.serverSideEvents.size >= MAX_SERVER_SIDE_EVENTS) {
      throw new BridgeError(`At most ${MAX_SERVER_SIDE_EVENTS} io.on() events may be registered in the lab.`);
    }
    this.serverSideEvents.add(event);
    this.io.on(event as "connection", (...args: unknown[]) => {
      const reply = typeof args.at(-1) === "function" ? (args.pop() as (...a: unknown[]) => void) : undefined;
      this.send(["serverSide", event, args, reply ? this.waitingAck("", reply) : 0]);
    });
    return null;
  }

  private route(path: string): null {
    if (!path.startsWith("/")) throw new BridgeError('lab.get(path, …) takes a path that starts with "/".');
    if (this.routePaths.has(path)) return null;
    if (this.routePaths.size >= MAX_ROUTES) throw new BridgeError(`At most ${MAX_ROUTES} lab.get() routes may be registered in the lab.`);
    this.routePaths.add(path);
    this.lab.get(path as `/${string}`, (_req, res) => {
      const id = this.nextId++;
      this.responses.set(id, res);
      this.sandbox.dispatch(["route", path, id]);
      if (!this.responses.has(id)) return;
      // An answer the code never finishes still ends, so the request does not hang.
      const timer = setTimeout(() => this.unanswered(id), this.sandbox.stopped ? 0 : ROUTE_ANSWER_MS);
      res.once("close", () => clearTimeout(timer));
    });
    return null;
  }

  private unanswered(id: number): void {
    const res = this.responses.get(id);
    this.responses.delete(id);
    if (!res || res.writableEnded) return;
    if (!res.headersSent) res.writeHead(504, { "content-type": "text/plain" });
    res.end("The lab's server code did not answer this request.");
  }

  private response(id: unknown): ServerResponse {
    const res = this.responses.get(Number(id));
    if (!res) throw new BridgeError("This response has already ended.");
    return res;
  }

  /** The code stops: its timers with it, and nothing more is sent in. */
  close(): void {
    if (this.closed) return;
    this.sandbox.dispatch(["close"]);
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const id of [...this.responses.keys()]) this.unanswered(id);
    // Connections a middleware held are let through to the lab's own rules rather than left hanging.
    for (const next of this.nexts.values()) next(new Error("The lab's server code stopped."));
    this.nexts.clear();
    this.clientAcks.clear();
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (value && typeof value === "object" && "message" in value) return String((value as { message: unknown }).message);
  return value === undefined ? "" : String(value);
}
