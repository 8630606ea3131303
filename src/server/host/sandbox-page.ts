import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "../http-json.js";

export { SANDBOX_PAGE_PATH } from "../../client/code/sandbox-protocol.js";

/** The run's lab, as the page gives it: `/labs/<id>/`. */
const LAB_PREFIX = /^\/labs\/[A-Za-z0-9_-]{1,128}\/$/;
/** The sandbox's worker: the build's chunk, or the one `astro dev` serves (DEV_SANDBOX_WORKER_PATH). */
const WORKER_PATH = /^\/(?:_astro\/[A-Za-z0-9_.-]{1,128}\.js|_dev\/sandbox-worker\.js)$/;
/** A Host header that can stand in a policy: nothing that could end a source or a directive. */
const HOST = /^[A-Za-z0-9.-]{1,253}(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?$/;

/**
 * The document a code run's frame loads. It is a page of its own, not the frame's `srcdoc`, because a srcdoc
 * document inherits the lesson page's policy, which allows no inline script and no eval. Its own policy lets
 * the frame's one script (by nonce) start a worker, the worker load exactly the sandbox's script and eval
 * the learner's code, and the code connect to its lab only: not to the control API, another lab or another
 * site. The frame is sandboxed (`allow-scripts`), so the document runs in an opaque origin.
 */
export function serveSandboxPage(req: IncomingMessage, res: ServerResponse): void {
  const query = new URL(req.url ?? "/", "http://sandbox.invalid").searchParams;
  const lab = query.get("lab") ?? "";
  const worker = query.get("worker") ?? "";
  const host = req.headers.host ?? "";
  if (!LAB_PREFIX.test(lab) || !WORKER_PATH.test(worker) || !HOST.test(host)) {
    return sendError(res, 400, "invalid_sandbox", "A code run's sandbox needs its lab (/labs/<id>/) and its worker script.");
  }
  const nonce = randomBytes(16).toString("base64");
  const on = (schemes: string[], path: string) => schemes.map((scheme) => `${scheme}://${host}${path}`).join(" ");
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'unsafe-eval' blob: ${on(["http", "https"], worker)}`,
    "worker-src blob:",
    `connect-src ${on(["http", "https", "ws", "wss"], lab)}`,
    // Only this site's lesson pages frame it.
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  // The frame's URL is this site's, whatever its (opaque) origin: messages go to the lesson page only.
  const script = `
const page = new URL(location.href).origin;
const boot = "importScripts(" + JSON.stringify(new URL(${JSON.stringify(worker)}, location.href).href) + ");";
const worker = new Worker(URL.createObjectURL(new Blob([boot], { type: "text/javascript" })));
worker.onmessage = (event) => parent.postMessage(event.data, page);
worker.onerror = (event) => {
  event.preventDefault();
  parent.postMessage({ type: "error", message: "The sandbox could not start your code: " + (event.message || "worker error") }, page);
};
addEventListener("message", (event) => { if (event.source === parent) worker.postMessage(event.data); });`;
  const body = `<!doctype html><title>Code run sandbox</title><script nonce="${nonce}">${script}</script>`;
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "content-security-policy": policy,
    "x-frame-options": "SAMEORIGIN",
  });
  res.end(body);
}
