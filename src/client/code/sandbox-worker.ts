/**
 * The worker a code run lives in, inside the sandboxed iframe: it has an opaque origin (no access to the
 * site's storage or cookies), its own thread (a loop cannot freeze the page), and dies with the iframe (Stop).
 */
import * as socketIoClient from "socket.io-client";
import { evaluate, generatedLine, labIo } from "./run-module.js";
import type { ConsoleLevel, RunRequest, SandboxMessage } from "./sandbox-protocol.js";

interface WorkerScope {
  postMessage(message: SandboxMessage): void;
  addEventListener(type: "message", listener: (event: MessageEvent<RunRequest>) => void): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
  addEventListener(type: "unhandledrejection", listener: (event: PromiseRejectionEvent) => void): void;
}
const scope = self as unknown as WorkerScope;
const post = (message: SandboxMessage) => scope.postMessage(message);

/** A value as console.log would show it, cut short so a huge object cannot flood the page. */
function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    const text = JSON.stringify(value, (_key, inner: unknown) =>
      inner instanceof ArrayBuffer ? `<ArrayBuffer ${inner.byteLength} bytes>` : inner,
    );
    return (text ?? String(value)).slice(0, 2000);
  } catch {
    return String(value);
  }
}

/** Lines wait here and go to the page ten times a second at most, at most 100 at a time; the rest are counted. */
const FLUSH_MS = 100;
const LINES_PER_FLUSH = 100;
let pending: { level: ConsoleLevel; text: string }[] = [];
let dropped = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function flush(): void {
  flushTimer = undefined;
  const batch = pending;
  pending = [];
  let level: ConsoleLevel | undefined;
  let lines: string[] = [];
  const send = () => {
    if (level && lines.length > 0) post({ type: "console", level, lines });
  };
  for (const line of batch) {
    if (line.level !== level) {
      send();
      level = line.level;
      lines = [];
    }
    lines.push(line.text);
  }
  send();
  if (dropped > 0) post({ type: "console", level: "warn", lines: [], dropped });
  dropped = 0;
}

function consoleFor(level: ConsoleLevel) {
  return (...args: unknown[]) => {
    // A line that will only be counted is not formatted: a flood then costs the worker next to nothing,
    // and leaves the machine's cores to the page (on two busy cores, formatting 5,000 dropped lines every
    // 10 ms starved the page's input: a click on Stop timed out).
    if (flushTimer !== undefined && pending.length >= LINES_PER_FLUSH) {
      dropped += 1;
      return;
    }
    const text = args.map(show).join(" ").slice(0, 2000);
    // The first line after a quiet spell goes at once: code that then loops forever has still said it.
    if (flushTimer === undefined) {
      post({ type: "console", level, lines: [text] });
      flushTimer = setTimeout(flush, FLUSH_MS);
      return;
    }
    pending.push({ level, text });
  };
}

function reportError(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : `Uncaught ${show(error)}`;
  const line = generatedLine(error);
  post({ type: "error", message, ...(line === undefined ? {} : { line }) });
}

type Packet = { type: string; data?: string | ArrayBuffer };

scope.addEventListener("message", (event) => {
  const request = event.data;
  if (request?.type !== "run") return;
  const opened: { close(): unknown }[] = [];
  const io = labIo(socketIoClient.io, request.lab, opened, (socket) => {
    // Every engine this socket's Manager opens reports its packets to the page's timeline.
    socket.io.on("open", () => {
      const engine = socket.io.engine;
      engine.on("packet", (packet: Packet) =>
        post({ type: "wire", at: Date.now(), direction: "to-client", packetType: packet.type, data: packet.data }),
      );
      engine.on("packetCreate", (packet: Packet) =>
        post({ type: "wire", at: Date.now(), direction: "to-server", packetType: packet.type, data: packet.data }),
      );
    });
  });
  const levels: ConsoleLevel[] = ["log", "info", "warn", "error", "debug"];
  const console = Object.fromEntries(levels.map((level) => [level, consoleFor(level)])) as Pick<Console, ConsoleLevel>;
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
