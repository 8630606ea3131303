import type { LaunchOptions } from "playwright-core";

export function freePort(): Promise<number>;

export function dyingWithParent(command: string[], signal: "SIGTERM" | "SIGKILL"): [string, string[]];

export function startProductionServer(options?: {
  stdio?: "inherit" | "ignore";
  timeoutMs?: number;
  nodeArgs?: string[];
  /** Added to the server's environment, e.g. REDIS_URL. */
  env?: Record<string, string>;
}): Promise<{ origin: string; stop(): Promise<void>; pid: number | undefined }>;

export const CHROMIUM_LAUNCH: LaunchOptions & { executablePath: string; args: string[] };
