import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers whose values are the learner's secrets, not teaching material: shown as present, never echoed. */
const HIDDEN_HEADERS = new Set(["cookie", "authorization", "proxy-authorization"]);
/** Bodies are kept this long: enough to see packets batched in one body, cheap to keep per lab. */
const BODY_CHARS = 400;

/** A code run's ticket admits connections to the lab: logs and views show that one was there, not its value. */
export function hideTicket(url: string): string {
  return url.replace(/([?&]ticket=)[^&]*/, "$1(hidden)");
}

/** What a request's head is made of, as Node's IncomingMessage holds it. */
export type RequestHeadParts = Pick<IncomingMessage, "method" | "url" | "httpVersion" | "rawHeaders">;

/** The request line and headers in the order and spelling the client sent them. */
export function requestHead(req: RequestHeadParts): string[] {
  const lines = [`${req.method ?? "GET"} ${hideTicket(req.url ?? "/")} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? "";
    const value = HIDDEN_HEADERS.has(name.toLowerCase()) ? "(hidden by the lab)" : (req.rawHeaders[i + 1] ?? "");
    lines.push(`${name}: ${value}`);
  }
  return lines;
}

/**
 * Bytes of the request line and headers on the wire: each line ends in CRLF, and an empty line ends the head.
 * Counted from the raw headers, so a hidden cookie still counts at its real size.
 */
export function requestHeadBytes(req: IncomingMessage): number {
  let bytes = Buffer.byteLength(`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/${req.httpVersion}\r\n`) + 2;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    bytes += Buffer.byteLength(`${req.rawHeaders[i] ?? ""}: ${req.rawHeaders[i + 1] ?? ""}\r\n`);
  }
  return bytes;
}

/** The head of an HTTP response written as raw bytes (a WebSocket's 101, or a refusal): its lines, up to the blank one. */
export function responseHead(raw: string): string[] {
  const end = raw.indexOf("\r\n\r\n");
  return (end === -1 ? raw : raw.slice(0, end)).split("\r\n").filter((line) => line !== "");
}

/** One HTTP request and its response, measured at the connection. */
export interface HttpExchange {
  method: string;
  /** The response's status, or 0 when the connection was cut before the response ended. */
  status: number;
  bytesToServer: number;
  bytesToClient: number;
  /** A POST's request body, or else the response body, cut short. */
  body: string;
}

function text(chunk: unknown): string {
  if (typeof chunk === "string") return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  return "";
}

/**
 * Measures one exchange as a proxy would see it: the request head and body the server read, and every byte
 * the server wrote back on the connection (status line, headers and body). HTTP/1.1 answers one request at
 * a time on a connection, so the bytes written between the request's arrival and the response's end are its
 * response's. Calls `done` once, when the response ends or the connection is cut.
 */
export function measureExchange(req: IncomingMessage, res: ServerResponse, done: (exchange: HttpExchange) => void): void {
  const socket = req.socket;
  const writtenBefore = socket.bytesWritten;
  let bytesToServer = requestHeadBytes(req);
  let requestBody = "";
  let responseBody = "";
  // Listening for "data" would start the body flowing before the server reads it: watch its emits instead.
  const emit = req.emit.bind(req) as (event: string | symbol, ...args: unknown[]) => boolean;
  req.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === "data") {
      const chunk = args[0];
      bytesToServer += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.byteLength : 0;
      if (requestBody.length < BODY_CHARS) requestBody += text(chunk);
    }
    return emit(event, ...args);
  }) as typeof req.emit;
  const capture = (chunk: unknown) => {
    if (typeof chunk !== "function" && responseBody.length < BODY_CHARS) responseBody += text(chunk);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    capture(args[0]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    capture(args[0]);
    return end(...args);
  }) as typeof res.end;
  let reported = false;
  const report = () => {
    if (reported) return;
    reported = true;
    const method = req.method ?? "GET";
    const body = method === "POST" ? requestBody : responseBody;
    done({
      method,
      status: res.writableFinished ? res.statusCode : 0,
      bytesToServer,
      bytesToClient: Math.max(0, socket.bytesWritten - writtenBefore),
      body: body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS)}…` : body,
    });
  };
  res.once("finish", report);
  res.once("close", report);
}
