import { SANDBOX_PAGE_PATH, type RunRequest, type SandboxMessage } from "./sandbox-protocol.js";

export interface SandboxOptions {
  /** The only path the run may connect to: its lab (e.g. /labs/<id>/). */
  labPrefix: string;
  /** The worker's URL: a classic script, started with importScripts. */
  workerUrl: string;
  onMessage(message: SandboxMessage): void;
}

/** Messages come from code the learner wrote: only well-formed ones are used, and only as display data. */
function isSandboxMessage(value: unknown): value is SandboxMessage {
  if (!value || typeof value !== "object") return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "ready":
      return true;
    case "console":
      return typeof message.level === "string" && Array.isArray(message.lines) && message.lines.every((line) => typeof line === "string");
    case "error":
      return typeof message.message === "string" && (message.line === undefined || typeof message.line === "number");
    case "wire":
      return (
        typeof message.at === "number" &&
        (message.direction === "to-server" || message.direction === "to-client") &&
        typeof message.packetType === "string"
      );
    default:
      return false;
  }
}

/**
 * The document inside the sandboxed iframe: a page of this site with a policy of its own
 * (src/server/host/sandbox-page.ts). Its script only starts the worker and relays messages.
 */
function sandboxUrl(options: SandboxOptions): string {
  const worker = new URL(options.workerUrl, location.href).pathname;
  return `${SANDBOX_PAGE_PATH}?${new URLSearchParams({ lab: options.labPrefix, worker })}`;
}

/**
 * One run of the learner's code: a sandboxed iframe (`allow-scripts` only: an opaque origin, so no access to
 * this site's storage or cookies, and no navigating the page) holding a worker that runs the code. Removing
 * the iframe ends the worker, however busy it is.
 */
export class Sandbox {
  private readonly frame: HTMLIFrameElement;
  private readonly listener: (event: MessageEvent) => void;
  private stopped = false;
  private sent = false;

  constructor(container: HTMLElement, request: RunRequest, options: SandboxOptions) {
    this.frame = document.createElement("iframe");
    this.frame.setAttribute("sandbox", "allow-scripts");
    this.frame.title = "Code run sandbox";
    this.frame.hidden = true;
    this.frame.src = sandboxUrl(options);
    this.listener = (event: MessageEvent) => {
      if (this.stopped || event.source !== this.frame.contentWindow) return;
      const message = event.data as unknown;
      if (!isSandboxMessage(message)) return;
      // The worker says "ready" once; the learner's code could say it again, but the run is sent only once.
      if (message.type === "ready") {
        if (!this.sent) this.frame.contentWindow?.postMessage(request, "*");
        this.sent = true;
        return;
      }
      options.onMessage(message);
    };
    window.addEventListener("message", this.listener);
    container.append(this.frame);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    window.removeEventListener("message", this.listener);
    this.frame.remove();
  }
}
