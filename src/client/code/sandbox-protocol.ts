import type { RunLab } from "./run-module.js";

/**
 * Where `astro dev` serves the sandbox's worker as one classic script. Vite's dev server would serve it as
 * an ES module, which the sandbox (an opaque origin) may only load with CORS, and Vite's dev server grants
 * CORS to localhost origins only. A classic script is what production loads too.
 */
export const DEV_SANDBOX_WORKER_PATH = "/_dev/sandbox-worker.js";

/** The sandboxed frame's document, served by the host with its own policy (src/server/host/sandbox-page.ts). */
export const SANDBOX_PAGE_PATH = "/sandbox/run";

/** Page to sandbox: run this compiled code against this lab. */
export interface RunRequest {
  type: "run";
  code: string;
  lab: RunLab;
}

/** Page to sandbox: are you still there? The worker answers with a `pong` of the same number. */
export interface Ping {
  type: "ping";
  n: number;
}

export type PageMessage = RunRequest | Ping;

export type ConsoleLevel = "log" | "info" | "warn" | "error" | "debug";
export const CONSOLE_LEVELS: readonly ConsoleLevel[] = ["log", "info", "warn", "error", "debug"];

export interface ConsoleLine {
  level: ConsoleLevel;
  text: string;
}

/** One Engine.IO packet the run's connection sent or received; binary data travels as its size only. */
export interface WirePacket {
  at: number;
  direction: "to-server" | "to-client";
  packetType: string;
  data?: string;
  bytes?: number;
}

/** Sandbox to page: what the run printed, threw, and sent or received on the wire. */
export type SandboxMessage =
  | { type: "ready" }
  | { type: "pong"; n: number }
  /** Console output, batched: a loop that prints cannot flood the page with messages. */
  | { type: "console"; lines: ConsoleLine[]; dropped?: number }
  | { type: "error"; message: string; line?: number; dropped?: number }
  /** Wire packets, batched like the console. */
  | { type: "wire"; packets: WirePacket[]; dropped?: number }
  /** From the sandbox's frame, not the worker: it ended the worker for sending more than any run may. */
  | { type: "flood"; messages: number; bytes: number };
