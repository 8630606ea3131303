import { truncate } from "../../shared/wire.js";
import type { HttpExchange } from "./http-exchange.js";
import type { LabRequest } from "./lab-request.js";
import type { ServerLog } from "./server-log.js";

/**
 * `/labs/<id>/socket.io/?EIO=4&transport=polling&client=Alice&sid=…` reads as `/socket.io/?EIO=4&transport=polling&sid=…`,
 * with a run's ticket left out and a long query cut short.
 */
function shortPath(request: LabRequest): string {
  const path = `/${request.path}`;
  if (!request.query) return path;
  const params = new URLSearchParams(request.query);
  params.delete("client");
  params.delete("ticket");
  const shown = params.toString();
  return truncate(shown ? `${path}?${shown}` : path, 300);
}

/** One HTTP exchange of a client as a server log line, for the lessons about the wire (`logRequests`). */
export function logRequest(log: ServerLog, client: string, exchange: HttpExchange, request: LabRequest): void {
  const { method, status, bytesToServer, bytesToClient, body } = exchange;
  log.add({
    at: Date.now(),
    kind: "http",
    client,
    method,
    path: shortPath(request),
    status,
    bytesToServer,
    bytesToClient,
    ...(body ? { body } : {}),
  });
}
