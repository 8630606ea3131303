import { describe, expect, it } from "vitest";
import { checkSandboxMessage } from "../../src/client/code/sandbox-guard.js";
import { LINE_MAX_CHARS, LINES_PER_FLUSH, PACKETS_PER_FLUSH, truncate } from "../../src/client/code/run-limits.js";

describe("truncate", () => {
  it("leaves a line of at most the limit alone, and cuts a longer one with a marker giving its size", () => {
    expect(truncate("a".repeat(LINE_MAX_CHARS))).toBe("a".repeat(LINE_MAX_CHARS));
    const cut = truncate("b".repeat(100_000_000));
    expect(cut).toBe(`${"b".repeat(LINE_MAX_CHARS)}… (truncated, 97657 KB)`);
  });

  it("lets a line the worker already cut through the page's check unchanged", () => {
    const once = truncate("c".repeat(50_000));
    expect(truncate(once, LINE_MAX_CHARS, 32)).toBe(once);
  });
});

describe("checkSandboxMessage", () => {
  it("accepts the worker's messages, and cuts their text to the limits", () => {
    const checked = checkSandboxMessage({ type: "console", lines: [{ level: "warn", text: "d".repeat(20_000) }], dropped: 3 });
    expect(checked?.message).toEqual({ type: "console", lines: [{ level: "warn", text: truncate("d".repeat(20_000)) }], dropped: 3 });
    expect(checked?.bytes).toBeGreaterThanOrEqual(20_000);
    expect(checkSandboxMessage({ type: "error", message: "Error: boom", line: 4 })?.message).toEqual({
      type: "error",
      message: "Error: boom",
      line: 4,
    });
    expect(checkSandboxMessage({ type: "pong", n: 7 })?.message).toEqual({ type: "pong", n: 7 });
    const wire = checkSandboxMessage({
      type: "wire",
      packets: [{ at: 1, direction: "to-server", packetType: "message", data: '2["hi"]' }],
    });
    expect(wire?.message).toEqual({ type: "wire", packets: [{ at: 1, direction: "to-server", packetType: "message", data: '2["hi"]' }] });
  });

  it.each([
    ["not an object", "console"],
    ["an array", [1, 2]],
    ["an unknown type", { type: "eval", code: "1" }],
    ["console lines that are strings (the old shape)", { type: "console", level: "log", lines: ["x"] }],
    ["a console level the page does not know", { type: "console", lines: [{ level: "fatal", text: "x" }] }],
    ["a console line that is not text", { type: "console", lines: [{ level: "log", text: 42 }] }],
    ["a negative dropped count", { type: "console", lines: [], dropped: -1 }],
    ["an error line that is not a positive integer", { type: "error", message: "x", line: 1.5 }],
    ["an error message that is not text", { type: "error", message: { toString: "x" } }],
    ["a wire packet of an unknown type", { type: "wire", packets: [{ at: 1, direction: "to-server", packetType: "<img>" }] }],
    [
      "a wire packet with binary data (it travels as its size)",
      { type: "wire", packets: [{ at: 1, direction: "to-client", packetType: "message", data: new ArrayBuffer(8) }] },
    ],
    ["a wire packet going nowhere", { type: "wire", packets: [{ at: 1, direction: "sideways", packetType: "message" }] }],
    ["a pong without its number", { type: "pong" }],
  ])("refuses %s", (_what, value) => {
    expect(checkSandboxMessage(value)).toBeUndefined();
  });

  it("reads only the first entries of a huge list, and counts the rest as dropped", () => {
    const lines = new Array<unknown>(1_000_000);
    for (let i = 0; i < LINES_PER_FLUSH; i++) lines[i] = { level: "log", text: `line ${i}` };
    const checked = checkSandboxMessage({ type: "console", lines });
    expect(checked?.message).toMatchObject({ type: "console", dropped: 1_000_000 - LINES_PER_FLUSH });
    expect(checked?.message.type === "console" && checked.message.lines.length).toBe(LINES_PER_FLUSH);
    const packets = Array.from({ length: PACKETS_PER_FLUSH + 5 }, (_, at) => ({ at, direction: "to-client", packetType: "ping" }));
    expect(checkSandboxMessage({ type: "wire", packets })?.message).toMatchObject({ dropped: 5 });
  });
});
