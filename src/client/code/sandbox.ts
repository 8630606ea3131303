import { SandboxBudget } from "./sandbox-budget.js";
import { checkSandboxMessage } from "./sandbox-guard.js";
import { FRAME_BUDGET_MS, HEARTBEAT_MS, HEARTBEAT_TIMEOUT_MS, QUEUE_MAX } from "./run-limits.js";
import { SANDBOX_PAGE_PATH, type PageMessage, type RunRequest, type SandboxMessage } from "./sandbox-protocol.js";

/** What the page shows of a run: console lines, errors and wire packets, never the sandbox's own chatter. */
export type RunMessage = Extract<SandboxMessage, { type: "console" | "error" | "wire" }>;

export interface SandboxOptions {
  /** The only path the run may connect to: its lab (e.g. /labs/<id>/). */
  labPrefix: string;
  /** The worker's URL: a classic script, started with importScripts. */
  workerUrl: string;
  /** Told, a frame's worth at a time, what the run sent. */
  onMessage(message: RunMessage): void;
  /** Told once when the sandbox itself decides the run must end (a flood, no answer): the caller stops it. */
  onFailure(reason: string): void;
}

/**
 * The document inside the sandboxed iframe: a page of this site with a policy of its own
 * (src/server/host/sandbox-page.ts). Its script only starts the worker and relays messages.
 */
function sandboxUrl(options: SandboxOptions): string {
  const worker = new URL(options.workerUrl, location.href).pathname;
  return `${SANDBOX_PAGE_PATH}?${new URLSearchParams({ lab: options.labPrefix, worker })}`;
}

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

/**
 * One run of the learner's code: a sandboxed iframe (`allow-scripts` only: an opaque origin, so no access to
 * this site's storage or cookies, and no navigating the page) holding a worker that runs the code. Removing
 * the iframe ends the worker, however busy it is.
 *
 * Nothing the sandbox sends is trusted: each message is counted before it is read, checked and cut to the
 * limits (sandbox-guard.ts), held to a per-second budget (sandbox-budget.ts: over it, dropped and counted;
 * far over it, the run stops), queued, and shown a frame at a time within FRAME_BUDGET_MS, so handling it
 * can never starve the page: Stop and Run stay answered whatever the worker does. A heartbeat stops a run
 * whose worker no longer answers: stuck in a loop, or ended by the browser for using too much memory.
 */
export class Sandbox {
  private readonly frame: HTMLIFrameElement;
  private readonly listener: (event: MessageEvent) => void;
  private readonly budget = new SandboxBudget();
  private readonly queue: RunMessage[] = [];
  private drainScheduled = false;
  private stopped = false;
  private sent = false;
  /** Messages left out since the last note: over the budget, the queue full, or malformed. */
  private dropped = 0;
  private invalid = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private pings = 0;
  /** The ping not answered yet. */
  private waiting: { n: number; at: number } | undefined;
  private lastNote = Number.NEGATIVE_INFINITY;

  constructor(
    container: HTMLElement,
    private readonly request: RunRequest,
    private readonly options: SandboxOptions,
  ) {
    this.frame = document.createElement("iframe");
    this.frame.setAttribute("sandbox", "allow-scripts");
    this.frame.title = "Code run sandbox";
    this.frame.hidden = true;
    this.frame.src = sandboxUrl(options);
    this.listener = (event: MessageEvent) => {
      if (this.stopped || event.source !== this.frame.contentWindow) return;
      this.receive(event);
    };
    window.addEventListener("message", this.listener);
    container.append(this.frame);
  }

