import type { RunLab } from "./run-module.js";

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
