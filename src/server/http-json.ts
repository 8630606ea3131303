import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiError } from "../shared/lab-api.js";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body: ApiError = { error: { code, message } };
  sendJson(res, status, body);
}

export class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a small JSON body; anything larger than `maxBytes` or not JSON is refused with a reason. */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining past the limit rather than destroying the request, so the error response still arrives.
      if (size <= maxBytes) chunks.push(chunk);
    });
    // A client that goes away mid-body (a closed tab, a slow sender cut off) is not the server failing.
    req.on("error", () => reject(new RequestBodyError(400, "body_aborted", "The request body was cut off before its end.")));
    req.on("end", () => {
      if (size > maxBytes) {
        return reject(new RequestBodyError(413, "body_too_large", `The request body is over ${maxBytes} bytes.`));
      }
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolve({});
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new RequestBodyError(400, "invalid_json", "The request body is not valid JSON."));
      }
    });
  });
}
