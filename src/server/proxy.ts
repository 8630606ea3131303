import { request, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import type { Duplex } from "node:stream";

/** Largest response body read to find a handshake's session id; handshakes are a few hundred bytes. */
const HANDSHAKE_BYTES = 4096;

/**
 * Forwards one HTTP request to a node on its loopback port, under `path`. `onBody` gets the start of the
 * response body (for a balancer learning session ids); the response streams on to the client regardless.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, port: number, path: string, onBody?: (start: string) => void): void {
  const upstream = request({ host: "127.0.0.1", port, method: req.method, path, headers: req.headers }, (answer) => {
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
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end("The lab's server node is not answering.");
  });
  res.once("close", () => upstream.destroy());
  req.pipe(upstream);
}

/** Forwards a WebSocket upgrade to a node: the request head is rewritten for `path`, then bytes flow both ways. */
export function forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, port: number, path: string): void {
  const upstream = connect(port, "127.0.0.1", () => {
    const lines = [`${req.method ?? "GET"} ${path} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.setNoDelay(true);
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.once("error", close);
  upstream.once("close", close);
  socket.once("error", close);
  socket.once("close", close);
}
