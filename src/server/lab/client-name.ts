import type { Namespace, Socket } from "socket.io";
import { CLIENT_NAME } from "../../shared/network.js";

/** The name the page gave a client (the `client` query parameter, else `auth.name`), or its socket id. */
export function clientName(socket: Socket): string {
  const fromQuery = socket.handshake.query.client;
  if (typeof fromQuery === "string" && CLIENT_NAME.test(fromQuery)) return fromQuery;
  const fromAuth: unknown = socket.handshake.auth.name;
  return typeof fromAuth === "string" && CLIENT_NAME.test(fromAuth) ? fromAuth : socket.id;
}

/** Every socket of the client with that name: one page may hold several (e.g. a reconnect in progress). */
export function socketsOf(namespace: Namespace, name: string): Socket[] {
  return [...namespace.sockets.values()].filter((socket) => clientName(socket) === name);
}
