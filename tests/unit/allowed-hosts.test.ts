import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { hostCheck } from "../../src/server/host/allowed-hosts.js";

describe("hostCheck", () => {
  it("allows loopback names on any port by default, and nothing else", () => {
    const allows = hostCheck(undefined, "127.0.0.1");
    for (const host of ["localhost", "localhost:4321", "127.0.0.1:9", "[::1]:4321", "LOCALHOST:1", "localhost."]) {
      expect(allows(host), host).toBe(true);
    }
    for (const host of [undefined, "", "evil.example", "evil.example:4321", "localhost.evil.example", "127.0.0.1@evil", "[::1"]) {
      expect(allows(host), String(host)).toBe(false);
    }
  });

  it("adds the bound address, or every address of this machine when it listens on all interfaces", () => {
    expect(hostCheck(undefined, "10.1.2.3")("10.1.2.3:4321")).toBe(true);
    const own = Object.values(networkInterfaces())
      .flat()
      .find((address) => address?.family === "IPv4");
    if (own) expect(hostCheck(undefined, undefined)(`${own.address}:4321`)).toBe(true);
    expect(hostCheck(undefined, "0.0.0.0")("evil.example")).toBe(false);
  });

  it("takes the configured list instead, a port pinning an entry, and * for any host", () => {
    const allows = hostCheck(["playground.example.org", "10.0.0.5:4321"], undefined);
    expect(allows("playground.example.org")).toBe(true);
    expect(allows("playground.example.org:443")).toBe(true);
    expect(allows("10.0.0.5:4321")).toBe(true);
    expect(allows("10.0.0.5:4322")).toBe(false);
    expect(allows("localhost:4321")).toBe(false);
    expect(hostCheck(["*"], undefined)("anything.example")).toBe(true);
  });
});
