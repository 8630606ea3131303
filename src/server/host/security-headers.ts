import type { ServerResponse } from "node:http";

/**
 * Sent with every answer, pages, API and labs alike. The pages' script and style policy is in each page's
 * own meta tag (Astro's `security.csp`, with the hashes of its scripts); what a meta tag cannot say,
 * `frame-ancestors`, travels here: no other site may frame a lesson and click through it for the learner.
 * Policies add up, so this one narrows the meta tag's and never widens it.
 */
export const FRAME_POLICY = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

/**
 * The embed pages (`/embed/<lesson>`, docs/embed.md) are the one exception: a lab alone, made to sit in an
 * iframe on a blog or in docs, so any site may frame them. They hold no learner's state worth clicking
 * through (a fresh lab, the learner's own progress is on the lesson pages), and nothing else may be framed.
 */
export const EMBED_FRAME_POLICY = "frame-ancestors *; base-uri 'none'; object-src 'none'; form-action 'self'";

/** Whether a request path is an embed page, which other sites may frame. */
export function isEmbedPath(path: string): boolean {
  return /^\/embed\/[a-z0-9-]+\/?$/.test(path);
}

export function setSecurityHeaders(res: ServerResponse, path = ""): void {
  if (isEmbedPath(path)) {
    res.setHeader("content-security-policy", EMBED_FRAME_POLICY);
  } else {
    res.setHeader("content-security-policy", FRAME_POLICY);
    // Browsers too old for frame-ancestors.
    res.setHeader("x-frame-options", "DENY");
  }
  res.setHeader("x-content-type-options", "nosniff");
  // Links out (to the Socket.IO docs) tell the other site nothing of where the learner was.
  res.setHeader("referrer-policy", "same-origin");
}
