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
