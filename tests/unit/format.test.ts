import { describe, expect, it } from "vitest";
import { formatBytes, groupDigits } from "../../src/client/ui/format.js";

describe("groupDigits", () => {
  it("puts commas between thousands, as en-US does", () => {
    for (const value of [0, 7, 999, 1000, 12_345, 1_048_576, 1_000_000_000, -1234])
      expect(groupDigits(value)).toBe(value.toLocaleString("en"));
  });

  it("rounds a fraction to a whole number", () => {
    expect(groupDigits(1234.6)).toBe("1,235");
  });
});

describe("formatBytes", () => {
  it("is exact below 10 kB and in kB with one decimal from there", () => {
    expect(formatBytes(9_999)).toBe("9,999 B");
    expect(formatBytes(10_000)).toBe("10.0 kB");
  });
});
