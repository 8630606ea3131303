import type { RunRequest, SandboxMessage } from "./sandbox-protocol.js";

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

function nonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The document inside the sandboxed iframe. Its policy lets scripts come only from this site, lets the run
 * talk only to this site (its lab), and lets it use eval, which running the learner's code needs. The
 * iframe's own script only starts the worker and relays messages.
 */
function sandboxDocument(options: SandboxOptions): string {
  const origin = location.origin;
  const socketOrigin = origin.replace(/^http/, "ws");
  const key = nonce();
  const worker = new URL(options.workerUrl, location.href).href;
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${key}' ${origin} blob: 'unsafe-eval'`,
    "worker-src blob:",
    // Only the lab: the code cannot reach the control API or the rest of the site.
    `connect-src ${origin}${options.labPrefix} ${socketOrigin}${options.labPrefix}`,
  ].join("; ");
  const boot = `importScripts(${JSON.stringify(worker)});`;
  return `<!doctype html><meta http-equiv="Content-Security-Policy" content="${policy}">
<script nonce="${key}">
  const source = URL.createObjectURL(new Blob([${JSON.stringify(boot)}], { type: "text/javascript" }));
  const worker = new Worker(source);
  worker.onmessage = (event) => parent.postMessage(event.data, ${JSON.stringify(origin)});
  worker.onerror = (event) => {
    event.preventDefault();
    parent.postMessage({ type: "error", message: "The sandbox could not start your code: " + (event.message || "worker error") }, ${JSON.stringify(origin)});
  };
  addEventListener("message", (event) => { if (event.source === parent) worker.postMessage(event.data); });
</script>`;
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
    this.frame.srcdoc = sandboxDocument(options);
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
