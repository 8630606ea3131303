import { RUN_CLIENT, type Exercise, type Verdict } from "../../shared/exercise.js";
import type { LinkState } from "../../shared/network.js";
import type { ServerLogEntry } from "../../shared/server-log.js";

export interface ExerciseHooks {
  /** Changes the run client's link through the lab's API. */
  setLink(change: Partial<LinkState>): Promise<unknown>;
  /** Cuts the run client's connection (the lab's Drop). */
  drop(): Promise<unknown>;
  /** Told of every new verdict; `final` once it passed, or the time ran out, or the run stopped. */
  onVerdict(verdict: Verdict, final: boolean): void;
}

const HEALTHY: LinkState = { blackhole: false, offline: false, latencyMs: 0, jitterMs: 0, blockWebSocket: false };

/**
 * Judges one run of a lesson's exercise from the server log, as the entries arrive: it sets the exercise's
 * faults before the run and on schedule after the run client first connects, passes as soon as the judge
 * does, fails when `withinMs` runs out, and leaves the link healthy when it ends.
 */
export class ExerciseRun {
  private readonly entries: ServerLogEntry[] = [];
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private connected = false;
  private finished = false;
  private last: Verdict = { pass: false, evidence: ["Nothing observed yet."] };

  constructor(
    private readonly exercise: Exercise,
    private readonly hooks: ExerciseHooks,
  ) {}

  /** Applies the faults that must be in place before the code connects, then starts the clock. */
  async start(): Promise<void> {
    if (this.exercise.before) await this.hooks.setLink(this.exercise.before);
    this.timers.push(setTimeout(() => this.finish(), this.exercise.withinMs));
  }

  add(entry: ServerLogEntry): void {
    if (this.finished) return;
    this.entries.push(entry);
    if (!this.connected && entry.kind === "connect" && entry.client === RUN_CLIENT) {
      this.connected = true;
      for (const step of this.exercise.steps ?? []) {
        const act = async () => {
          if (step.drop) await this.hooks.drop();
          if (step.change) await this.hooks.setLink(step.change);
        };
        this.timers.push(setTimeout(() => void act().catch(() => undefined), step.atMs));
      }
    }
    this.last = this.exercise.judge(this.entries);
    if (this.last.pass) this.finish();
    else this.hooks.onVerdict(this.last, false);
  }

  /** Ends the judging (the run stopped, or time ran out): the last verdict stands. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    const needsReset = this.exercise.before !== undefined || (this.exercise.steps?.length ?? 0) > 0;
    if (needsReset) void this.hooks.setLink(HEALTHY).catch(() => undefined);
    this.hooks.onVerdict(this.last, true);
  }
}
