/**
 * How V8 collects garbage in a host that may run on one CPU only.
 *
 * V8 marks the old generation on helper threads while JavaScript runs (concurrent marking), and scavenges
 * with helpers too. With cores of their own they take work off the event loop. Confined to the event loop's
 * one core, they take turns with it at the same priority instead: for the ~300 ms of a full collection of a
 * host with 2,000 learners, the event loop had about a fifth of its core, and every ack waiting then waited
 * for the whole collection (ack p99 230-290 ms against 44-67 ms with `--single-threaded-gc`, which marks in
 * small steps on the event loop itself: bench/results/load-2026-12-04-gc-threads.md).
 *
 * V8 reads the flag once, at start (v8.setFlagsFromString makes no difference later: measured), so a host
 * that finds itself on one CPU starts again with it, before anything else runs. process.execve keeps the
 * process: its pid, its parent, its open descriptors and its environment.
 */
export const SINGLE_THREADED_GC_VARIABLE = "PLAYGROUND_SINGLE_THREADED_GC";
const FLAG = "--single-threaded-gc";

export type GcMode = "auto" | "on" | "off";

/** `auto` (the default): single-threaded on one CPU only; `on`: always; `off`: V8's own choice. */
export function gcModeFrom(value: string | undefined): GcMode {
  const mode = (value ?? "").trim() || "auto";
  if (mode === "auto" || mode === "on" || mode === "off") return mode;
  throw new Error(`${SINGLE_THREADED_GC_VARIABLE} must be auto, on or off, not "${value}".`);
}

/** Whether a process started with `execArgv`, allowed `cpus` CPUs, should start again with the flag. */
export function restartsWithSingleThreadedGc(mode: GcMode, cpus: number, execArgv: readonly string[]): boolean {
  if (execArgv.includes(FLAG)) return false;
  return mode === "on" || (mode === "auto" && cpus === 1);
}

/** The arguments of the same process again, with the flag first: node's own options, then the script's. */
export function argumentsWithSingleThreadedGc(execPath: string, execArgv: readonly string[], argv: readonly string[]): string[] {
  return [execPath, FLAG, ...execArgv, ...argv.slice(1)];
}
