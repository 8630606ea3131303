/**
 * How V8 sizes a host's heap: two host settings, on by default, because what a busy host's connections keep
 * between two of their messages otherwise fills the old generation, and a full collection on the event
 * loop's core is what set the lab's ack p99 at 2,000 learners ([8/8]).
 *
 * - The young generation (PLAYGROUND_SEMI_SPACE_MB, 128). Each open WebSocket keeps part of its last frame
 *   until its next one comes (ws keeps the frame's mask, a view of the bytes it was read into), and the
 *   objects that full collections freed were mostly made on Socket.IO's and ws's per-message paths
 *   (bench/gc-sampler.mjs): objects that live about as long as a client's gap between messages. V8 moves to
 *   the old generation what outlived two scavenges. With its own semi-spaces (up to 64 MB here, Node 24) a
 *   host at 2,000 learners, each client sending once a second, scavenged 2.3 times a second, and the old
 *   generation grew by 5.5 MB a second; with 128 MB, 1.1 times a second and 0.7 MB a second.
 * - The old generation's headroom (PLAYGROUND_HEAP_GROWING_PERCENT, 100). After a full collection V8 lets
 *   the old generation grow by a factor it picks from how fast it fills. Filling slowly, it let it grow by
 *   ~×1.1 only (the next full collection came at ~156 MB over 141 MB live), and so every ~20 s anyway. Growing by 100 %
 *   (×2) puts them minutes apart at that rate, for up to the live heap's size again of garbage.
 * Measured in bench/results/load-2026-12-08-heap-sizing.md.
 *
 * V8 sizes its heap once, when the process starts (v8.setFlagsFromString later makes no difference:
 * measured), so the host starts again with the flags (start-flags.ts), unless it was given them itself.
 */
export const SEMI_SPACE_VARIABLE = "PLAYGROUND_SEMI_SPACE_MB";
export const HEAP_GROWING_VARIABLE = "PLAYGROUND_HEAP_GROWING_PERCENT";
export const DEFAULT_SEMI_SPACE_MB = 128;
export const DEFAULT_HEAP_GROWING_PERCENT = 100;
/** V8 takes larger values; past these the young generation alone, or the garbage let grow, is a small host's memory. */
export const MAX_SEMI_SPACE_MB = 1024;
export const MAX_HEAP_GROWING_PERCENT = 400;

/** A whole number from 0 to `max` (blank: `fallback`); 0 stands for V8's own choice, `undefined`. */
function setting(variable: string, value: string | undefined, fallback: number, max: number, unit: string): number | undefined {
  const text = (value ?? "").trim();
  if (text === "") return fallback;
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= 0 && number <= max)) {
    throw new Error(`${variable} must be a whole number ${unit} from 0 (V8's own choice) to ${max}, not "${value}".`);
  }
  return number === 0 ? undefined : number;
}

/** The most each semi-space may grow to, in MB, or `undefined` (the setting is 0) for V8's own size. */
export function semiSpaceFrom(value: string | undefined): number | undefined {
  return setting(SEMI_SPACE_VARIABLE, value, DEFAULT_SEMI_SPACE_MB, MAX_SEMI_SPACE_MB, "of MB");
}

/** How much the old generation may grow past its live size before a full collection, or `undefined` for V8's own factor. */
export function heapGrowingFrom(value: string | undefined): number | undefined {
  return setting(HEAP_GROWING_VARIABLE, value, DEFAULT_HEAP_GROWING_PERCENT, MAX_HEAP_GROWING_PERCENT, "of percent");
}

/**
 * `--flag=value` for a process to start again with, or `undefined`: none when V8's own is asked for, or when
 * the process already sets it, on its command line or in NODE_OPTIONS (the operator's choice wins).
 */
export function v8Flag(
  name: "max-semi-space-size" | "heap-growing-percent",
  value: number | undefined,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  // V8 reads - and _ alike in its flags' names.
  const given = (arg: string) => arg.replaceAll("_", "-").split("=")[0] === `--${name}`;
  if (execArgv.some(given) || (nodeOptions ?? "").split(/\s+/).some(given)) return undefined;
  return `--${name}=${value}`;
}
