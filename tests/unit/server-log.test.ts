import { describe, expect, it, vi } from "vitest";
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

describe("the server log's store", () => {
  it("keeps exactly the newest entries across many pages, whatever their kinds and sizes", () => {
    const log = new ServerLog(50);
    for (let n = 1; n <= 2000; n++) {
      if (n % 3 === 0) log.add({ at: n, kind: "log", message: `line ${n} ${"é".repeat(n % 97)}` });
      else log.addFrame(n % 2 ? "received" : "sent", `Client ${n % 5}`, `sid-${n % 7}`, `2["m",${n},"${"x".repeat(n % 300)}"]`);
    }
    const kept = log.since();
    expect(kept.map(({ seq }) => seq)).toEqual(Array.from({ length: 50 }, (_, i) => 1951 + i));
    const last = kept.at(-1)?.entry;
    expect(last).toEqual({
      at: expect.any(Number),
      kind: "sent",
      client: "Client 0",
      socketId: "sid-5",
      frame: `42["m",2000,"${"x".repeat(200)}"]`,
    });
    expect(kept.find(({ seq }) => seq === 1998)?.entry).toEqual({ at: 1998, kind: "log", message: `line 1998 ${"é".repeat(1998 % 97)}` });
  });

  it("keeps an entry longer than a page whole", () => {
    const log = new ServerLog(3);
    const message = "y".repeat(20_000);
    log.add({ at: 1, kind: "log", message });
    log.addFrame("received", "Alice", "s1", "3");
    expect(log.since().map(({ entry }) => (entry.kind === "log" ? entry.message.length : entry.kind))).toEqual([20_000, "received"]);
  });
});

describe("the server log's pages", () => {
  it("are written again once the log is full: a log at its full length allocates no page", () => {
    const log = new ServerLog(200);
    const allocate = vi.spyOn(Buffer, "allocUnsafeSlow");
    try {
      const frame = (n: number) => log.addFrame("sent", "Alice", "sid-1", `2["m",${n},"${"x".repeat(60)}"]`);
      for (let n = 1; n <= 1000; n++) frame(n);
      const filling = allocate.mock.calls.length;
      for (let n = 1001; n <= 20_000; n++) frame(n);
      expect(filling).toBeGreaterThan(1);
      expect(allocate.mock.calls.length).toBe(filling);
      expect(log.since().map(({ seq }) => seq)).toEqual(Array.from({ length: 200 }, (_, i) => 19_801 + i));
      expect(log.since().at(-1)?.entry).toMatchObject({ kind: "sent", frame: `42["m",20000,"${"x".repeat(60)}"]` });
    } finally {
      allocate.mockRestore();
    }
  });
});
