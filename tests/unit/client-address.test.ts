import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, normalAddress } from "../../src/server/host/client-address.js";

function from(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  } as unknown as IncomingMessage;
}

describe("the client address quotas count", () => {
  const proxies = new Set(["10.0.0.1", "10.0.0.2"]);

  it("is the connection's own address when it is no trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress(from("203.0.113.9", "198.51.100.1"), proxies)).toBe("203.0.113.9");
    expect(clientAddress(from("::ffff:203.0.113.9"), proxies)).toBe("203.0.113.9");
  });

  it("is the nearest hop that is not a trusted proxy: what the client wrote further left is not believed", () => {
    expect(clientAddress(from("10.0.0.1", "198.51.100.1"), proxies)).toBe("198.51.100.1");
    expect(clientAddress(from("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2"), proxies)).toBe("198.51.100.1");
    expect(clientAddress(from("::ffff:10.0.0.1", "198.51.100.1"), proxies)).toBe("198.51.100.1");
  });

  it("stays the proxy's when the proxy sent no X-Forwarded-For", () => {
    expect(clientAddress(from("10.0.0.1"), proxies)).toBe("10.0.0.1");
  });

  it("writes IPv4-mapped IPv6 addresses as IPv4, and IPv6 in lower case", () => {
    expect(normalAddress("::FFFF:127.0.0.1")).toBe("127.0.0.1");
    expect(normalAddress("2001:DB8::1")).toBe("2001:db8::1");
  });
});
