import type { ManagerOptions, SocketOptions } from "socket.io-client";

/** The file name a run's code has in stack traces, so an error can be traced to its line. */
export const RUN_SOURCE = "your-code.js";

/** What a run gets as the global `lab` (src/lessons/lab-global.d.ts). */
export interface RunLab {
  url: string;
  options: { path: string; query: Record<string, string> };
}

export interface RunHost {
  require(name: string): unknown;
  console: Pick<Console, "log" | "info" | "warn" | "error" | "debug">;
  lab: RunLab;
}

/**
 * Runs compiled CommonJS code with the host's `require`, `console` and `lab`. The wrapper sits on the code's
 * first line, so line N of the code is line N in a stack trace (see `generatedLine`).
 */
export function evaluate(code: string, host: RunHost): void {
  const module = { exports: {} };
  const wrapped = `(function (require, module, exports, console, lab) {${code}\n})\n//# sourceURL=${RUN_SOURCE}`;
  // Indirect eval: the code sees only what it is given and the worker's globals, not this module's scope.
  const run = (0, eval)(wrapped) as (...args: unknown[]) => void;
  run(host.require.bind(host), module, module.exports, host.console, host.lab);
}

/** The line of the compiled code an error was thrown from, read from its stack. */
export function generatedLine(error: unknown): number | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const match = new RegExp(`${RUN_SOURCE.replace(".", "\\.")}:(\\d+):\\d+`).exec(stack);
  return match ? Number(match[1]) : undefined;
}

type Io = typeof import("socket.io-client").io;
type IoSocket = ReturnType<Io>;

/**
 * socket.io-client's `io`, bound to the lab: every connection a run opens goes to the lab's path with the
 * run's name and ticket, whatever options the code passes, and a new Manager each time, so Stop can close
 * them all.
 */
export function labIo(io: Io, lab: RunLab, opened: { close(): unknown }[], watch?: (socket: IoSocket) => void): Io {
  const bound = (uri?: string | Partial<ManagerOptions & SocketOptions>, options?: Partial<ManagerOptions & SocketOptions>) => {
    const given = typeof uri === "object" ? uri : (options ?? {});
    const query = { ...(typeof given.query === "object" ? given.query : {}), ...lab.options.query };
    const socket = io(lab.url, { ...given, path: lab.options.path, query, forceNew: true });
    opened.push(socket);
    watch?.(socket);
    return socket;
  };
  return Object.assign(bound, io) as Io;
}
