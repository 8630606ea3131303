import type { RunRequest, SandboxMessage } from "./sandbox-protocol.js";

export interface SandboxOptions {
  /** The worker script's URL (a classic script in a production build, an ES module under Vite's dev server). */
  workerUrl: string;
  moduleWorker: boolean;
  onMessage(message: SandboxMessage): void;
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
    `connect-src ${origin} ${socketOrigin}`,
  ].join("; ");
  const boot = options.moduleWorker ? `import ${JSON.stringify(worker)};` : `importScripts(${JSON.stringify(worker)});`;
  return `<!doctype html><meta http-equiv="Content-Security-Policy" content="${policy}">
<script nonce="${key}">
  const source = URL.createObjectURL(new Blob([${JSON.stringify(boot)}], { type: "text/javascript" }));
  const worker = new Worker(source, { type: ${JSON.stringify(options.moduleWorker ? "module" : "classic")} });
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

  constructor(container: HTMLElement, request: RunRequest, options: SandboxOptions) {
    this.frame = document.createElement("iframe");
    this.frame.setAttribute("sandbox", "allow-scripts");
    this.frame.title = "Code run sandbox";
    this.frame.hidden = true;
    this.frame.srcdoc = sandboxDocument(options);
    this.listener = (event: MessageEvent) => {
      if (this.stopped || event.source !== this.frame.contentWindow) return;
      const message = event.data as SandboxMessage;
      if (message?.type === "ready") this.frame.contentWindow?.postMessage(request, "*");
      options.onMessage(message);
    };
    window.addEventListener("message", this.listener);
    container.append(this.frame);
  }

  get running(): boolean {
    return !this.stopped;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    window.removeEventListener("message", this.listener);
    this.frame.remove();
  }
}
