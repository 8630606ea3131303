import { BYTES_PER_SECOND, BYTES_PER_SECOND_HARD, MESSAGES_PER_SECOND, MESSAGES_PER_SECOND_HARD } from "./run-limits.js";

/** What to do with a message: show it, drop it (and say so), or stop the run. */
export type BudgetVerdict = "ok" | "over" | "stop";

export interface BudgetLimits {
  messages: number;
  messagesHard: number;
  bytes: number;
  bytesHard: number;
}

const DEFAULT_LIMITS: BudgetLimits = {
  messages: MESSAGES_PER_SECOND,
  messagesHard: MESSAGES_PER_SECOND_HARD,
  bytes: BYTES_PER_SECOND,
  bytesHard: BYTES_PER_SECOND_HARD,
};

/**
 * How much the sandbox sent in the current second. A message is counted before it is read (reading it costs
 * the page its deserialisation), then weighed once read. Fixed one-second windows: simple, and a burst at
 * a window's edge gets at most twice the budget through, which the page can take.
 */
export class SandboxBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private messages = 0;
  private bytes = 0;

  constructor(private readonly limits: BudgetLimits = DEFAULT_LIMITS) {}

  /** Counts one message arriving at `now` (ms). */
  count(now: number): BudgetVerdict {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.messages = 0;
      this.bytes = 0;
    }
    this.messages += 1;
    if (this.messages > this.limits.messagesHard) return "stop";
    return this.messages > this.limits.messages ? "over" : "ok";
  }

  /** Adds the bytes of the message just counted. */
  weigh(bytes: number): BudgetVerdict {
    this.bytes += bytes;
    if (this.bytes > this.limits.bytesHard) return "stop";
    return this.bytes > this.limits.bytes ? "over" : "ok";
  }

  /** What this second brought so far, for the reason a run was stopped. */
  get sent(): { messages: number; bytes: number } {
    return { messages: this.messages, bytes: this.bytes };
  }
}
