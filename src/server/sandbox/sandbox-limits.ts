/**
 * The limits a learner's server code runs under, with their defaults and the environment variables that
 * override them (docs/server-code.md has the same table). Past one, the code is stopped, the server log
 * says which limit and where, and the lab goes back to the lesson's own code.
 */
export interface SandboxLimits {
  /** The WebAssembly memory one lab's code may grow to, in MB (QuickJS itself takes about 1 MB of it). */
  memoryMb: number;
  /** CPU one call into the code may take: a handler, a timer, an ack callback, with the promises it settles. */
  callMs: number;
  /** CPU the code may take in any one second, summed over its calls. */
  cpuMsPerSecond: number;
  /** Timers (setTimeout and setInterval) the code may have pending at once. */
  maxTimers: number;
  /** Lines the code may write to the server log per second (log() and console.log); past it lines are dropped and counted. */
  logLinesPerSecond: number;
  /** Bytes the lab's SQLite database may grow to while learner code writes to it. */
  databaseBytes: number;
  /** Rows one query may return to the code. */
  databaseRows: number;
  /** Largest server code a learner may submit, in bytes. */
  maxCodeBytes: number;
  /** Labs running learner server code at once on this host; one more is refused until one stops. */
  maxSandboxes: number;
}

export const defaultSandboxLimits: SandboxLimits = {
  memoryMb: 32,
  callMs: 50,
  cpuMsPerSecond: 250,
  maxTimers: 50,
  logLinesPerSecond: 50,
  databaseBytes: 4 * 1024 * 1024,
  databaseRows: 1000,
  maxCodeBytes: 64 * 1024,
  maxSandboxes: 40,
};

export const sandboxLimitVariables: Record<keyof SandboxLimits, string> = {
  memoryMb: "PLAYGROUND_SANDBOX_MEMORY_MB",
  callMs: "PLAYGROUND_SANDBOX_CALL_MS",
  cpuMsPerSecond: "PLAYGROUND_SANDBOX_CPU_MS_PER_SECOND",
  maxTimers: "PLAYGROUND_SANDBOX_MAX_TIMERS",
  logLinesPerSecond: "PLAYGROUND_SANDBOX_LOG_LINES_PER_SECOND",
  databaseBytes: "PLAYGROUND_SANDBOX_DATABASE_BYTES",
  databaseRows: "PLAYGROUND_SANDBOX_DATABASE_ROWS",
  maxCodeBytes: "PLAYGROUND_SANDBOX_MAX_CODE_BYTES",
  maxSandboxes: "PLAYGROUND_SANDBOX_MAX_LABS",
};
