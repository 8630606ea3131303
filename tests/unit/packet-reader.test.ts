import { describe, expect, it } from "vitest";
import { Encoder, PacketType } from "socket.io-parser";
import { PACKET_FAULT_LIMITS } from "../../src/shared/packet-faults.js";
import { readPacket } from "../../src/server/lab/packet-reader.js";

/** An Engine.IO message packet as socket.io-parser writes it: `4` then the Socket.IO packet. */
function encoded(packet: Parameters<Encoder["encode"]>[0]): string {
  return `4${String(new Encoder().encode(packet)[0])}`;
}

describe("reading what a packet is, by the parsers' rules", () => {
  it("reads events with their name and ack id, in any namespace", () => {
    expect(readPacket(encoded({ type: PacketType.EVENT, nsp: "/", data: ["chat", "hi"] }))).toEqual({
      kind: "event",
      event: "chat",
      attachments: 0,
      housekeeping: false,
    });
    expect(readPacket(encoded({ type: PacketType.EVENT, nsp: "/", data: ["req"], id: 12 }))).toMatchObject({
      kind: "event",
      event: "req",
      id: 12,
    });
    expect(readPacket(encoded({ type: PacketType.EVENT, nsp: "/admin", data: ["chat"], id: 7 }))).toMatchObject({ event: "chat", id: 7 });
    expect(readPacket('42["caf\\u00e9"]')).toMatchObject({ event: "café" });
  });

  it("reads acks, and binary events and acks with their attachment count", () => {
    expect(readPacket(encoded({ type: PacketType.ACK, nsp: "/", data: ["ok"], id: 3 }))).toMatchObject({ kind: "ack", id: 3 });
    const binary = encoded({ type: PacketType.EVENT, nsp: "/", data: ["bin", Buffer.from([1]), Buffer.from([2])] });
    expect(binary.startsWith("452-")).toBe(true);
    expect(readPacket(binary)).toMatchObject({ kind: "event", event: "bin", attachments: 2 });
    expect(readPacket('461-/admin,4[{"_placeholder":true,"num":0}]')).toMatchObject({ kind: "ack", id: 4, attachments: 1 });
  });

  it("tells heartbeats from upgrade probes, and marks transport housekeeping", () => {
    expect(readPacket("2").kind).toBe("ping");
    expect(readPacket("3").kind).toBe("pong");
    for (const packet of ["2probe", "3probe", "5", "6", '0{"sid":"x"}'])
      expect(readPacket(packet)).toMatchObject({ kind: "other", housekeeping: true });
    for (const packet of ["40", "41", '44{"message":"no"}', "1", ""])
      expect(readPacket(packet)).toMatchObject({ kind: "other", housekeeping: false });
  });

  it("never throws on hostile packets, and reads no name it cannot match", () => {
    const hostile = [
      "4",
      "42",
      "42[",
      '42["unterminated',
      "42[1]",
      "45-[]",
      "459999999-[]",
      "42/no-comma",
      '42["\\ud800"]',
      '42["\\',
      "4\u0000",
    ];
    for (const packet of hostile) expect(() => readPacket(packet)).not.toThrow();
    expect(readPacket("42[1]")).toEqual({ kind: "event", attachments: 0, housekeeping: false });
    const long = `42["${"x".repeat(PACKET_FAULT_LIMITS.maxEventName + 1)}"]`;
    expect(readPacket(long).event).toBeUndefined();
  });

  it("reads a megabyte packet in the time of a short one", () => {
    const huge = `42["chat","${"x".repeat(1_000_000)}"]`;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) readPacket(huge);
    // 1,000 reads: were the whole packet read, this would take seconds.
    expect(performance.now() - started).toBeLessThan(500);
    expect(readPacket(huge).event).toBe("chat");
  });
});
