import { fork, type ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import type { DatabaseAnswer, DatabaseErrorInfo, DatabaseRequest } from "./database-protocol.js";

/** A request as a caller makes it: the host numbers it. */
export type DatabaseCall = DatabaseRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export interface DatabaseHostOptions {
  /** A query that runs longer is stopped: its process is killed and a fresh one started. */
  queryMs: number;
  /** Requests one lab may have waiting at once; one more is refused at once. */
  queuePerLab: number;
  /** Bytes (see `callBytes`) one lab's waiting requests may hold; the request that would pass it is refused at once. */
  queueBytesPerLab: number;
  /** Bytes every lab's waiting requests may hold together; the request that would pass it is refused at once. */
  queueBytes: number;
  /** The process's entry; by default the one beside this module (source under the tests, bundle in production). */
  entry?: string;
}

/**
 * The entry beside this module: database-process.ts when this runs from source (the tests, `astro dev`:
 * Node strips its types), database-process.mjs when it runs from the host bundle (dist/host/start.mjs).
 */
const DEFAULT_ENTRY = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "./database-process.ts" : "./database-process.mjs", import.meta.url),
);

/**
 * A lab whose query overran waits this many query limits before its next query runs: each overrun costs
 * every lab a process restart and up to a query limit of waiting, so code that overruns on purpose, in a
 * loop, gets the database for at most one limit in PAUSE_LIMITS + 1.
 */
const PAUSE_LIMITS = 10;

/** How much lower the database process runs than the host (a nice value: 10 of 19). */
const DATABASE_NICENESS = 10;

/**
 * What a request holds in the host while it waits: the characters of its SQL and text parameters, the
 * bytes of its blobs, 8 for any other value. A count of 1,000 waiting requests says nothing about memory
 * when each carries a 60 KB text; this does, and costs no encoding to know.
 */
export function callBytes(call: DatabaseCall): number {
  if (call.op === "close") return 0;
  let bytes = call.sql.length;
  for (const param of call.params) {
    if (typeof param === "string") bytes += param.length;
    else if (param instanceof Uint8Array) bytes += param.byteLength;
    else bytes += 8;
  }
  return bytes;
}

const busy = (message: string) => Object.assign(new Error(message), { code: "ERR_LAB_DATABASE_BUSY" });

interface Pending {
  call: DatabaseCall;
  bytes: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The host's side of the database process: every lab's queries go there, so none runs on the event loop
 * that answers every lab's traffic and `/api/health`.
 *
 * One process, not a pool: SQLite's work is CPU, the host is a small machine whose other core the host's
 * own thread needs, and a second process would add its memory and not its speed. What a pool would give,
 * that one lab's flood does not starve the others, comes from the queues instead: each lab has its own,
 * and the process takes one request from each lab in turn. A query past `queryMs` costs its own lab the
 * answer (a clear error) and the others at most that long a wait.
 *
 * One request is in the process at a time. So when a query overruns and the process is killed, the
 * requests still queued here have not started: they run on the next process, none is lost or run twice.
 */
export class DatabaseHost {
  private child: ChildProcess | undefined;
  private ready = false;
  private readonly queues = new Map<string, Pending[]>();
  /** Bytes waiting, per lab and in all: what the byte caps hold. */
  private readonly labBytes = new Map<string, number>();
  private waitingBytes = 0;
  private peakWaitingBytes = 0;
  /** Labs with requests waiting, in the order they will be served (one request each, round-robin). */
  private readonly turns: string[] = [];
  private running: { lab: string; pending: Pending; id: number; timer: ReturnType<typeof setTimeout> } | undefined;
  /** Labs whose last query overran, and until when their queries are refused. */
  private readonly paused = new Map<string, number>();
  private nextId = 1;
  private closed = false;
  private readonly entry: string;

  constructor(private readonly options: DatabaseHostOptions) {
    this.entry = options.entry ?? DEFAULT_ENTRY;
  }

