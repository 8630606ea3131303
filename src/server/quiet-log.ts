/** How long repeats of one line are counted before the count is written. */
const WINDOW_MS = 60_000;
/** Kinds of line tracked at once; a flood of distinct lines cannot grow the map without bound. */
const MAX_KINDS = 100;
const OTHER_KINDS = "\0other";

interface Counted {
  line: string;
  repeats: number;
  timer: NodeJS.Timeout;
}

/**
 * The host's error log, written so a visitor cannot flood it: the first line of each kind is written, repeats
 * within a minute are only counted, and the count is written when the minute is over.
 */
export class QuietLog {
  private readonly counted = new Map<string, Counted>();

  constructor(
    private readonly write: (line: string) => void = (line) => console.error(line),
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** `kind` groups repeats (e.g. "aborted body"); `line` is written as is, once per window. */
  report(kind: string, line: string): void {
    const known = this.counted.get(kind);
    if (known) {
      known.repeats += 1;
      return;
    }
    if (this.counted.size >= MAX_KINDS && kind !== OTHER_KINDS) {
      return this.report(OTHER_KINDS, "host log: more kinds of line than it tracks at once; the rest are counted together");
    }
    this.write(line);
    const timer = setTimeout(() => this.flush(kind), this.windowMs);
    // A pending count must not keep the process alive.
    timer.unref();
    this.counted.set(kind, { line, repeats: 0, timer });
  }

  private flush(kind: string): void {
    const known = this.counted.get(kind);
    if (!known) return;
    this.counted.delete(kind);
    if (known.repeats > 0) {
      this.write(`${known.line} (and ${known.repeats} more in the last ${Math.round(this.windowMs / 1000)} s)`);
    }
  }
}
