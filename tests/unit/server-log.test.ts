import { describe, expect, it } from "vitest";
import { ServerLog } from "../../src/server/lab/server-log.js";

const line = (n: number) => ({ at: n, kind: "log" as const, message: `line ${n}` });

describe("a lab's server log", () => {
  it("keeps the newest entries, oldest first, and numbers every entry it was given", () => {
    const log = new ServerLog(3);
    for (let n = 1; n <= 7; n++) log.add(line(n));
    expect(log.since().map(({ seq, entry }) => [seq, entry.at])).toEqual([
      [5, 5],
      [6, 6],
      [7, 7],
    ]);
    expect(log.since(5).map(({ seq }) => seq)).toEqual([6, 7]);
    expect(log.since(7)).toEqual([]);
  });

  it("tells each subscriber of every entry until it unsubscribes", () => {
    const log = new ServerLog(2);
    const heard: number[] = [];
    const stop = log.subscribe(({ seq }) => heard.push(seq));
    log.add(line(1));
    log.add(line(2));
    stop();
    log.add(line(3));
    expect(heard).toEqual([1, 2]);
  });
});

describe("frames in the server log", () => {
  it("show as the Engine.IO message, cut to 400 characters, and binary ones as their size", () => {
    const log = new ServerLog();
    const heard: string[] = [];
    log.addFrame("received", "Alice", "s1", '2["hi"]');
    log.subscribe(({ entry }) => heard.push(entry.kind === "sent" ? entry.frame : ""));
    log.addFrame("sent", "Alice", "s1", "x".repeat(1000));
    log.addFrame("sent", "Alice", "s1", new Uint8Array([1, 2, 3]));
    const entries = log.since().map(({ entry }) => entry);
    expect(entries[0]).toEqual({ at: expect.any(Number), kind: "received", client: "Alice", socketId: "s1", frame: '42["hi"]' });
    expect(entries.map((entry) => (entry.kind === "received" || entry.kind === "sent" ? entry.frame : ""))).toEqual([
      '42["hi"]',
      `4${"x".repeat(399)}… (1001 characters)`,
      "<binary frame, 3 bytes>",
    ]);
    // A subscriber hears the same entries as a reader of the log.
    expect(heard).toEqual(entries.slice(1).map((entry) => (entry.kind === "sent" ? entry.frame : "")));
  });
});