  private receive(event: MessageEvent): void {
    const counted = this.budget.count(Date.now());
    if (counted === "stop") return this.fail(this.floodReason(this.budget.sent));
    // Up to the hard budget every message is read, so that the heartbeat's answers get through a flood.
    const checked = checkSandboxMessage(event.data as unknown);
    if (!checked) return this.leaveOut("invalid");
    const weighed = this.budget.weigh(checked.bytes);
    if (weighed === "stop") return this.fail(this.floodReason(this.budget.sent));
    const { message } = checked;
    switch (message.type) {
      case "ready":
        // The worker says "ready" once; the learner's code could say it again, but the run is sent only once.
        if (!this.sent) this.start();
        return;
      case "pong":
        if (message.n === this.waiting?.n) this.waiting = undefined;
        return;
      case "flood":
        return this.fail(this.floodReason(message));
    }
    if (counted === "over" || weighed === "over" || this.queue.length >= QUEUE_MAX) {
      return this.leaveOut("dropped");
    }
    this.queue.push(message);
    this.scheduleDrain();
  }

  private leaveOut(kind: "dropped" | "invalid"): void {
    this[kind] += 1;
    this.scheduleDrain();
  }

  private post(message: PageMessage): void {
    this.frame.contentWindow?.postMessage(message, "*");
  }

  private start(): void {
    this.sent = true;
    this.post(this.request);
    // A ping waits for its answer; the next goes only once it came. Measured from the ping, not from the last
    // answer, so that a background tab's slowed timers do not read as a silent worker.
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      if (this.waiting) {
        if (now - this.waiting.at > HEARTBEAT_TIMEOUT_MS) {
          this.fail(
            `Stopped: the sandbox did not answer for ${HEARTBEAT_TIMEOUT_MS / 1000} s. Either your code kept it busy without a break ` +
              `(a loop that never ends, or one that fills memory), or it used more memory than the browser allows and the browser ended it.`,
          );
        }
        return;
      }
      this.waiting = { n: ++this.pings, at: now };
      this.post({ type: "ping", n: this.pings });
    }, HEARTBEAT_MS);
  }

  private floodReason(sent: { messages: number; bytes: number }): string {
    return (
      `Stopped: the sandbox sent ${sent.messages} messages (${kb(sent.bytes)}) in one second, more than any run may. ` +
      `console.log batches what it prints; code that posts messages itself gets here.`
    );
  }

  /** Shows what waits, a frame at a time: a frame's worth of work, then the page's input and layout get their turn. */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    // A hidden tab gets no animation frames: the timer still drains it, if slower.
    const timer = setTimeout(() => this.drain(), 250);
    const frame = requestAnimationFrame(() => this.drain());
    this.cancelDrain = () => {
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }

  private cancelDrain = () => {};

  private drain(): void {
    this.cancelDrain();
    this.drainScheduled = false;
    if (this.stopped) return;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    let shown = 0;
    while (this.queue.length > 0 && (shown === 0 || performance.now() < deadline)) {
      const message = this.queue.shift();
      if (message) this.options.onMessage(message);
      shown += 1;
      if (this.stopped) return;
    }
    this.note();
    if (this.queue.length > 0) this.scheduleDrain();
  }

  /** Says what was left out, at most once a second: a flood of drops gets one line, not one per frame. */
  private note(): void {
    if (this.dropped === 0 && this.invalid === 0) return;
    const wait = this.lastNote + 1000 - Date.now();
    if (wait > 0) {
      clearTimeout(this.noteTimer);
      this.noteTimer = setTimeout(() => this.scheduleDrain(), wait);
      return;
    }
    this.lastNote = Date.now();
    const parts = [
      this.dropped > 0 ? `${this.dropped} message${this.dropped === 1 ? "" : "s"} dropped: the run sent more than the page shows` : "",
      this.invalid > 0 ? `${this.invalid} malformed message${this.invalid === 1 ? "" : "s"} ignored` : "",
    ].filter(Boolean);
    this.dropped = 0;
    this.invalid = 0;
    this.options.onMessage({ type: "console", lines: [{ level: "warn", text: `… ${parts.join("; ")}.` }] });
  }

  private noteTimer: ReturnType<typeof setTimeout> | undefined;

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stop();
    this.options.onFailure(reason);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.noteTimer);
    this.cancelDrain();
    this.queue.length = 0;
    window.removeEventListener("message", this.listener);
    this.frame.remove();
  }
}
