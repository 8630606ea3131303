import type { IncomingMessage } from "node:http";

/** What a browser says of a request's initiator (Fetch Metadata); absent from Node scripts and old browsers. */
function fetchSite(req: IncomingMessage): string | undefined {
  const site = req.headers["sec-fetch-site"];
  return Array.isArray(site) ? site[0] : site;
}

/**
 * Browsers always send Origin on WebSocket and cross-site CORS requests; a page of another site must not reach
 * a learner's lab with the learner's browser. Without Origin, a request is a browser's when it carries Fetch
 * Metadata: a `no-cors` GET from another site (an image, a script, a link) sends no Origin but says
 * `Sec-Fetch-Site: cross-site`, and is refused. Clients that send neither (Node scripts, tests) are not browsers.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = fetchSite(req);
    // `none` is the learner typing the URL; `same-origin` is this site's own page.
    return site === undefined || site === "same-origin" || site === "none";
  }
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
