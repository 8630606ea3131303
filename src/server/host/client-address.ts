import type { IncomingMessage } from "node:http";

/** `::ffff:127.0.0.1` and `127.0.0.1` are one visitor: IPv4 addresses as IPv4. */
export function normalAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped?.[1] ?? address).toLowerCase();
}

/**
 * The address a request's quotas are counted against: the connection's own, or, when the connection comes
 * from one of the trusted proxies, the nearest untrusted address in `X-Forwarded-For` (proxies append the
 * address they saw, so anything left of it is the client's to write and is not believed).
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  let address = normalAddress(req.socket.remoteAddress ?? "unknown");
  if (!trustedProxies.has(address)) return address;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((hop) => hop.trim());
  for (let index = hops.length - 1; index >= 0 && trustedProxies.has(address); index -= 1) {
    const hop = hops[index];
    if (hop) address = normalAddress(hop);
  }
  return address;
}
