/**
 * What a learner's server code sees inside the sandbox: `io`, its sockets, `lab`, timers and `console`,
 * shaped like Socket.IO's own objects. None of it decides anything: every emit, join, ack and room lookup
 * is one call to the host (`host(op, json)`), which runs it on the lab's real Socket.IO server. So rooms,
 * unions, buffering, recovery and acks behave as Socket.IO makes them behave, because it is Socket.IO.
 *
 * This function never runs in Node. Its source text (Function.prototype.toString) is evaluated inside
 * QuickJS, so it must stay self-contained: no imports, no names from outside its own body.
 *
 * Values cross as JSON, with binary parts carried beside it (as socket.io-parser does), and functions never
 * cross: an ack or a callback is a number on either side, looked up where it lives.
 */
export type HostCall = (op: string, payload: string) => string;

/**
 * Runs one event from the host: a connection, a client's event, an ack's answer, a timer. It returns the
 * calls the handlers left waiting, as a batch for the host to run ("" for none).
 */
export type Dispatch = (message: string) => string;

/** Binary parts beside a JSON message, one ArrayBuffer each: the host's side of `deconstruct`. */
export interface BinaryChannel {
  take(): ArrayBuffer[];
  put(part: ArrayBuffer): void;
}

/** The learner's compiled module, as a function of esbuild's CommonJS `(module, exports, require)`. */
export type ModuleFactory = (module: unknown, exports: unknown, require: unknown) => void;

export interface SandboxEntry {
  dispatch: Dispatch;
  /** The calls that waited (see `defer`), as a batch: the host asks for them after promise jobs ran. */
  flush(): string;
  load(factory: ModuleFactory): void;
  /** The module's `export const options`, as JSON (the host clamps them). */
  options(): string;
}

