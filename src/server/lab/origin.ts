import type { IncomingMessage } from "node:http";

/**
 * Browsers always send Origin on WebSocket and cross-site requests; a page of another site must not reach a
 * learner's lab with the learner's browser. Clients that send no Origin (Node scripts, tests) are not browsers.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** A sandboxed page (the code playground's iframe) has an opaque origin: browsers send `Origin: null`. */
export function isOpaqueOrigin(req: IncomingMessage): boolean {
  return req.headers.origin === "null";
}
