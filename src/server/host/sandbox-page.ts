import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "../http-json.js";
import { BYTES_PER_SECOND_HARD, MESSAGES_PER_SECOND_HARD } from "../../client/code/run-limits.js";

export { SANDBOX_PAGE_PATH } from "../../client/code/sandbox-protocol.js";

/** The run's lab, as the page gives it: `/labs/<id>/`. */
const LAB_PREFIX = /^\/labs\/[A-Za-z0-9_-]{1,128}\/$/;
/** The sandbox's worker: the build's chunk, or the one `astro dev` serves (DEV_SANDBOX_WORKER_PATH). */
const WORKER_PATH = /^\/(?:_astro\/[A-Za-z0-9_.-]{1,128}\.js|_dev\/sandbox-worker\.js)$/;
/** The frame weighs at most this many entries of a list a message carries, and counts the rest as 8 bytes each. */
const RELAY_ITEMS_MAX = 256;
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
  // It is the first to see what the worker sends, in a process of its own where Chromium isolates sandboxed
  // frames: a worker that sends more than any run may (code that went around its batching) is ended here,
  // before the flood reaches the page. The page checks and budgets every message again (sandbox.ts).
  const script = `
const page = new URL(location.href).origin;
const boot = "importScripts(" + JSON.stringify(new URL(${JSON.stringify(worker)}, location.href).href) + ");";
const worker = new Worker(URL.createObjectURL(new Blob([boot], { type: "text/javascript" })));
let windowStart = 0, messages = 0, bytes = 0, ended = false;
const size = (value, depth) => {
  if (typeof value === "string") return value.length;
  if (typeof value !== "object" || value === null || depth > 3) return 8;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
  let total = 8;
  const entries = Array.isArray(value) ? value.slice(0, ${RELAY_ITEMS_MAX}) : Object.values(value).slice(0, 16);
  for (const entry of entries) total += size(entry, depth + 1);
  return total + (Array.isArray(value) ? Math.max(0, value.length - ${RELAY_ITEMS_MAX}) * 8 : 0);
};
worker.onmessage = (event) => {
  if (ended) return;
  const now = Date.now();
  if (now - windowStart >= 1000) { windowStart = now; messages = 0; bytes = 0; }
  messages += 1;
  if (messages <= ${MESSAGES_PER_SECOND_HARD}) bytes += size(event.data, 0);
  if (messages > ${MESSAGES_PER_SECOND_HARD} || bytes > ${BYTES_PER_SECOND_HARD}) {
    ended = true;
    worker.terminate();
    parent.postMessage({ type: "flood", messages, bytes }, page);
    return;
  }
  parent.postMessage(event.data, page);
};
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