  /** Runs one request for a lab (`lab` keys its queue); its answer, or SQLite's error rebuilt with its `errcode` and `code`. */
  request(lab: string, call: DatabaseCall): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error("The lab's database is closed: the server is shutting down."));
    // Closing a connection is always let through: the lab is going, or its learner's code stopped.
    if (call.op !== "close" && this.isPaused(lab)) return Promise.reject(this.pausedError(lab));
    const queue = this.queues.get(lab) ?? [];
    if (queue.length >= this.options.queuePerLab) {
      return Promise.reject(busy(`Too many queries are waiting for this lab's database (at most ${this.options.queuePerLab}).`));
    }
    // Refused here, before it waits: a flood of large writes would otherwise hold their payloads in the
    // host's memory for as long as the database takes to get through them.
    const bytes = callBytes(call);
    const labBytes = this.labBytes.get(lab) ?? 0;
    if (bytes > 0 && labBytes + bytes > this.options.queueBytesPerLab) {
      return Promise.reject(
        busy(`Too much data is waiting for this lab's database (at most ${this.options.queueBytesPerLab} bytes): this query was refused.`),
      );
    }
    if (bytes > 0 && this.waitingBytes + bytes > this.options.queueBytes) {
      return Promise.reject(
        busy(`Too much data is waiting for the labs' database (at most ${this.options.queueBytes} bytes in all): this query was refused.`),
      );
    }
    this.holdBytes(lab, bytes);
    return new Promise((resolve, reject) => {
      queue.push({ call, bytes, resolve, reject });
      if (queue.length === 1) {
        this.queues.set(lab, queue);
        this.turns.push(lab);
      }
      this.next();
    });
  }

  /** Bytes waiting now, and the most that ever waited at once (what the tests hold to the caps). */
  get queued(): { bytes: number; peakBytes: number } {
    return { bytes: this.waitingBytes, peakBytes: this.peakWaitingBytes };
  }

  private holdBytes(lab: string, bytes: number): void {
    if (bytes === 0) return;
    this.labBytes.set(lab, (this.labBytes.get(lab) ?? 0) + bytes);
    this.waitingBytes += bytes;
    this.peakWaitingBytes = Math.max(this.peakWaitingBytes, this.waitingBytes);
  }

  /** A request has left the queue (sent to the process, or failed): its bytes no longer wait. */
  private releaseBytes(lab: string, bytes: number): void {
    if (bytes === 0) return;
    const left = (this.labBytes.get(lab) ?? 0) - bytes;
    if (left > 0) this.labBytes.set(lab, left);
    else this.labBytes.delete(lab);
    this.waitingBytes -= bytes;
  }

  private next(): void {
    if (this.running || this.closed) return;
    const child = this.process();
    if (!this.ready) return;
    const lab = this.turns.shift();
    if (lab === undefined) return;
    const queue = this.queues.get(lab);
    const pending = queue?.shift();
    if (!queue || !pending) return this.next();
    if (queue.length > 0) this.turns.push(lab);
    else this.queues.delete(lab);
    this.releaseBytes(lab, pending.bytes);
    const id = this.nextId++;
    const timer = setTimeout(() => this.overran(), this.options.queryMs);
    this.running = { lab, pending, id, timer };
    child.send({ ...pending.call, id } as DatabaseRequest);
  }

  private process(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(this.entry, [], {
      // The host's own flags (a test runner's loaders, an inspector port) are not the database's.
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.ready = false;
    // Below the host in the scheduler: on a small machine a busy database must not take the core the
    // host's own thread needs to answer every lab's traffic. Where that is not allowed, it runs as it is.
    try {
      if (child.pid !== undefined) setPriority(child.pid, DATABASE_NICENESS);
    } catch {
      // Not permitted here: the process still runs, at the host's priority.
    }
    // The process must not keep the host alive on its own: the host closes it when it closes.
    child.unref();
    child.channel?.unref();
    child.on("message", (answer: DatabaseAnswer) => this.answered(child, answer));
    child.on("error", (error) => console.error("lab database process:", error.message));
    child.on("exit", (code, signal) => this.exited(child, code, signal));
    return child;
  }

  private answered(child: ChildProcess, answer: DatabaseAnswer): void {
    if (child !== this.child) return;
    if (answer.id === 0) {
      this.ready = true;
      return this.next();
    }
    const running = this.running;
    if (!running || running.id !== answer.id) return;
    clearTimeout(running.timer);
    this.running = undefined;
    if (answer.ok) running.pending.resolve(answer.value);
    else running.pending.reject(rebuild(answer.error));
    this.next();
  }

  /** The query ran too long: kill the process (nothing else stops SQLite), fail that query, go on with the rest. */
  private overran(): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    this.replace();
    running.pending.reject(
      Object.assign(new Error(`The query ran past ${this.options.queryMs} ms and was stopped.`), { code: "ERR_LAB_DATABASE_TIMEOUT" }),
    );
    this.pause(running.lab);
    this.next();
  }

  private isPaused(lab: string): boolean {
    const until = this.paused.get(lab);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.paused.delete(lab);
    return false;
  }

  private pausedError(lab: string): Error {
    const seconds = Math.ceil(((this.paused.get(lab) ?? 0) - Date.now()) / 1000);
    return Object.assign(
      new Error(`This lab's database is paused for ${seconds} s more: one of its queries ran past ${this.options.queryMs} ms.`),
      { code: "ERR_LAB_DATABASE_PAUSED" },
    );
  }

  /** Refuses the lab's queries for a while, those already waiting too (its closes excepted). */
  private pause(lab: string): void {
    this.paused.set(lab, Date.now() + PAUSE_LIMITS * this.options.queryMs);
    const queue = this.queues.get(lab);
    if (!queue) return;
    const error = this.pausedError(lab);
    const kept = queue.filter((pending) => pending.call.op === "close");
    for (const pending of queue) {
      if (pending.call.op === "close") continue;
      this.releaseBytes(lab, pending.bytes);
      pending.reject(error);
    }
    queue.splice(0, queue.length, ...kept);
    if (kept.length > 0) return;
    this.queues.delete(lab);
    const turn = this.turns.indexOf(lab);
    if (turn >= 0) this.turns.splice(turn, 1);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    const started = this.ready;
    this.child = undefined;
    this.ready = false;
    if (!started) {
      // A process that cannot even start would be restarted for ever: fail what waits, try again on the next request.
      return this.failAll(new Error(`The lab's database process failed to start (${signal ?? `exit code ${code}`}).`));
    }
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.pending.reject(new Error(`The lab's database process stopped (${signal ?? `exit code ${code}`}) during this query.`));
    }
    if (!this.closed) this.next();
  }

  private replace(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = false;
    child?.kill("SIGKILL");
  }

  private failAll(error: Error): void {
    if (this.running) {
      clearTimeout(this.running.timer);
      this.running.pending.reject(error);
      this.running = undefined;
    }
    for (const queue of this.queues.values()) for (const pending of queue) pending.reject(error);
    this.queues.clear();
    this.labBytes.clear();
    this.waitingBytes = 0;
    this.turns.length = 0;
  }

  /** Stops the process; whatever is still waiting fails with a clear error. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    this.failAll(new Error("The lab's database is closed: the server is shutting down."));
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
  }
}

/** SQLite's error as the process described it, an Error again, with its `code`, `errcode` and `errstr`. */
function rebuild(info: DatabaseErrorInfo): Error {
  const { message, ...properties } = info;
  return Object.assign(new Error(message), properties);
}
