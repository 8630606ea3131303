import { networkInterfaces } from "node:os";

/** Whether a request's `Host` header names this server (PLAYGROUND_ALLOWED_HOSTS, docs/deploy.md). */
export type HostCheck = (host: string | undefined) => boolean;

/** Loopback names, with any port. */
const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];
const ALL_INTERFACES = new Set([undefined, "", "0.0.0.0", "::", "[::]"]);

/** `name`, `name:port`, `[v6]` or `[v6]:port`, lowercased; undefined when it is not a host at all. */
function splitHost(value: string): { name: string; port: string | undefined } | undefined {
  const text = value.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match?.[1]) return undefined;
  return { name: match[1].replace(/\.$/, ""), port: match[2] };
}

/** Reads PLAYGROUND_ALLOWED_HOSTS: names separated by commas, each with or without a port, or `*` for any. */
export function parseAllowedHosts(raw: string): string[] {
  const entries = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    if (entry !== "*" && !splitHost(entry)) {
      throw new Error(`PLAYGROUND_ALLOWED_HOSTS: "${entry}" is not a host name, an address, or either with a port`);
    }
  }
  if (entries.length === 0) throw new Error("PLAYGROUND_ALLOWED_HOSTS is empty: give at least one host name, or * for any");
  return entries;
}

/** This machine's own addresses, as a Host header writes them (IPv6 in brackets; link-local scopes left out). */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((address) => {
      if (!address || address.address.includes("%")) return [];
      return [address.family === "IPv6" ? `[${address.address}]` : address.address];
    });
}

/**
 * The hosts a request may name. A page of a rebound DNS name (`evil.example` now pointing here) sends a
 * matching Origin, so only the Host tells it apart. Default: loopback names, the address the server is bound
 * to, and every address of this machine when it listens on all interfaces; any port, unless an entry gives one.
 */
export function hostCheck(configured: readonly string[] | undefined, bind: string | undefined): HostCheck {
  if (configured?.includes("*")) return () => true;
  const entries =
    configured ??
    [...LOOPBACK, ...(ALL_INTERFACES.has(bind) ? ownAddresses() : [bind?.includes(":") ? `[${bind}]` : (bind ?? "")])].filter(
      (entry) => entry !== "",
    );
  const anyPort = new Set<string>();
  const exact = new Set<string>();
  for (const entry of entries) {
    const host = splitHost(entry);
    if (!host) continue;
    if (host.port === undefined) anyPort.add(host.name);
    else exact.add(`${host.name}:${host.port}`);
  }
  return (value) => {
    const host = value === undefined ? undefined : splitHost(value);
    if (!host) return false;
    return anyPort.has(host.name) || (host.port !== undefined && exact.has(`${host.name}:${host.port}`));
  };
}
