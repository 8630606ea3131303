import { describe, expect, it } from "vitest";
import { FrameSplitter, type WsPiece } from "../../src/server/lab/ws-frames.js";

/** A WebSocket frame as RFC 6455 lays it out, masked as a client sends it or not as a server does. */
function frame(payload: Buffer | string, { opcode = 1, mask }: { opcode?: number; mask?: Buffer } = {}): Buffer {
  const data = Buffer.from(payload);
  const length = data.length;
  const head = length < 126 ? [0x80 | opcode, length] : length < 65536 ? [0x80 | opcode, 126, length >> 8, length & 0xff] : [];
  if (head.length === 0) throw new Error("test frames stay under 64 KB");
  if (mask) head[1] = (head[1] ?? 0) | 0x80;
  const body = mask ? data.map((byte, i) => byte ^ (mask[i % 4] ?? 0)) : data;
  return Buffer.concat([Buffer.from(head), ...(mask ? [mask] : []), body]);
}

function split(chunks: (Buffer | string)[], inspect: boolean, max = 1 << 20): WsPiece[] {
  const splitter = new FrameSplitter(max);
  const pieces: WsPiece[] = [];
  for (const chunk of chunks) splitter.feed(chunk, inspect, (piece) => pieces.push(piece));
  return pieces;
}

const texts = (pieces: WsPiece[]) => pieces.flatMap((piece) => ("frame" in piece ? [piece.frame.text()] : []));
const rawBytes = (pieces: WsPiece[]) => Buffer.concat(pieces.map((piece) => ("raw" in piece ? Buffer.from(piece.raw) : piece.frame.bytes)));

describe("finding WebSocket frames in a byte stream", () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  const frames = [frame('42["chat","hi"]', { mask }), frame("3", { mask }), frame("x".repeat(300), { mask })];
  const stream = Buffer.concat(frames);

  it("reads each whole frame, unmasked, however TCP cut the stream", () => {
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      const pieces = split(chunks, true);
      expect(texts(pieces)).toEqual(['42["chat","hi"]', "3", "x".repeat(300)]);
      expect(rawBytes(pieces)).toEqual(stream);
    }
  });

  it("passes bytes as they came when not inspecting, and loses none", () => {
    const pieces = split([stream.subarray(0, 5), stream.subarray(5)], false);
    expect(texts(pieces)).toEqual([]);
    expect(rawBytes(pieces)).toEqual(stream);
  });

  it("passes a frame longer than the most it may hold uninspected", () => {
    const pieces = split([stream], true, 100);
    expect(texts(pieces)).toEqual(['42["chat","hi"]', "3"]);
    expect(rawBytes(pieces)).toEqual(stream);
  });

  it("keeps a text payload ws writes as a string whole, after its header", () => {
    const server = frame('430["ok"]');
    const pieces = split([server.subarray(0, 2), '430["ok"]'], true);
    expect(texts(pieces)).toEqual(['430["ok"]']);
    const passed = split([server.subarray(0, 2), '430["ok"]'], false);
    expect(passed.map((piece) => ("raw" in piece ? typeof piece.raw : "frame"))).toEqual(["object", "string"]);
  });

  it("hands on an empty frame (a close, a ping) at once, not with the next chunk", () => {
    expect(split([frame("", { opcode: 8 })], true).map((piece) => "frame" in piece && piece.frame.opcode)).toEqual([8]);
  });

  it("lets a chunk of whole frames pass whole, and hands the rest of the stream to feed where a header is cut", () => {
    const splitter = new FrameSplitter(1 << 20);
    // Two whole frames and the first byte of the third: the third's header is cut, so that chunk cannot pass whole.
    expect(splitter.passWhole(stream.subarray(0, (frames[0]?.length ?? 0) + (frames[1]?.length ?? 0)))).toBe(true);
    const third = frames[2] ?? Buffer.alloc(0);
    expect(splitter.passWhole(third.subarray(0, 1))).toBe(false);
    // Nothing changed by the refusal: feed, inspecting, still finds the third frame whole.
    const pieces: WsPiece[] = [];
    splitter.feed(third.subarray(0, 1), true, (piece) => pieces.push(piece));
    splitter.feed(third.subarray(1), true, (piece) => pieces.push(piece));
    expect(texts(pieces)).toEqual(["x".repeat(300)]);
  });

  it("tracks a frame's payload across chunks that pass whole, so the next frame's start is known", () => {
    const splitter = new FrameSplitter(1 << 20);
    const third = frames[2] ?? Buffer.alloc(0);
    // The header and half the payload, then the rest of the payload: both pass whole.
    expect(splitter.passWhole(third.subarray(0, 100))).toBe(true);
    expect(splitter.canInsert).toBe(false);
    expect(splitter.passWhole(third.subarray(100))).toBe(true);
    expect(splitter.canInsert).toBe(true);
    // A text payload ws writes as a string passes whole within the frame its header began.
    const server = frame('430["ok"]');
    expect(splitter.passWhole(server.subarray(0, 2))).toBe(true);
    expect(splitter.passWhole('430["ok"]')).toBe(true);
    expect(splitter.canInsert).toBe(true);
    // Then inspecting starts at the next whole frame.
    const pieces = split([], true);
    splitter.feed(frames[0] ?? Buffer.alloc(0), true, (piece) => pieces.push(piece));
    expect(texts(pieces)).toEqual(['42["chat","hi"]']);
  });
});
