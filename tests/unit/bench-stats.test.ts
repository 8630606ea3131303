import { describe, expect, it } from "vitest";
import { median, percentile, ratio, spread } from "../../bench/load/stats.mjs";

describe("the load benchmark's statistics", () => {
  it("takes the median of the per-round ratios, ignoring rounds without one", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 5, 1])).toBe(3);
    expect(median([])).toBeNull();
  });

  it("quotes the spread as the smallest and largest value", () => {
    expect(spread([1.234, 0.5, 2])).toEqual([0.5, 2]);
    expect(spread([null])).toBeNull();
  });

  it("reads a percentile by nearest rank and gives no ratio for a missing side", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 99)).toBe(100);
    expect(percentile(sorted, 50)).toBe(51);
    expect(percentile([], 99)).toBeNull();
    expect(ratio(6, 3)).toBe(2);
    expect(ratio(6, 0)).toBeNull();
  });
});
