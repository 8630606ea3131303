import { CLIENT_NAME } from "../../shared/network.js";

/**
 * A request or upgrade under `/labs/<id>/`, its URL parsed once by the dispatcher and handed down to the
 * lab, its client's link and its log: which lab, where inside it, and the query parameters the lab reads.
 */
export interface LabRequest {
  id: string;
  /** What follows `/labs/<id>/`, without the query: `socket.io/`, `http/tick`, `nodes/A/socket.io/`. */
  path: string;
  /** The query's parameters; undefined when the URL has no `?` at all. */
  query: URLSearchParams | undefined;
  /** The `client` parameter, when it is a client name: it names the client's network link, across reconnections. */
  client: string | undefined;
  /** The Engine.IO session the request belongs to. */
  sid: string | undefined;
  /** A code run's ticket (docs/lab-api.md), which admits a sandboxed page. */
  ticket: string | undefined;
}

const LAB_URL = /^\/labs\/([A-Za-z0-9_-]+)\/([^?]+)(?:\?(.*))?$/s;

/** The lab request `url` is, or undefined when it is not one (no lab id, or nothing after it). */
export function parseLabRequest(url: string | undefined): LabRequest | undefined {
  const match = LAB_URL.exec(url ?? "");
  if (!match) return undefined;
  const [, id = "", path = "", rawQuery] = match;
  const query = rawQuery === undefined ? undefined : new URLSearchParams(rawQuery);
  const client = query?.get("client") ?? null;
  return {
    id,
    path,
    query,
    client: client !== null && CLIENT_NAME.test(client) ? client : undefined,
    sid: query?.get("sid") ?? undefined,
    ticket: query?.get("ticket") ?? undefined,
  };
}

/** An Engine.IO handshake: a request to a Socket.IO path without a session, i.e. a new connection or a reconnect. */
export function isHandshake(request: LabRequest): boolean {
  return request.sid === undefined && /(?:^|\/)socket\.io\/$/.test(request.path);
}
