import { describe, expect, it } from "vitest";
import { FloodBudgets, type FloodDebt, type SharedFloodBudgets } from "../../src/server/lab/flood-cap.js";
import { FLOOD_REPORT_MS, FloodLedger } from "../../src/server/scaling/flood-ledger.js";

const RATE = 50;

describe("FloodLedger (a Scaling lab's events budgets, summed over its nodes)", () => {
  it("puts no debt on a client within the rate on one node, though its reports come in late and in batches", () => {
    const ledger = new FloodLedger(RATE, 8);
    // A full burst at once, then the rate: what one node's own bucket lets through, reported a batch late.
    expect(ledger.record([{ key: "name Bob", address: "127.0.0.1", count: RATE }], FLOOD_REPORT_MS)).toEqual([]);
    for (let at = 2 * FLOOD_REPORT_MS; at <= 10_000; at += FLOOD_REPORT_MS) {
      const count = (RATE * FLOOD_REPORT_MS) / 1000;
      expect(ledger.record([{ key: "name Bob", address: "127.0.0.1", count }], at)).toEqual([]);
    }
  });

  it("tells the nodes of a client that spends the rate on each of two nodes that it is in debt", () => {
    const ledger = new FloodLedger(RATE, 8);
    const debts: FloodDebt[] = [];
    for (let at = FLOOD_REPORT_MS; at <= 3000 && debts.length === 0; at += FLOOD_REPORT_MS) {
      const count = (RATE * FLOOD_REPORT_MS) / 1000;
      debts.push(...ledger.record([{ key: "name Mallory", address: "127.0.0.1", count }], at));
      debts.push(...ledger.record([{ key: "name Mallory", address: "127.0.0.1", count }], at));
    }
    expect(debts).toEqual([{ budget: "name", key: "name Mallory", tokens: expect.any(Number) }]);
    expect(debts[0]?.tokens).toBeLessThan(0);
  });
});

describe("FloodBudgets on a node", () => {
  it("reports what it lets through, and refuses a client the lab says is in debt until the refill pays it back", () => {
    const spent: string[] = [];
    let owe: (debts: readonly FloodDebt[]) => void = () => undefined;
    const shared: SharedFloodBudgets = { spent: (key) => spent.push(key), onDebt: (listener) => (owe = listener) };
    const budgets = new FloodBudgets(RATE, 8, shared);
    const now = Date.now();
    expect(budgets.take("name Mallory", "127.0.0.1", now)).toBe(true);
    expect(spent).toEqual(["name Mallory"]);
    owe([{ budget: "name", key: "name Mallory", tokens: -10 }]);
    expect(budgets.take("name Mallory", "127.0.0.1", now)).toBe(false);
    // Ten tokens of debt and one to spend: 220 ms at 50 a second.
    expect(budgets.take("name Mallory", "127.0.0.1", now + 200)).toBe(false);
    expect(budgets.take("name Mallory", "127.0.0.1", now + 240)).toBe(true);
    // Another client is not in debt.
    expect(budgets.take("name Bob", "127.0.0.1", now)).toBe(true);
  });
});
