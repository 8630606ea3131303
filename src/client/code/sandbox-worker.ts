/**
 * The worker a code run lives in, inside the sandboxed iframe: it has an opaque origin (no access to the
 * site's storage or cookies), its own thread (a loop cannot freeze the page), and dies with the iframe (Stop).
 *
 * Everything it sends goes through `post`, batched and cut to the limits of run-limits.ts. It takes the
 * real `postMessage` before the learner's code runs and hides it, so that code cannot skip the batching by
 * accident; a determined learner can still find a way to post, which is why the page checks and budgets
 * every message itself (sandbox.ts).
 */
import * as socketIoClient from "socket.io-client";
import { evaluate, generatedLine, labIo } from "./run-module.js";
import {
  CONSOLE_CHARS_PER_FLUSH,
  ERRORS_PER_FLUSH,
  FLUSH_MS,
  LINE_MAX_CHARS,
  LINES_PER_FLUSH,
  PACKETS_PER_FLUSH,
  truncate,
  WIRE_CHARS_PER_FLUSH,
  WIRE_DATA_MAX_CHARS,
} from "./run-limits.js";
import {
  CONSOLE_LEVELS,
  type ConsoleLevel,
  type ConsoleLine,
  type PageMessage,
  type SandboxMessage,
  type WirePacket,
} from "./sandbox-protocol.js";

interface WorkerScope {
  postMessage(message: SandboxMessage): void;
  addEventListener(type: "message", listener: (event: MessageEvent<PageMessage>) => void): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
  addEventListener(type: "unhandledrejection", listener: (event: PromiseRejectionEvent) => void): void;
}
const scope = self as unknown as WorkerScope;
const realPost = scope.postMessage.bind(scope);
const post = (message: SandboxMessage) => realPost(message);

/** Hides `postMessage` from the learner's code: on the global, and on the prototype it is inherited from. */
function hidePostMessage(): void {
  const refuse = () => {
    throw new Error("postMessage is the sandbox's own: use console.log to print, and the page shows it.");
  };
  for (let target: object | null = self; target && target !== Object.prototype; target = Object.getPrototypeOf(target) as object | null) {
    if (Object.prototype.hasOwnProperty.call(target, "postMessage")) Reflect.deleteProperty(target, "postMessage");
  }
  Object.defineProperty(self, "postMessage", { value: refuse, configurable: false, writable: false });
}

/** A value as console.log would show it, cut short so a huge object cannot flood the page. */
function show(value: unknown): string {
  if (typeof value === "string") return truncate(value, LINE_MAX_CHARS);
  if (value instanceof Error) return truncate(`${value.name}: ${value.message}`, LINE_MAX_CHARS);
  try {
    const text = JSON.stringify(value, (_key, inner: unknown) =>
      inner instanceof ArrayBuffer ? `<ArrayBuffer ${inner.byteLength} bytes>` : inner,
    );
    return truncate(text ?? String(value), LINE_MAX_CHARS);
  } catch {
    return truncate(String(value), LINE_MAX_CHARS);
  }
}

/**
 * What waits for the next flush: at most LINES_PER_FLUSH lines and PACKETS_PER_FLUSH packets (and so many
 * characters of each), the rest only counted. The first line after a quiet spell goes at once: code that
 * then loops forever has still said it.
 */
let lines: ConsoleLine[] = [];
let lineChars = 0;
let droppedLines = 0;
let packets: WirePacket[] = [];
let packetChars = 0;
let droppedPackets = 0;
let errors = 0;
let droppedErrors = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function flush(): void {
  flushTimer = undefined;
  if (lines.length > 0 || droppedLines > 0) post({ type: "console", lines, ...(droppedLines > 0 ? { dropped: droppedLines } : {}) });
  if (packets.length > 0 || droppedPackets > 0) post({ type: "wire", packets, ...(droppedPackets > 0 ? { dropped: droppedPackets } : {}) });
  if (droppedErrors > 0) post({ type: "error", message: "", dropped: droppedErrors });
  lines = [];
  lineChars = 0;
  droppedLines = 0;
  packets = [];
  packetChars = 0;
  droppedPackets = 0;
  errors = 0;
  droppedErrors = 0;
}

