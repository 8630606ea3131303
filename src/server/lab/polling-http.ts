import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** What the link does with a whole POST body: the body the server gets instead, and how long it is held first. */
export type BodyFilter = (body: string) => { body: string; delayMs: number };

function joined(chunks: (string | Buffer)[]): string {
  return chunks.every((chunk) => typeof chunk === "string")
    ? chunks.join("")
    : Buffer.concat(chunks.map((c) => Buffer.from(c))).toString("utf8");
}

/**
 * Lets the link rewrite a long-polling POST's body before the server reads it: the body's "data" events
 * are held until its end, then the filtered body goes on as one. `filter` is asked at the first of them
 * (undefined: the body passes as it came). Installed before the exchange is measured, so the measure still
 * counts the bytes the client sent. A body longer than `maxBytes` passes as it came.
 */
export function filterRequestBody(req: IncomingMessage, filter: () => BodyFilter | undefined, maxBytes: number): void {
  const emit = req.emit.bind(req) as (event: string | symbol, ...args: unknown[]) => boolean;
  let mode: "undecided" | "pass" | BodyFilter = "undecided";
  let held: (string | Buffer)[] = [];
  let heldBytes = 0;
  let strings = false;
  req.emit = ((event: string | symbol, ...args: unknown[]) => {
    if ((event !== "data" && event !== "end") || mode === "pass") return emit(event, ...args);
    if (mode === "undecided") mode = filter() ?? "pass";
    if (mode === "pass") return emit(event, ...args);
    if (event === "data") {
      const chunk = args[0] as string | Buffer;
      strings = typeof chunk === "string";
      held.push(chunk);
      heldBytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      if (heldBytes > maxBytes) {
        // Longer than the server takes (it answers 413): nothing to inspect, it goes on as it came.
        mode = "pass";
        for (const part of held.splice(0)) emit("data", part);
      }
      return true;
    }
    if (held.length === 0) return emit("end");
    const { body, delayMs } = mode(joined(held));
    held = [];
    const go = () => {
      if (req.destroyed) return;
      emit("data", strings ? body : Buffer.from(body));
      emit("end");
    };
    if (delayMs > 0) setTimeout(go, delayMs).unref();
    else go();
    return true;
  }) as typeof req.emit;
}

/** The body's length, set in headers however they spell it; false when the headers cannot be set. */
function setLength(headers: unknown, length: number): boolean {
  if (!headers || typeof headers !== "object" || Array.isArray(headers)) return false;
  const fields = headers as OutgoingHttpHeaders;
  for (const name of Object.keys(fields)) if (name.toLowerCase() === "content-length") delete fields[name];
  fields["Content-Length"] = length;
  return true;
}

/**
 * Lets the link rewrite a poll's response body (a 200 the server answers a GET with), before it crosses
 * the link: writes are held until the end, then the filtered body goes on with its length set. Installed
 * over the link's own write and end, so the filtered body is what crosses and is measured. Returns a way
 * for the link to answer the poll itself, past the filter.
 */
export function filterResponseBody(res: ServerResponse, inspects: () => boolean, filter: (body: string) => string): (body: string) => void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let head: unknown[] | undefined;
  let ended = false;
  /** The link answered the poll itself: what the server writes to it later has nowhere to go. */
  let answered = false;
  const chunks: (string | Buffer)[] = [];
  res.writeHead = ((...args: unknown[]) => {
    if (answered) return res;
    const headers = typeof args[1] === "string" ? args[2] : args[1];
    if (head || args[0] !== 200 || !headers || typeof headers !== "object" || Array.isArray(headers) || !inspects()) {
      return writeHead(...args);
    }
    head = args;
    return res;
  }) as typeof res.writeHead;
  res.write = ((...args: unknown[]) => {
    if (answered) return true;
    if (!head) return write(...args);
    if (typeof args[0] === "string" || Buffer.isBuffer(args[0])) chunks.push(args[0]);
    return true;
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (answered) return res;
    ended = true;
    if (!head) return end(...args);
    if (typeof args[0] === "string" || Buffer.isBuffer(args[0])) chunks.push(args[0]);
    const body = filter(joined(chunks));
    const args0 = head;
    head = undefined;
    setLength(typeof args0[1] === "string" ? args0[2] : args0[1], Buffer.byteLength(body));
    writeHead(...args0);
    return end(body);
  }) as typeof res.end;
  return (body: string) => {
    if (ended || head || res.headersSent) return;
    ended = true;
    answered = true;
    writeHead(200, { "Content-Type": "text/plain; charset=UTF-8", "Content-Length": Buffer.byteLength(body) });
    end(body);
  };
}