export function sandboxRuntime(host: HostCall, channel: BinaryChannel): SandboxEntry {
  const { parse, stringify } = JSON;
  type Json = unknown;
  type Listener = (...args: unknown[]) => unknown;

  /** Binary parts out of a value, as socket.io-parser does: each becomes a numbered placeholder. */
  function deconstruct(value: unknown, parts: Uint8Array[]): Json {
    if (value instanceof ArrayBuffer) return { _placeholder: true, num: parts.push(new Uint8Array(value)) - 1 };
    if (ArrayBuffer.isView(value)) {
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return { _placeholder: true, num: parts.push(bytes) - 1 };
    }
    if (Array.isArray(value)) return value.map((item) => deconstruct(item, parts));
    if (value && typeof value === "object" && !(value instanceof Date) && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
      const out: Record<string, Json> = {};
      for (const key of Object.keys(value)) out[key] = deconstruct((value as Record<string, unknown>)[key], parts);
      return out;
    }
    return value;
  }

  function reconstruct(value: Json, parts: Uint8Array[]): unknown {
    // Most messages carry no binary part: nothing to put back, so no walk (a walk is most of a small
    // event's cost in an interpreter).
    if (parts.length === 0) return value;
    if (Array.isArray(value)) return value.map((item) => reconstruct(item, parts));
    if (value && typeof value === "object") {
      const record = value as Record<string, Json>;
      if (record._placeholder === true && typeof record.num === "number" && parts[record.num]) return parts[record.num];
      for (const key of Object.keys(record)) record[key] = reconstruct(record[key], parts) as Json;
    }
    return value;
  }

  /** Whether a value holds an ArrayBuffer or a view anywhere `deconstruct` would look: a walk that copies nothing. */
  function hasBinary(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) if (hasBinary(value[i])) return true;
      return false;
    }
    if (value instanceof Date || typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i += 1) if (hasBinary((value as Record<string, unknown>)[keys[i] as string])) return true;
    return false;
  }

  function encode(value: unknown): string {
    return hasBinary(value) ? encodeWithParts(value) : stringify(value ?? null);
  }

  /** A value's JSON with its binary parts as placeholders, the parts put on the channel beside it. */
  function encodeWithParts(value: unknown): string {
    const parts: Uint8Array[] = [];
    const json = stringify(deconstruct(value, parts) ?? null);
    for (const part of parts) channel.put(part.slice().buffer);
    return json;
  }

  /** The binary parts the host sent with a message; it says how many, so most messages never ask. */
  function take(count: unknown): Uint8Array[] {
    return count ? channel.take().map((buffer) => new Uint8Array(buffer)) : [];
  }

  /**
   * Calls that answer nothing (an emit, a log line, an ack, a join) wait here, each already encoded so that
   * what it sends is what the value was at the call, and go to the host together: as what `dispatch`
   * returns when the handler is done, or in one `batch` call before any call that reads from the host, so
   * the host sees every call in the order made. One crossing instead of three or four per event, and none
   * back into the host at all for most events, is most of what the sandbox saves.
   */
  const pending: string[] = [];
  const MAX_PENDING = 256;
  /** The waiting calls as one JSON list ("" for none), taken out of the queue. */
  function drain(): string {
    if (pending.length === 0) return "";
    const batch = `[${pending.join(",")}]`;
    pending.length = 0;
    return batch;
  }
  function flush(): void {
    const batch = drain();
    if (batch) host("batch", batch);
  }
  /**
   * `values` are the learner's own values in the call (an emit's or an ack's arguments): the only place a
   * binary part can be, so the only part walked to look for one.
   */
  function defer(op: string, payload: unknown, values?: unknown[]): void {
    if (values && hasBinary(values)) {
      // Binary parts travel beside one message: such a call goes at once, after those before it.
      flush();
      host(op, encodeWithParts(payload));
      return;
    }
    // `op` is one of the runtime's own names, never the learner's: it needs no escaping.
    pending.push(`["${op}",${stringify(payload ?? null)}]`);
    if (pending.length >= MAX_PENDING) flush();
  }

  /** Socket.IO's own names, which an emit may not use: it throws at once, as Socket.IO does. */
  const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);

  /** Asks the host; its answer is `{v: value}`, or `{e: message, p: properties}` to throw here. */
  function call(op: string, payload: unknown): unknown {
    flush();
    const answer = parse(host(op, encode(payload))) as { v?: Json; e?: string; p?: Record<string, Json>; b?: number };
    if (typeof answer.e === "string") {
      const error = new Error(answer.e);
      if (answer.p) Object.assign(error, answer.p);
      throw error;
    }
    return reconstruct(answer.v, take(answer.b));
  }

  function report(error: unknown, where: string): void {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown };
    const isError = error instanceof Error;
    flush();
    host(
      "error",
      stringify({
        where,
        name: isError ? String(e.name) : "Error",
        message: isError ? String(e.message) : `${where} threw ${String(error)}`,
        stack: isError && typeof e.stack === "string" ? e.stack : "",
      }),
    );
  }

  /** Calls a learner's function; a throw (or a rejected promise) goes to the server log, and the lab carries on. */
  function guarded(fn: Listener, self: unknown, args: unknown[], where: string): void {
    try {
      const result = fn.apply(self, args) as { then?: unknown; catch?: (f: (e: unknown) => void) => void } | undefined;
      if (result && typeof result.then === "function" && typeof result.catch === "function") {
        result.catch((error) => report(error, where));
      }
    } catch (error) {
      report(error, where);
    }
  }

  // ---- callbacks the host will answer later (acks the clients send back, fetchSockets, timers) ----
  let nextId = 1;
  const MAX_WAITING = 10_000;
  const callbacks = new Map<number, Listener>();
  function waitFor(fn: Listener): number {
    const id = nextId++;
    // Socket.IO forgets an ack whose socket went away without calling it; so must this table, within a bound.
    if (callbacks.size >= MAX_WAITING) callbacks.delete(callbacks.keys().next().value as number);
    callbacks.set(id, fn);
    return id;
  }

  function list(rooms: unknown): string[] {
    const all = Array.isArray(rooms) ? rooms : [rooms];
    return all.map((room) => String(room));
  }

  interface Flags {
    rooms: string[];
    except: string[];
    broadcast: boolean;
    volatile: boolean;
    local: boolean;
    timeout?: number;
  }
  const NO_FLAGS: Flags = { rooms: [], except: [], broadcast: false, volatile: false, local: false };

  /** `io.to(…)`, `socket.broadcast`, `socket.timeout(…)`: a description of the real operator to build. */
  class Operator {
    constructor(
      protected readonly sid: string | undefined,
      protected readonly flags: Flags,
    ) {}
    private with(change: Partial<Flags>): Operator {
      return new Operator(this.sid, { ...this.flags, ...change });
    }
    to(room: string | string[]): Operator {
      return this.with({ rooms: [...this.flags.rooms, ...list(room)] });
    }
    in(room: string | string[]): Operator {
      return this.to(room);
    }
    except(room: string | string[]): Operator {
      return this.with({ except: [...this.flags.except, ...list(room)] });
    }
    get broadcast(): Operator {
      return this.with({ broadcast: true });
    }
    get volatile(): Operator {
      return this.with({ volatile: true });
    }
    get local(): Operator {
      return this.with({ local: true });
    }
    timeout(ms: number): Operator {
      return this.with({ timeout: Number(ms) });
    }
    emit(event: string, ...args: unknown[]): boolean {
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Listener) : undefined;
      const id = ack ? waitFor(ack) : 0;
      if (RESERVED.has(String(event))) throw new Error(`"${String(event)}" is a reserved event name`);
      defer("emit", { sid: this.sid, flags: this.flags, event: String(event), args, ack: id }, args);
      return true;
    }
    send(...args: unknown[]): boolean {
      return this.emit("message", ...args);
    }
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
      // As Socket.IO's: a broadcast's callback is always error-first, one socket's only with a timeout.
      const { rooms, except, broadcast, timeout } = this.flags;
      const errorFirst = timeout !== undefined || !this.sid || broadcast || rooms.length > 0 || except.length > 0;
      return new Promise((resolve, reject) => {
        const answer = errorFirst ? (error: unknown, response: unknown) => (error ? reject(error) : resolve(response)) : resolve;
        this.emit(event, ...args, answer);
      });
    }
    fetchSockets(): Promise<RemoteSocket[]> {
      return new Promise((resolve, reject) => {
        const id = waitFor((error: unknown, found: unknown) => {
          if (error) return reject(error);
          resolve((found as SocketInfo[]).map((info) => new RemoteSocket(info)));
        });
        call("fetchSockets", { sid: this.sid, flags: this.flags, ack: id });
      });
    }
    socketsJoin(rooms: string | string[]): void {
      call("socketsJoin", { sid: this.sid, flags: this.flags, rooms: list(rooms) });
    }
    socketsLeave(rooms: string | string[]): void {
      call("socketsLeave", { sid: this.sid, flags: this.flags, rooms: list(rooms) });
    }
    disconnectSockets(close = false): void {
      call("disconnectSockets", { sid: this.sid, flags: this.flags, close: Boolean(close) });
    }
  }

  interface SocketInfo {
    id: string;
    handshake: Record<string, unknown>;
    data: unknown;
    rooms: string[];
    recovered?: boolean;
  }

  /** What `fetchSockets()` gives: a snapshot of a socket, whose methods act on the real one by its id. */
  class RemoteSocket {
    readonly id: string;
    readonly handshake: Record<string, unknown>;
    readonly rooms: Set<string>;
    readonly data: unknown;
    constructor(info: SocketInfo) {
      this.id = info.id;
      this.handshake = info.handshake;
      this.rooms = new Set(info.rooms);
      this.data = info.data;
    }
    emit(event: string, ...args: unknown[]): boolean {
      return new Operator(undefined, { ...NO_FLAGS, rooms: [this.id] }).emit(event, ...args);
    }
    timeout(ms: number): Operator {
      return new Operator(undefined, { ...NO_FLAGS, rooms: [this.id] }).timeout(ms);
    }
    join(rooms: string | string[]): void {
      call("socketsJoin", { flags: { ...NO_FLAGS, rooms: [this.id] }, rooms: list(rooms) });
    }
    leave(rooms: string | string[]): void {
      call("socketsLeave", { flags: { ...NO_FLAGS, rooms: [this.id] }, rooms: list(rooms) });
    }
    disconnect(close = false): this {
      call("disconnectSockets", { flags: { ...NO_FLAGS, rooms: [this.id] }, close: Boolean(close) });
      return this;
    }
  }

  /** A tiny EventEmitter: the learner's listeners live here, the real socket's single listener lives in the host. */
  class Listeners {
    private readonly byEvent = new Map<string, { fn: Listener; once: boolean }[]>();
    add(event: string, fn: Listener, once: boolean): void {
      if (typeof fn !== "function") throw new TypeError(`The listener for "${event}" must be a function`);
      const all = this.byEvent.get(event) ?? [];
      all.push({ fn, once });
      this.byEvent.set(event, all);
    }
    remove(event?: string, fn?: Listener): void {
      if (event === undefined) return this.byEvent.clear();
      if (!fn) return void this.byEvent.delete(event);
      const all = this.byEvent.get(event) ?? [];
      const at = all.findIndex((entry) => entry.fn === fn);
      if (at >= 0) all.splice(at, 1);
    }
    fire(event: string, self: unknown, args: unknown[], where: string): void {
      const all = this.byEvent.get(event);
      if (!all?.length) return;
      // A copy, as a listener may remove itself; index loops, as QuickJS runs for…of and spreads through
      // the iterator protocol, a large part of a small event's cost.
      const now = all.slice();
      for (let i = 0; i < now.length; i += 1) {
        const entry = now[i] as { fn: Listener; once: boolean };
        if (entry.once) this.remove(event, entry.fn);
        guarded(entry.fn, self, args, where);
      }
    }
    list(event: string): Listener[] {
      return (this.byEvent.get(event) ?? []).map((entry) => entry.fn);
    }
    count(event: string): number {
      return this.byEvent.get(event)?.length ?? 0;
    }
  }

  const sockets = new Map<string, SandboxSocket>();

  class SandboxSocket extends Operator {
    readonly id: string;
    readonly handshake: Record<string, unknown>;
    data: unknown;
    recovered = false;
    /** socket.data as the host last heard it: a handler that changes it is written back after it runs. */
    syncedData: string;
    readonly listeners = new Listeners();
    anyListeners: Listener[] = [];
    readonly connListeners = new Listeners();
    readonly conn: {
      readonly transport: { readonly name: string };
      on(e: string, f: Listener): unknown;
      once(e: string, f: Listener): unknown;
    };

    constructor(info: SocketInfo) {
      super(info.id, NO_FLAGS);
      this.id = info.id;
      this.handshake = info.handshake;
      this.data = info.data ?? {};
      this.syncedData = stringify(this.data);
      const listeners = this.connListeners;
      const sid = info.id;
      this.conn = {
        get transport() {
          return { name: String(call("transport", { sid })) };
        },
        on(event: string, fn: Listener) {
          listeners.add(String(event), fn, false);
          call("connOn", { sid, event: String(event) });
          return this;
        },
        once(event: string, fn: Listener) {
          listeners.add(String(event), fn, true);
          call("connOn", { sid, event: String(event) });
          return this;
        },
      };
    }
    get rooms(): Set<string> {
      return new Set(call("rooms", { sid: this.id }) as string[]);
    }
    get connected(): boolean {
      return call("connected", { sid: this.id }) as boolean;
    }
    get disconnected(): boolean {
      return !this.connected;
    }
    override get broadcast(): Operator {
      return new Operator(this.id, { ...NO_FLAGS, broadcast: true });
    }
    override to(room: string | string[]): Operator {
      // As this.broadcast.to(room), in one step: it is on the path of most events.
      return new Operator(this.id, { ...NO_FLAGS, broadcast: true, rooms: list(room) });
    }
    override in(room: string | string[]): Operator {
      return this.to(room);
    }
    override except(room: string | string[]): Operator {
      return this.broadcast.except(room);
    }
    on(event: string, fn: Listener): this {
      this.listeners.add(String(event), fn, false);
      return this;
    }
    once(event: string, fn: Listener): this {
      this.listeners.add(String(event), fn, true);
      return this;
    }
    off(event?: string, fn?: Listener): this {
      this.listeners.remove(event === undefined ? undefined : String(event), fn);
      return this;
    }
    removeListener(event: string, fn: Listener): this {
      return this.off(event, fn);
    }
    removeAllListeners(event?: string): this {
      return this.off(event);
    }
    listenerCount(event: string): number {
      return this.listeners.count(String(event));
    }
    onAny(fn: Listener): this {
      this.anyListeners.push(fn);
      return this;
    }
    prependAny(fn: Listener): this {
      this.anyListeners.unshift(fn);
      return this;
    }
    offAny(fn?: Listener): this {
      this.anyListeners = fn ? this.anyListeners.filter((known) => known !== fn) : [];
      return this;
    }
    join(rooms: string | string[]): void {
      defer("join", { sid: this.id, rooms: list(rooms) });
    }
    leave(room: string): void {
      defer("leave", { sid: this.id, rooms: [String(room)] });
    }
    disconnect(close = false): this {
      call("disconnect", { sid: this.id, close: Boolean(close) });
      return this;
    }
  }

  function socketFor(info: SocketInfo): SandboxSocket {
    const known = sockets.get(info.id);
    if (known) return known;
    const socket = new SandboxSocket(info);
    sockets.set(info.id, socket);
    return socket;
  }

  /** After a handler ran: write back socket.data if it changed, so fetchSockets and recovery see it. */
  function syncData(socket: SandboxSocket | undefined): void {
    if (!socket) return;
    let now: string;
    try {
      now = stringify(socket.data ?? null);
    } catch {
      return;
    }
    if (now === socket.syncedData) return;
    socket.syncedData = now;
    defer("data", { sid: socket.id, data: now });
  }

  // ---- io ----
  const connectionListeners = new Listeners();
  const serverSideListeners = new Listeners();
  const middlewares: Listener[] = [];
  const rootOperator = new Operator(undefined, NO_FLAGS);
  const io = {
    on(event: string, fn: Listener) {
      if (event === "connection" || event === "connect") connectionListeners.add("connection", fn, false);
      else {
        // The host listens once per event and sends it in; the listeners themselves stay here.
        const first = serverSideListeners.count(String(event)) === 0;
        if (first) call("serverSideOn", { event: String(event) });
        serverSideListeners.add(String(event), fn, false);
      }
      return io;
    },
    once(event: string, fn: Listener) {
      if (event === "connection" || event === "connect") connectionListeners.add("connection", fn, true);
      return io;
    },
    off(event: string, fn?: Listener) {
      connectionListeners.remove(event === "connect" ? "connection" : String(event), fn);
      return io;
    },
    use(fn: Listener) {
      if (typeof fn !== "function") throw new TypeError("io.use() takes a function (socket, next)");
      call("use", { index: middlewares.push(fn) - 1 });
      return io;
    },
    to: (room: string | string[]) => rootOperator.to(room),
    in: (room: string | string[]) => rootOperator.to(room),
    except: (room: string | string[]) => rootOperator.except(room),
    timeout: (ms: number) => rootOperator.timeout(ms),
    get volatile() {
      return rootOperator.volatile;
    },
    get local() {
      return rootOperator.local;
    },
    emit: (event: string, ...args: unknown[]) => rootOperator.emit(event, ...args),
    send: (...args: unknown[]) => rootOperator.send(...args),
    emitWithAck: (event: string, ...args: unknown[]) => rootOperator.emitWithAck(event, ...args),
    fetchSockets: () => rootOperator.fetchSockets(),
    socketsJoin: (rooms: string | string[]) => rootOperator.socketsJoin(rooms),
    socketsLeave: (rooms: string | string[]) => rootOperator.socketsLeave(rooms),
    disconnectSockets: (close?: boolean) => rootOperator.disconnectSockets(close),
    serverSideEmit(event: string, ...args: unknown[]) {
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Listener) : undefined;
      call("serverSideEmit", { event: String(event), args, ack: ack ? waitFor(ack) : 0 });
      return true;
    },
    serverSideEmitWithAck(event: string, ...args: unknown[]) {
      return new Promise((resolve, reject) => {
        io.serverSideEmit(event, ...args, (error: unknown, responses: unknown) => (error ? reject(error) : resolve(responses)));
      });
    },
    of(name: string) {
      if (name === "/") return io;
      throw new Error(`Namespaces other than "/" are not available in the lab (asked for ${String(name).slice(0, 40)})`);
    },
    get sockets() {
      return io;
    },
  };

  // ---- lab, timers, console, and what is not there ----
  const timers = new Map<number, { fn: Listener; args: unknown[]; repeat: boolean }>();
  function startTimer(fn: Listener, ms: unknown, args: unknown[], repeat: boolean): number {
    if (typeof fn !== "function") throw new TypeError("setTimeout and setInterval take a function in the lab");
    const id = nextId++;
    call("timer", { id, ms: Number(ms) || 0, repeat });
    timers.set(id, { fn, args, repeat });
    return id;
  }
  function stopTimer(id: unknown): void {
    if (typeof id !== "number" || !timers.delete(id)) return;
    call("clearTimer", { id });
  }

  function text(args: unknown[]): string {
    return args
      .map((arg) => {
        if (typeof arg === "string") return arg;
        try {
          return stringify(arg) ?? String(arg);
        } catch {
          return String(arg);
        }
      })
      .join(" ");
  }

  // ---- the database: each query is answered later by the host (it runs in a process of its own) ----
  const queries = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  let nextQuery = 1;
  function query(op: string, sql: unknown, params: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // As the callbacks' table: bounded, the oldest forgotten (its promise then never settles).
      if (queries.size >= MAX_WAITING) queries.delete(queries.keys().next().value as number);
      const id = nextQuery++;
      queries.set(id, { resolve, reject });
      try {
        call(op, { sql: String(sql), params, ack: id });
      } catch (error) {
        queries.delete(id);
        reject(error);
      }
    });
  }
  const database = {
    exec: (sql: string) => query("db.exec", sql, []).then(() => undefined),
    run: (sql: string, ...params: unknown[]) => query("db.run", sql, params),
    get: (sql: string, ...params: unknown[]) => query("db.get", sql, params).then((row) => row ?? undefined),
    all: (sql: string, ...params: unknown[]) => query("db.all", sql, params),
  };

  const closeListeners: Listener[] = [];
  const routes = new Map<string, Listener>();
  const settings: Record<string, number> = {};
  const lab = {
    log: (message: unknown) => defer("log", { message: String(message) }),
    settings,
    database: () => database,
    get(path: string, route: Listener) {
      routes.set(String(path), route);
      call("route", { path: String(path) });
    },
    onClose(cleanup: Listener) {
      closeListeners.push(cleanup);
    },
  };

  const notInLab = (what: string) => () => {
    throw new Error(`${what} is not available in the lab: your server code can use io, its sockets, lab, timers and console.`);
  };
  const global = globalThis as Record<string, unknown>;
  global.console = {
    log: (...args: unknown[]) => defer("log", { message: text(args), console: true }),
    info: (...args: unknown[]) => defer("log", { message: text(args), console: true }),
    warn: (...args: unknown[]) => defer("log", { message: text(args), console: true }),
    error: (...args: unknown[]) => defer("log", { message: text(args), console: true }),
  };
  global.setTimeout = (fn: Listener, ms?: number, ...args: unknown[]) => startTimer(fn, ms, args, false);
  global.setInterval = (fn: Listener, ms?: number, ...args: unknown[]) => startTimer(fn, ms, args, true);
  global.clearTimeout = stopTimer;
  global.clearInterval = stopTimer;
  global.queueMicrotask = (fn: Listener) => void Promise.resolve().then(() => guarded(fn, undefined, [], "queueMicrotask"));
  global.require = (name: unknown) => notInLab(`require("${String(name).slice(0, 60)}")`)();
  for (const name of ["process", "Buffer", "fetch", "XMLHttpRequest", "WebSocket", "Deno", "Bun"]) {
    Object.defineProperty(global, name, { get: notInLab(name), configurable: false });
  }

  /** The learner's module: `(module, exports, require) => …`, as esbuild's CommonJS output expects. */
  let module: { exports: Record<string, unknown> } = { exports: {} };

  function info(raw: unknown): SocketInfo {
    return raw as SocketInfo;
  }

  const handlers: Record<string, (message: unknown[]) => void> = {
    start() {
      // Each setting reads the lab's live value: the learner changes it on the page while the code runs.
      const context = call("context", null) as { settings: string[]; node: string | null };
      for (const name of context.settings) {
        Object.defineProperty(settings, name, { enumerable: true, get: () => call("setting", { name }) as number });
      }
      if (context.node !== null) Object.assign(lab, { node: context.node });
      const main = module.exports.default;
      if (typeof main !== "function") {
        throw new Error("Your server code must `export default (io, lab) => { … }`: a function that receives the lab's server.");
      }
      guarded(main as Listener, undefined, [io, lab], "your default export");
    },
    middleware(message) {
      const [, index, raw, nextId] = message as [string, number, unknown, number];
      const socket = socketFor(info(raw));
      let called = false;
      const next = (error?: unknown) => {
        if (called) return;
        called = true;
        syncData(socket);
        const e = error as { message?: unknown; data?: unknown } | undefined;
        call("next", { id: nextId, error: error ? { message: String(e?.message ?? error), data: e?.data } : null });
      };
      const fn = middlewares[index];
      if (fn) guarded(fn, undefined, [socket, next], "io.use()");
    },
    connection(message) {
      const raw = info(message[1]);
      const socket = socketFor(raw);
      socket.recovered = Boolean(raw.recovered);
      if (raw.recovered) {
        socket.data = raw.data ?? {};
        socket.syncedData = stringify(socket.data);
      }
      connectionListeners.fire("connection", io, [socket], 'io.on("connection")');
      syncData(socket);
    },
    event(message) {
      // By index, not destructured: QuickJS destructures an array through its iterator.
      const sid = message[1] as string;
      const event = message[2] as string;
      const args = message[3] as unknown[];
      const ackId = message[4] as number;
      const bin = message[5] as number;
      const socket = sockets.get(sid);
      const all = reconstruct(args, take(bin)) as unknown[];
      if (!socket) return;
      if (ackId) {
        let answered = false;
        all.push((...reply: unknown[]) => {
          if (answered) return;
          answered = true;
          defer("ack", { id: ackId, args: reply }, reply);
        });
      }
      if (socket.anyListeners.length > 0) for (const fn of [...socket.anyListeners]) guarded(fn, socket, [event, ...all], "socket.onAny()");
      socket.listeners.fire(event, socket, all, `socket.on("${event}")`);
      syncData(socket);
    },
    disconnecting(message) {
      const [, sid, reason, description] = message as [string, string, string, unknown];
      const socket = sockets.get(sid);
      socket?.listeners.fire("disconnecting", socket, [reason, description], 'socket.on("disconnecting")');
    },
    disconnect(message) {
      const [, sid, reason, description] = message as [string, string, string, unknown];
      const socket = sockets.get(sid);
      sockets.delete(sid);
      socket?.listeners.fire("disconnect", socket, [reason, description], 'socket.on("disconnect")');
    },
    forget(message) {
      sockets.delete(message[1] as string);
    },
    conn(message) {
      const [, sid, event, args] = message as [string, string, string, unknown[]];
      const socket = sockets.get(sid);
      socket?.connListeners.fire(event, socket.conn, args, `socket.conn.on("${event}")`);
    },
    callback(message) {
      const [, id, errors, args, bin] = message as [string, number, Record<string, string>, unknown[], number];
      const all = reconstruct(args, take(bin)) as unknown[];
      // The host says which arguments Socket.IO passed as errors; they become Errors here.
      for (const index of Object.keys(errors ?? {})) all[Number(index)] = new Error(String(errors[index]));
      const waiting = callbacks.get(id);
      if (!waiting) return;
      callbacks.delete(id);
      guarded(waiting, undefined, all, "a callback");
    },
    db(message) {
      const [, id, error, value, bin] = message as [string, number, { message: string } | null, unknown, number];
      const answer = reconstruct(value, take(bin));
      const waiting = queries.get(id);
      if (!waiting) return;
      queries.delete(id);
      if (error) waiting.reject(Object.assign(new Error(String(error.message)), error));
      else waiting.resolve(answer);
    },
    serverSide(message) {
      const [, event, args, ackId, bin] = message as [string, string, unknown[], number, number];
      const all = reconstruct(args, take(bin)) as unknown[];
      if (ackId) all.push((...reply: unknown[]) => defer("ack", { id: ackId, args: reply }, reply));
      serverSideListeners.fire(event, io, all, `io.on("${event}")`);
    },
    timer(message) {
      const id = message[1] as number;
      const timer = timers.get(id);
      if (!timer) return;
      if (!timer.repeat) timers.delete(id);
      guarded(timer.fn, undefined, timer.args, timer.repeat ? "setInterval()" : "setTimeout()");
    },
    route(message) {
      const [, path, responseId] = message as [string, string, number];
      const route = routes.get(path);
      if (!route) return;
      const res = {
        statusCode: 200,
        writeHead(status: number, headers?: Record<string, string>) {
          call("res.head", { id: responseId, status: Number(status), headers: headers ?? {} });
          return res;
        },
        setHeader(name: string, value: string) {
          call("res.header", { id: responseId, name: String(name), value: String(value) });
          return res;
        },
        end(body?: string) {
          call("res.end", { id: responseId, body: body === undefined ? "" : String(body), status: res.statusCode });
        },
      };
      guarded(route, undefined, [{ method: "GET", url: path }, res], `lab.get("${path}")`);
    },
    close() {
      for (const cleanup of closeListeners.splice(0)) guarded(cleanup, undefined, [], "lab.onClose()");
      timers.clear();
    },
  };

  return {
    dispatch(message: string) {
      const parsed = parse(message) as unknown[];
      try {
        handlers[parsed[0] as string]?.(parsed);
      } catch (error) {
        flush();
        throw error;
      }
      return drain();
    },
    flush: drain,
    load(factory: ModuleFactory) {
      module = { exports: {} };
      try {
        factory(module, module.exports, global.require);
      } finally {
        flush();
      }
    },
    options() {
      try {
        return stringify(module.exports.options ?? {}) ?? "{}";
      } catch {
        return "{}";
      }
    },
  };
}
