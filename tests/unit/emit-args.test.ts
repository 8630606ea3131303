import { describe, expect, it } from "vitest";
import { parseArguments, payloadBytes } from "../../src/client/emit-args.js";

describe("parseArguments", () => {
  it("reads comma-separated JSON values as the emit's arguments, in order", () => {
    expect(parseArguments('"hi", {"x": 1}, 42, null, [1, 2]')).toEqual({ ok: true, args: ["hi", { x: 1 }, 42, null, [1, 2]] });
  });

  it("reads an empty box as no arguments", () => {
    expect(parseArguments("  ")).toEqual({ ok: true, args: [] });
  });

  it('turns {"$bytes": [...]} into a Uint8Array, also inside objects', () => {
    const parsed = parseArguments('{"$bytes": [1, 2, 255]}, {"photo": {"$bytes": [7]}}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.args[0]).toBeInstanceOf(Uint8Array);
    expect([...(parsed.args[0] as Uint8Array)]).toEqual([1, 2, 255]);
    expect((parsed.args[1] as { photo: unknown }).photo).toBeInstanceOf(Uint8Array);
  });

  it("refuses malformed JSON with a message that shows how to write it", () => {
    const parsed = parseArguments('"hi", {mood: 1}');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(/^Not valid JSON arguments/);
  });

  it("refuses bytes outside 0-255", () => {
    expect(parseArguments('{"$bytes": [256]}').ok).toBe(false);
  });

  it("leaves an object with $bytes and other keys as a plain object", () => {
    expect(parseArguments('{"$bytes": [1], "name": "x"}')).toEqual({ ok: true, args: [{ $bytes: [1], name: "x" }] });
  });
});

describe("payloadBytes", () => {
  it("counts the JSON text of the event and its arguments in UTF-8 bytes", () => {
    expect(payloadBytes("greet", ["hi"])).toBe('["greet","hi"]'.length);
    expect(payloadBytes("e", ["é"])).toBe('["e","é"]'.length + 1);
  });

  it("counts binary attachments by their length, not as JSON numbers", () => {
    const bytes = new Uint8Array(1000);
    expect(payloadBytes("file", [bytes])).toBe('["file",{"_placeholder":true,"num":0}]'.length + 1000);
  });
});
