import { encodePacket } from "engine.io-parser";
import { Encoder, PacketType } from "socket.io-parser";
import { describe, expect, it } from "vitest";
import { decodeEnginePacket, decodeFrame, decodeSocketPacket, summarize } from "../../src/shared/frame-decoder.js";

/** Real encodings, made by the parsers Socket.IO itself uses. */
function socketIo(packet: Parameters<Encoder["encode"]>[0]): (string | Buffer)[] {
  return new Encoder().encode(packet) as (string | Buffer)[];
}
function engineIo(type: "message" | "ping" | "pong" | "upgrade" | "close" | "noop", data?: string): Promise<string> {
  return new Promise((resolve) => encodePacket({ type, data }, false, (encoded) => resolve(String(encoded))));
}

describe("decoding real frames", () => {
  it('reads an event: 42["hello","world"]', async () => {
    const [text] = socketIo({ type: PacketType.EVENT, nsp: "/", data: ["hello", "world"] });
    const raw = await engineIo("message", text as string);
    expect(raw).toBe('42["hello","world"]');
    const frame = decodeFrame(raw);
    expect(frame.engine).toBe("message");
    expect(frame.packet).toEqual({ type: "EVENT", nsp: "/", event: "hello", args: ["world"] });
    expect(summarize(frame)).toBe('EVENT hello("world")');
  });

  it("reads an event that asks for an ack, and the ack that answers it", () => {
    const [ask] = socketIo({ type: PacketType.EVENT, nsp: "/", data: ["req", "q"], id: 0 });
    const [answer] = socketIo({ type: PacketType.ACK, nsp: "/", data: [{ status: "ok" }], id: 0 });
    expect(ask).toBe('20["req","q"]');
    expect(answer).toBe('30[{"status":"ok"}]');
    expect(decodeSocketPacket(ask as string)).toEqual({ type: "EVENT", nsp: "/", id: 0, event: "req", args: ["q"] });
    expect(decodeSocketPacket(answer as string)).toEqual({ type: "ACK", nsp: "/", id: 0, args: [{ status: "ok" }] });
    expect(summarize(decodeFrame(`4${answer as string}`))).toBe('ACK #0 ({"status":"ok"})');
  });

  it("reads a binary event: the placeholder header, then a binary frame", () => {
    const [header, attachment] = socketIo({ type: PacketType.EVENT, nsp: "/", data: ["bin", Buffer.from([1, 2, 3])] });
    expect(header).toBe('51-["bin",{"_placeholder":true,"num":0}]');
    const frame = decodeEnginePacket("message", header as string);
    expect(frame.packet).toMatchObject({ type: "BINARY_EVENT", attachments: 1, event: "bin" });
    expect(summarize(frame)).toBe('BINARY_EVENT bin({"_placeholder":true,"num":0}) +1 binary');
    const binary = decodeEnginePacket("message", attachment as Buffer);
    expect(binary).toEqual({ engine: "binary", raw: "<binary frame, 3 bytes>", bytes: 3 });
  });

  it("reads a binary ack with its id", () => {
    const [header] = socketIo({ type: PacketType.ACK, nsp: "/", data: [Buffer.from([9])], id: 7 });
    expect(decodeSocketPacket(header as string)).toMatchObject({ type: "BINARY_ACK", id: 7, attachments: 1 });
  });

  it("reads the namespace of a packet outside the main namespace: 42/admin,[...]", () => {
    const [text] = socketIo({ type: PacketType.EVENT, nsp: "/admin", data: ["hi"], id: 3 });
    expect(text).toBe('2/admin,3["hi"]');
    expect(decodeSocketPacket(text as string)).toEqual({ type: "EVENT", nsp: "/admin", id: 3, event: "hi", args: [] });
    expect(summarize(decodeFrame(`4${text as string}`))).toBe("EVENT /admin hi() #3");
  });

  it("reads the server's connect with sid and pid, and a client's connect asking for recovery", () => {
    const [fromServer] = socketIo({ type: PacketType.CONNECT, nsp: "/", data: { sid: "abc", pid: "xyz" } });
    expect(decodeSocketPacket(fromServer as string)).toEqual({ type: "CONNECT", nsp: "/", sid: "abc", pid: "xyz" });
    expect(summarize(decodeFrame(`4${fromServer as string}`))).toBe("CONNECT sid=abc pid=xyz");
    const [fromClient] = socketIo({ type: PacketType.CONNECT, nsp: "/", data: { pid: "xyz", offset: "7-0" } });
    expect(decodeSocketPacket(fromClient as string)).toEqual({ type: "CONNECT", nsp: "/", auth: { pid: "xyz", offset: "7-0" } });
  });

  it("reads a connect error with its message", () => {
    const [text] = socketIo({ type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "Lab is full" } });
    expect(text).toBe('4{"message":"Lab is full"}');
    expect(decodeSocketPacket(text as string)).toEqual({ type: "CONNECT_ERROR", nsp: "/", message: "Lab is full" });
  });

  it("reads Engine.IO control frames, including the upgrade probe", async () => {
    expect(decodeFrame(await engineIo("ping"))).toEqual({ engine: "ping", raw: "2" });
    expect(decodeFrame(await engineIo("ping", "probe"))).toEqual({ engine: "ping", raw: "2probe", probe: true });
    expect(summarize(decodeFrame(await engineIo("pong", "probe")))).toBe("pong probe (3probe)");
    expect(decodeFrame(await engineIo("upgrade")).engine).toBe("upgrade");
    expect(decodeFrame(await engineIo("close")).engine).toBe("close");
  });

  it("shows a frame it cannot read instead of throwing", () => {
    expect(decodeSocketPacket("2[not json")).toMatchObject({ type: "EVENT", malformed: "[not json" });
    expect(decodeFrame("9garbage")).toEqual({ engine: "noop", raw: "9garbage" });
    expect(summarize(decodeFrame("42{oops"))).toBe("EVENT (unreadable data)");
  });
});
