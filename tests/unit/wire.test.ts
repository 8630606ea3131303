import { describe, expect, it } from "vitest";
import { describeValue, messageFrame, truncate } from "../../src/shared/wire.js";

describe("messageFrame", () => {
  it("prefixes a Socket.IO packet with the Engine.IO message type 4", () => {
    expect(messageFrame('2["editing","hi"]')).toBe('42["editing","hi"]');
  });

  it("shows a binary attachment as its size, not its bytes", () => {
    expect(messageFrame(new Uint8Array(3))).toBe("<binary frame, 3 bytes>");
    expect(messageFrame(Buffer.alloc(5))).toBe("<binary frame, 5 bytes>");
  });
});

describe("describeValue", () => {
  it("shows JSON values as JSON", () => {
    expect(describeValue({ mood: "curious" })).toBe('{"mood":"curious"}');
    expect(describeValue("hi")).toBe('"hi"');
  });

  it("shows binary as its type and its bytes in hex, whether ArrayBuffer, Uint8Array or Buffer", () => {
    expect(describeValue(Uint8Array.from([1, 2, 255]).buffer)).toBe("<ArrayBuffer 3 bytes: 01 02 ff>");
    expect(describeValue(Uint8Array.from([1]))).toBe("<Uint8Array 1 bytes: 01>");
    expect(describeValue(Buffer.from([16]))).toBe("<Buffer 1 bytes: 10>");
  });

  it("shows only the first 16 bytes of a long binary value", () => {
    expect(describeValue(new Uint8Array(20))).toBe(`<Uint8Array 20 bytes: ${"00 ".repeat(16)}…>`);
  });

  it("shows binary nested in an object as binary", () => {
    expect(describeValue({ file: Buffer.from([1, 2]) })).toBe('{"file":"<binary 2 bytes>"}');
  });
});

describe("truncate", () => {
  it("keeps short text and cuts long text, saying how long it was", () => {
    expect(truncate("abc", 5)).toBe("abc");
    expect(truncate("abcdefgh", 5)).toBe("abcde… (8 characters)");
  });
});
