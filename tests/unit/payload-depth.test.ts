import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../../src/server/lab/payload-depth.js";

describe("nestsDeeperThan", () => {
  it("counts arrays and objects together", () => {
    expect(nestsDeeperThan('[{"a":[1]}]', 3)).toBe(false);
    expect(nestsDeeperThan('[{"a":[[1]]}]', 3)).toBe(true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(nestsDeeperThan('["[[[[", "\\"[[[[", {"k": "{{{{"}]', 2)).toBe(false);
  });

  it("sees a socket.io frame's whole payload, event name and ack id first", () => {
    expect(nestsDeeperThan(`2["deep",${"[".repeat(40)}${"]".repeat(40)}]`, 32)).toBe(true);
    expect(nestsDeeperThan(`21["ok",${"[".repeat(30)}${"]".repeat(30)}]`, 32)).toBe(false);
  });
});
