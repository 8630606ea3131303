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

export type ConsoleLevel = "log" | "info" | "warn" | "error" | "debug";

/** Sandbox to page: what the run printed, threw, and sent or received on the wire. */
export type SandboxMessage =
  | { type: "ready" }
  /** Console output, batched: a loop that prints cannot flood the page with messages. */
  | { type: "console"; level: ConsoleLevel; lines: string[]; dropped?: number }
  | { type: "error"; message: string; line?: number }
  | { type: "wire"; at: number; direction: "to-server" | "to-client"; packetType: string; data?: string | ArrayBuffer };
