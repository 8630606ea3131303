/**
 * How V8 collects garbage in a host that may run on one CPU only: a choice for whoever runs it, off by
 * default, because it trades memory under overload for latency under load.
 *
 * V8 marks the old generation on helper threads while JavaScript runs (concurrent marking), and scavenges
 * and sweeps with helpers too. With cores of their own they take work off the event loop. Confined to the
 * event loop's one core they can only take turns with it: at 2,000 learners a full collection then put
 * 150-260 ms of marking steps (up to 24 ms each) on the event loop within ~320 ms, and the acks that came
 * meanwhile waited. With `--single-threaded-gc` the marking came in steps of at most 1 ms over 0.7-1.1 s;
 * what is left is each full collection's final pause, 60-110 ms. Measured on one core, pinned, lab and
 * plain Socket.IO alike (bench/results/load-2026-12-04-gc-threads.md):
 * - 2,000 learners: the lab's ack p99 went from 230-290 ms to 44-67 ms in 5 rounds of 6, 410 ms in one;
 * - 5,000 learners, the core saturated: the collector fell behind, and the lab's RSS grew to 1.43-1.59 GB
 *   against 1.03 GB, past the 1.5 GB this host is meant to hold them in.
 *
 * V8 reads the flag once, at start (v8.setFlagsFromString makes no difference later: measured), so the host
 * starts again with it, before anything else runs (start-flags.ts). process.execve keeps the process: its pid, its parent,
 * its open descriptors and its environment.
 */
export const SINGLE_THREADED_GC_VARIABLE = "PLAYGROUND_SINGLE_THREADED_GC";
const FLAG = "--single-threaded-gc";

export type GcMode = "off" | "auto" | "on";

/** `off` (the default): V8's own; `auto`: single-threaded when the process may use one CPU only; `on`: always. */
export function gcModeFrom(value: string | undefined): GcMode {
  const mode = (value ?? "").trim() || "off";
  if (mode === "off" || mode === "auto" || mode === "on") return mode;
  throw new Error(`${SINGLE_THREADED_GC_VARIABLE} must be off, auto or on, not "${value}".`);
}

/** Whether a process started with `execArgv`, allowed `cpus` CPUs, should start again with the flag. */
export function restartsWithSingleThreadedGc(mode: GcMode, cpus: number, execArgv: readonly string[]): boolean {
  if (execArgv.includes(FLAG)) return false;
  return mode === "on" || (mode === "auto" && cpus === 1);
}

/** The flag a process started with `execArgv`, allowed `cpus` CPUs, should start again with, or `undefined`. */
export function singleThreadedGcFlag(mode: GcMode, cpus: number, execArgv: readonly string[]): string | undefined {
  return restartsWithSingleThreadedGc(mode, cpus, execArgv) ? FLAG : undefined;
}
