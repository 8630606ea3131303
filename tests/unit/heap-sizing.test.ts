import { describe, expect, it } from "vitest";
import { heapGrowingFrom, semiSpaceFrom, v8Flag } from "../../src/server/host/heap-sizing.js";

describe("heap-sizing", () => {
  it("reads 128 MB semi-spaces when PLAYGROUND_SEMI_SPACE_MB is unset or blank, 0 as V8's own size, and whole MB as given", () => {
    expect(semiSpaceFrom(undefined)).toBe(128);
    expect(semiSpaceFrom(" ")).toBe(128);
    expect(semiSpaceFrom("0")).toBeUndefined();
    expect(semiSpaceFrom("64")).toBe(64);
    expect(semiSpaceFrom("1024")).toBe(1024);
  });

  it("reads 100 % growth when PLAYGROUND_HEAP_GROWING_PERCENT is unset or blank, 0 as V8's own factor, and whole percent as given", () => {
    expect(heapGrowingFrom(undefined)).toBe(100);
    expect(heapGrowingFrom("")).toBe(100);
    expect(heapGrowingFrom("0")).toBeUndefined();
    expect(heapGrowingFrom("50")).toBe(50);
    expect(heapGrowingFrom("400")).toBe(400);
  });

  it("refuses a value that is not a whole number in range, saying what it takes", () => {
    for (const value of ["-1", "1.5", "big", "1025", "64MB"]) {
      expect(() => semiSpaceFrom(value)).toThrow(
        `PLAYGROUND_SEMI_SPACE_MB must be a whole number of MB from 0 (V8's own choice) to 1024, not "${value}".`,
      );
    }
    expect(() => heapGrowingFrom("401")).toThrow(
      `PLAYGROUND_HEAP_GROWING_PERCENT must be a whole number of percent from 0 (V8's own choice) to 400, not "401".`,
    );
  });

  it("asks for a flag unless V8's own is wanted or the process was given that flag itself", () => {
    expect(v8Flag("max-semi-space-size", 128, [], undefined)).toBe("--max-semi-space-size=128");
    expect(v8Flag("heap-growing-percent", 100, ["--cpu-prof"], "--max-old-space-size=900")).toBe("--heap-growing-percent=100");
    expect(v8Flag("max-semi-space-size", undefined, [], undefined)).toBeUndefined();
    expect(v8Flag("max-semi-space-size", 128, ["--max-semi-space-size=32"], undefined)).toBeUndefined();
    expect(v8Flag("max-semi-space-size", 128, ["--max_semi_space_size=32"], undefined)).toBeUndefined();
    expect(v8Flag("max-semi-space-size", 128, [], "--max-old-space-size=900 --max-semi-space-size=16")).toBeUndefined();
    expect(v8Flag("heap-growing-percent", 100, ["--heap-growing-percent=20"], undefined)).toBeUndefined();
    // Another flag whose name starts the same is not the same flag.
    expect(v8Flag("max-semi-space-size", 128, ["--max-semi-space-size-x=1"], undefined)).toBe("--max-semi-space-size=128");
  });
});
