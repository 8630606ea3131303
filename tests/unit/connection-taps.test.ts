import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { tapsOf, type TappedPacket } from "../../src/server/lab/connection-taps.js";

describe("the lab rules' taps on a connection", () => {
  it("hear every packet in the order they were added, behind one listener per event", () => {
    const connection = new EventEmitter();
    const heard: string[] = [];
    tapsOf(connection).packet.push((packet) => heard.push(`log ${packet.type}`));
    tapsOf(connection).packet.push((packet) => heard.push(`flood ${packet.type}`));
    tapsOf(connection).packetCreate.push((packet) => heard.push(`sent ${packet.type}`));
    tapsOf(connection).flush.push((packets) => heard.push(`flush ${packets.length}`));
    const message: TappedPacket = { type: "message", data: '2["hi"]' };
    connection.emit("packet", message);
    connection.emit("packetCreate", { type: "ping" });
    connection.emit("flush", [message, message]);
    expect(heard).toEqual(["log message", "flood message", "sent ping", "flush 2"]);
    expect(["packet", "packetCreate", "flush"].map((event) => connection.listenerCount(event))).toEqual([1, 1, 1]);
  });
});
