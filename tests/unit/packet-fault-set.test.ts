import { describe, expect, it } from "vitest";
import { PacketFaultSet } from "../../src/server/lab/packet-fault-set.js";
import { readPacket } from "../../src/server/lab/packet-reader.js";
import { describePacketFault } from "../../src/shared/packet-fault-text.js";
import { PACKET_FAULT_LIMITS } from "../../src/shared/packet-faults.js";

describe("judging packets against a link's packet faults", () => {
  it("drops the next N matching packets only, then the fault is gone", () => {
    const faults = new PacketFaultSet("Alice");
    faults.add({ type: "drop", direction: "toClient", match: { kind: "ack" }, next: 2 });
    expect(faults.judge("toServer", readPacket('431["x"]')).deliver).toBe(true);
    expect(faults.judge("toClient", readPacket('42["x"]')).deliver).toBe(true);
    const first = faults.judge("toClient", readPacket('431["x"]'));
    expect(first.deliver).toBe(false);
    expect(first.notes[0]?.message).toBe("dropped ack 1 to Alice (drop next 2 acks, 1 left)");
    expect(faults.judge("toClient", readPacket('432["x"]')).deliver).toBe(false);
    expect(faults.size).toBe(0);
    expect(faults.judge("toClient", readPacket('433["x"]')).deliver).toBe(true);
  });

  it("duplicates, delays acks and closes after N, counting only real traffic", () => {
    const faults = new PacketFaultSet("Bob");
    faults.add({ type: "duplicate", direction: "toServer", match: { kind: "event", event: "a" }, next: 1 });
    faults.add({ type: "delayAcks", direction: "toServer", delayMs: 300 });
    faults.add({ type: "closeAfter", direction: "toServer", packets: 3 });
    expect(faults.judge("toServer", readPacket('42["b"]'))).toMatchObject({ copies: 1, close: false });
    expect(faults.judge("toServer", readPacket('42["a"]'))).toMatchObject({ copies: 2, close: false });
    // Probes are not the connection's packets: they do not count.
    expect(faults.judge("toServer", readPacket("3probe")).close).toBe(false);
    const ack = faults.judge("toServer", readPacket("430[]"));
    expect(ack).toMatchObject({ delayMs: 300, close: true });
    expect(ack.notes.map((note) => note.action)).toEqual(["delayed", "closed"]);
  });

  it("holds at most maxFaults, and ends one or all", () => {
    const faults = new PacketFaultSet("Alice");
    const added = Array.from({ length: PACKET_FAULT_LIMITS.maxFaults + 1 }, () =>
      faults.add({ type: "drop", direction: "toServer", match: { kind: "ping" }, every: 3 }),
    );
    expect(added.filter(Boolean)).toHaveLength(PACKET_FAULT_LIMITS.maxFaults);
    expect(added.at(-1)).toBeUndefined();
    expect(faults.end(added[0]?.id ?? "")).toBe(true);
    expect(faults.end("nope")).toBe(false);
    faults.clear();
    expect(faults.has("toServer")).toBe(false);
  });
});

describe("saying what a packet fault does", () => {
  it("names the kind, the count and the way, in the learner's words", () => {
    expect(describePacketFault({ type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1 }, "Alice")).toBe(
      "drop next 1 ack to Alice",
    );
    expect(describePacketFault({ type: "drop", direction: "toServer", match: { kind: "event", event: "chat" }, every: 2 }, "Bob")).toBe(
      'drop every 2nd event "chat" from Bob',
    );
    expect(describePacketFault({ type: "delayAcks", direction: "toClient", delayMs: 500 })).toBe("delay acks by 500 ms");
    expect(describePacketFault({ type: "closeAfter", direction: "toServer", packets: 1 }, "Al")).toBe("close after 1 packet from Al");
    expect(describePacketFault({ type: "drop", direction: "toServer", match: { kind: "pong" }, every: 11 })).toBe("drop every 11th pong");
  });
});