/** True when the caller may send now; otherwise it waits for (or is counted at) the next flush. */
function quiet(): boolean {
  if (flushTimer !== undefined) return false;
  flushTimer = setTimeout(flush, FLUSH_MS);
  return true;
}

function consoleFor(level: ConsoleLevel) {
  return (...args: unknown[]) => {
    // A line that will only be counted is not formatted: a flood then costs the worker next to nothing,
    // and leaves the machine's cores to the page (on two busy cores, formatting 5,000 dropped lines every
    // 10 ms starved the page's input: a click on Stop timed out).
    if (flushTimer !== undefined && (lines.length >= LINES_PER_FLUSH || lineChars >= CONSOLE_CHARS_PER_FLUSH)) {
      droppedLines += 1;
      return;
    }
    // Each value is cut already: one long value keeps its own marker, several are cut again as one line.
    const text = args.length === 1 ? show(args[0]) : truncate(args.map(show).join(" "), LINE_MAX_CHARS);
    if (quiet()) return post({ type: "console", lines: [{ level, text }] });
    lines.push({ level, text });
    lineChars += text.length;
  };
}

function wire(direction: WirePacket["direction"], packet: { type: string; data?: unknown }): void {
  if (flushTimer !== undefined && (packets.length >= PACKETS_PER_FLUSH || packetChars >= WIRE_CHARS_PER_FLUSH)) {
    droppedPackets += 1;
    return;
  }
  const { data } = packet;
  const entry: WirePacket = { at: Date.now(), direction, packetType: packet.type };
  // Binary data travels as its size: the timeline shows no more, and copying it would cost the page.
  if (typeof data === "string") entry.data = truncate(data, WIRE_DATA_MAX_CHARS);
  else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) entry.bytes = data.byteLength;
  if (quiet()) return post({ type: "wire", packets: [entry] });
  packets.push(entry);
  packetChars += entry.data?.length ?? 0;
}

function reportError(error: unknown): void {
  if (flushTimer !== undefined && errors >= ERRORS_PER_FLUSH) {
    droppedErrors += 1;
    return;
  }
  errors += 1;
  const message = truncate(error instanceof Error ? `${error.name}: ${error.message}` : `Uncaught ${show(error)}`, LINE_MAX_CHARS);
  const line = generatedLine(error);
  quiet();
  post({ type: "error", message, ...(line === undefined ? {} : { line }) });
}

let started = false;

scope.addEventListener("message", (event) => {
  const request = event.data;
  // The page's heartbeat: answered by this runner, so a worker stuck in a loop (or dead) does not answer.
  if (request?.type === "ping") return post({ type: "pong", n: request.n });
  if (request?.type !== "run" || started) return;
  started = true;
  const opened: { close(): unknown }[] = [];
  const io = labIo(socketIoClient.io, request.lab, opened, (socket) => {
    // Every engine this socket's Manager opens reports its packets to the page's timeline.
    socket.io.on("open", () => {
      const engine = socket.io.engine;
      engine.on("packet", (packet: { type: string; data?: unknown }) => wire("to-client", packet));
      engine.on("packetCreate", (packet: { type: string; data?: unknown }) => wire("to-server", packet));
    });
  });
  const console = Object.fromEntries(CONSOLE_LEVELS.map((level) => [level, consoleFor(level)])) as Pick<Console, ConsoleLevel>;
  hidePostMessage();
  try {
    evaluate(request.code, {
      require: (name) => {
        if (name === "socket.io-client") return { ...socketIoClient, io, connect: io, default: io };
        // Type-only imports (the lesson's events) compile to nothing that is read.
        if (name.startsWith("./")) return {};
        throw new Error(`Only "socket.io-client" and the lesson's "./events" can be imported here, not "${name}".`);
      },
      console,
      lab: request.lab,
    });
  } catch (error) {
    reportError(error);
  }
});

scope.addEventListener("error", (event) => {
  event.preventDefault();
  reportError(event.error ?? new Error(event.message));
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  reportError(event.reason);
});

post({ type: "ready" });
