import { afterEach, describe, expect, it, vi } from "vitest";
import { QuietLog } from "../../src/server/quiet-log.js";

afterEach(() => vi.useRealTimers());

describe("QuietLog", () => {
  it("writes the first line of a kind, counts its repeats, and writes the count when the window ends", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const log = new QuietLog((line) => lines.push(line), 60_000);
    for (let i = 0; i < 500; i++) log.report("aborted", "a body was cut off");
    log.report("other", "something else");
    expect(lines).toEqual(["a body was cut off", "something else"]);
    vi.advanceTimersByTime(60_000);
    expect(lines).toEqual(["a body was cut off", "something else", "a body was cut off (and 499 more in the last 60 s)"]);
    log.report("aborted", "a body was cut off");
    expect(lines).toHaveLength(4);
  });

  it("counts lines of too many kinds together instead of tracking each", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const log = new QuietLog((line) => lines.push(line), 1000);
    for (let i = 0; i < 1000; i++) log.report(`kind ${i}`, `line ${i}`);
    expect(lines).toHaveLength(101);
    expect(lines.at(-1)).toMatch(/counted together/);
    vi.advanceTimersByTime(1000);
    expect(lines.at(-1)).toMatch(/and 899 more/);
  });
});
