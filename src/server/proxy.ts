import { request, type ClientRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import type { Duplex } from "node:stream";

/** Largest response body read to find a handshake's session id; handshakes are a few hundred bytes. */
const HANDSHAKE_BYTES = 4096;

/** Where a request goes: a Scaling lab's node on a loopback port, or another playground process. */
export interface Upstream {
  host: string;
  port: number;
}

const loopback = (target: number | Upstream): Upstream => (typeof target === "number" ? { host: "127.0.0.1", port: target } : target);

/**
 * `X-Forwarded-For` with this hop added, as a reverse proxy adds it: the process that holds a lab counts its
 * quotas by the learner's address, not by the address of the process that passed the request on.
 */
export function forwardedFor(req: IncomingMessage): string {
  const previous = req.headers["x-forwarded-for"];
  const hops = [...(Array.isArray(previous) ? previous : previous ? [previous] : []), req.socket.remoteAddress ?? "unknown"];
  return hops.join(", ");
}

/** An upstream that has not accepted the connection by then is taken as down (a machine switched off never refuses). */
const CONNECT_MS = 3000;

/** Fails a request whose new connection does not open in time; a kept-alive connection is already open. */
function connectTimeout(upstream: ClientRequest): void {
  upstream.once("socket", (socket) => {
    if (!socket.connecting) return;
    socket.setTimeout(CONNECT_MS, () => upstream.destroy(new Error("connect timeout")));
    socket.once("connect", () => socket.setTimeout(0));
  });
}

/**
 * Forwards one HTTP request to `target` (a loopback port, or a host and port), under `path`. Its headers go
 * as they came, Host and Origin included, so the upstream's same-origin check sees the learner's page.
 * `onBody` gets the start of the response body (for a balancer learning session ids); the response streams
 * on to the client regardless. `onFail` answers when the upstream cannot be reached (default: 502).
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: number | Upstream,
  path: string,
  {
    onBody,
    onFail = unavailable,
    addHop = false,
  }: { onBody?: (start: string) => void; onFail?: (res: ServerResponse) => void; addHop?: boolean } = {},
): void {
  const { host, port } = loopback(target);
  const headers = addHop ? { ...req.headers, "x-forwarded-for": forwardedFor(req) } : req.headers;
  const upstream = request({ host, port, method: req.method, path, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    if (onBody) {
      let seen = "";
      answer.on("data", (chunk: Buffer) => {
        if (seen.length < HANDSHAKE_BYTES) seen += chunk.toString("utf8");
      });
      answer.once("end", () => onBody(seen));
    }
    answer.pipe(res);
  });
  connectTimeout(upstream);
  // A learner who goes away (a long-poll aborted by a reload) ends the request: that is not the upstream failing.
  let abandoned = false;
  upstream.on("error", () => {
    if (abandoned) return;
    if (res.headersSent) return void res.destroy();
    onFail(res);
  });
  res.once("close", () => {
    if (!res.writableFinished) abandoned = true;
    upstream.destroy();
  });
  req.pipe(upstream);
}

/** Forwards a WebSocket upgrade to `target`: the request head is rewritten for `path`, then bytes flow both ways. */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: number | Upstream,
  path: string,
  onFail?: () => void,
  addHop = false,
): void {
  const { host, port } = loopback(target);
  let connected = false;
  const upstream = connect(port, host, () => {
    connected = true;
    upstream.setTimeout(0);
    const lines = [`${req.method ?? "GET"} ${path} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!addHop || req.rawHeaders[i]?.toLowerCase() !== "x-forwarded-for") lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    if (addHop) lines.push(`X-Forwarded-For: ${forwardedFor(req)}`);
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.setNoDelay(true);
  upstream.setTimeout(CONNECT_MS, () => upstream.destroy(new Error("connect timeout")));
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.once("error", () => {
    // Not even connected: the caller may still answer the client (e.g. a 404 for a lab whose process stopped).
    if (!connected && onFail) return onFail();
    close();
  });
  upstream.once("close", () => {
    if (connected || !onFail) close();
  });
  socket.once("error", close);
  socket.once("close", close);
}

function unavailable(res: ServerResponse): void {
  res.writeHead(502, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      error: { code: "upstream_unavailable", message: "The server behind this lab is not answering. Reload the page for a fresh lab." },
    }),
  );
}

/** Sends a JSON body already read from `req` on to `target`, with the request's own headers, and streams the answer back. */
export function forwardJson(
  req: IncomingMessage,
  res: ServerResponse,
  target: Upstream,
  path: string,
  body: unknown,
  onFail = unavailable,
): void {
  const text = JSON.stringify(body);
  const headers = { ...req.headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) };
  delete headers["transfer-encoding"];
  const upstream = request({ host: target.host, port: target.port, method: req.method, path, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  connectTimeout(upstream);
  upstream.on("error", () => {
    if (res.destroyed) return;
    if (res.headersSent) return void res.destroy();
    onFail(res);
  });
  res.once("close", () => upstream.destroy());
  upstream.end(text);
}
