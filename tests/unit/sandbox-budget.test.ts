import { describe, expect, it } from "vitest";
import { SandboxBudget } from "../../src/client/code/sandbox-budget.js";

const limits = { messages: 3, messagesHard: 5, bytes: 100, bytesHard: 300 };

describe("SandboxBudget", () => {
  it("lets the budget's messages through each second, drops the next ones, and stops past the hard limit", () => {
    const budget = new SandboxBudget(limits);
    expect([1, 2, 3, 4, 5, 6].map((ms) => budget.count(1000 + ms))).toEqual(["ok", "ok", "ok", "over", "over", "stop"]);
    expect(budget.sent.messages).toBe(6);
  });

  it("starts each second afresh", () => {
    const budget = new SandboxBudget(limits);
    for (let i = 0; i < 4; i++) budget.count(0);
    expect(budget.count(999)).toBe("over");
    expect(budget.count(1000)).toBe("ok");
    expect(budget.sent).toEqual({ messages: 1, bytes: 0 });
  });

  it("weighs bytes the same way: over the budget dropped, past the hard limit stopped", () => {
    const budget = new SandboxBudget(limits);
    budget.count(0);
    expect(budget.weigh(60)).toBe("ok");
    budget.count(1);
    expect(budget.weigh(60)).toBe("over");
    budget.count(2);
    expect(budget.weigh(200)).toBe("stop");
  });
});
