import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { addTap, hasTap, type ConnectionTap, type TappedPacket } from "../../src/server/lab/connection-taps.js";

class Heard implements ConnectionTap {
  constructor(
    private readonly name: string,
    private readonly heard: string[],
  ) {}

  packet(packet: TappedPacket): void {
    this.heard.push(`${this.name} ${packet.type}`);
  }
}

describe("the lab rules' taps on a connection", () => {
  it("hear every event in the order they were added, behind one listener per event", () => {
    const connection = new EventEmitter();
    const heard: string[] = [];
    addTap(connection, new Heard("log", heard));
    addTap(connection, new Heard("flood", heard));
    addTap(connection, {
      packetCreate: (packet) => heard.push(`sent ${packet.type}`),
      flush: (packets) => heard.push(`flush ${packets.length}`),
      upgrade: (transport) => heard.push(`upgrade ${(transport as { name: string }).name}`),
    });
    const message: TappedPacket = { type: "message", data: '2["hi"]' };
    connection.emit("packet", message);
    connection.emit("packetCreate", { type: "ping" });
    connection.emit("flush", [message, message]);
    connection.emit("upgrade", { name: "websocket" });
    expect(heard).toEqual(["log message", "flood message", "sent ping", "flush 2", "upgrade websocket"]);
    expect(["packet", "packetCreate", "flush", "upgrade"].map((event) => connection.listenerCount(event))).toEqual([1, 1, 1, 1]);
  });

  it("say whether a tap of a kind is already on a connection, so that a rule applied twice acts once", () => {
    const connection = new EventEmitter();
    expect(hasTap(connection, Heard)).toBe(false);
    addTap(connection, { flush: () => undefined });
    expect(hasTap(connection, Heard)).toBe(false);
    addTap(connection, new Heard("log", []));
    expect(hasTap(connection, Heard)).toBe(true);
  });
});
