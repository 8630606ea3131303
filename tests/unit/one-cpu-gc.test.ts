import { describe, expect, it } from "vitest";
import { gcModeFrom, restartsWithSingleThreadedGc, singleThreadedGcFlag } from "../../src/server/host/one-cpu-gc.js";
import { argumentsWithFlags } from "../../src/server/host/start-again.js";

describe("one-cpu-gc", () => {
  it("reads off when PLAYGROUND_SINGLE_THREADED_GC is unset or blank, and auto and on as they are", () => {
    expect(gcModeFrom(undefined)).toBe("off");
    expect(gcModeFrom(" ")).toBe("off");
    expect(gcModeFrom("auto")).toBe("auto");
    expect(gcModeFrom("on")).toBe("on");
    expect(gcModeFrom("off")).toBe("off");
    expect(() => gcModeFrom("yes")).toThrow(/must be off, auto or on/);
  });

  it("restarts on one CPU in auto, never twice, and on more CPUs only when asked", () => {
    expect(restartsWithSingleThreadedGc("auto", 1, [])).toBe(true);
    expect(restartsWithSingleThreadedGc("auto", 2, [])).toBe(false);
    expect(restartsWithSingleThreadedGc("auto", 1, ["--single-threaded-gc"])).toBe(false);
    expect(restartsWithSingleThreadedGc("on", 4, [])).toBe(true);
    expect(restartsWithSingleThreadedGc("off", 1, [])).toBe(false);
  });

  it("asks for --single-threaded-gc exactly when it restarts for it", () => {
    expect(singleThreadedGcFlag("auto", 1, [])).toBe("--single-threaded-gc");
    expect(singleThreadedGcFlag("auto", 2, [])).toBeUndefined();
    expect(singleThreadedGcFlag("on", 1, ["--single-threaded-gc"])).toBeUndefined();
  });

  it("starts again with the flags first, then node's own options, then the script and its arguments", () => {
    expect(
      argumentsWithFlags(
        ["--single-threaded-gc", "--max-semi-space-size=128"],
        "/bin/node",
        ["--cpu-prof"],
        ["/bin/node", "start.mjs", "x"],
      ),
    ).toEqual(["/bin/node", "--single-threaded-gc", "--max-semi-space-size=128", "--cpu-prof", "start.mjs", "x"]);
  });
});
