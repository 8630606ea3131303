import { describe, expect, it } from "vitest";
import { OpenConnections } from "../../src/server/host/open-connections.js";

describe("OpenConnections", () => {
  const limits = { maxConnectionsPerAddress: 3, maxHeldConnectionsPerAddress: 2 };

  it("refuses an address at its open cap, and only that address, until one closes", () => {
    const connections = new OpenConnections(limits);
    const opened = [1, 2, 3].map(() => connections.open("10.0.0.1"));
    expect(connections.refusal("10.0.0.1")).toMatchObject({ message: expect.stringContaining("limit of 3") });
    expect(connections.refusal("10.0.0.2")).toBeUndefined();
    opened[0]?.close();
    opened[0]?.close();
    expect(connections.countsOf("10.0.0.1")).toEqual({ open: 2, held: 0 });
    expect(connections.refusal("10.0.0.1")).toBeUndefined();
  });

  it("refuses an address holding its held cap; a release or a close counts once, and an idle address is forgotten", () => {
    const connections = new OpenConnections(limits);
    const first = connections.open("10.0.0.1");
    const second = connections.open("10.0.0.1");
    first.tally.held();
    first.tally.held();
    second.tally.held();
    expect(connections.refusal("10.0.0.1")).toMatchObject({ message: expect.stringContaining("held back") });
    first.tally.released();
    first.tally.released();
    expect(connections.countsOf("10.0.0.1")).toEqual({ open: 2, held: 1 });
    second.close();
    // Held again after closing: a late word from the link does not count.
    second.tally.held();
    first.close();
    expect(connections.countsOf("10.0.0.1")).toEqual({ open: 0, held: 0 });
    expect(connections.refusal("10.0.0.1")).toBeUndefined();
  });

  it("a closed connection's late release does not forget its address's newer connections", () => {
    const connections = new OpenConnections(limits);
    const old = connections.open("10.0.0.1");
    old.close();
    const [, ...newer] = [0, 1, 2].map(() => connections.open("10.0.0.1"));
    newer[0]?.tally.held();
    // The link of the closed connection says it let go of it only now, as a slow link can.
    old.tally.released();
    expect(connections.countsOf("10.0.0.1")).toEqual({ open: 3, held: 1 });
    expect(connections.refusal("10.0.0.1")).toMatchObject({ message: expect.stringContaining("limit of 3") });
  });
});
