import type { Namespace } from "socket.io";
import type { Session } from "socket.io-adapter";

/**
 * A cap on clients enforced in a middleware (`io.use`) does not hold on its own: a recovered connection
 * skips the middlewares (`skipMiddlewares` defaults to true), so a client that dropped while others filled
 * its place would come back over the cap. Recovery starts with the adapter's `restoreSession`: while the
 * namespace is full, it restores nothing, so the connection goes the ordinary way, through the middleware
 * that refuses it with the cap's own error, before any CONNECT reply and before a lesson handler sees it.
 * (On "connection" it would be too late: the CONNECT reply and the missed packets have gone out by then.)
 */
export function refuseRecoveryWhenFull(namespace: Namespace, maxClients: number): void {
  const adapter = namespace.adapter;
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = (pid: string, offset: string): Promise<Session> => {
    if (namespace.sockets.size < maxClients) return restore(pid, offset);
    // The base adapter answers null for "no session" too, whatever its declared type says.
    return Promise.resolve(null as unknown as Session);
  };
}
