// The events-per-second budgets of a Scaling lab hold across its nodes. Each node enforces them itself, at
// once, as any lab server does (../lab/flood-cap.ts); but a client that uses node A, then node B, would get
// each node's budget in full. So each node reports what it let through, a few times a second, to the host,
// which keeps the lab's own buckets (the same rate) and sums what every node spent. A lab bucket in debt
// is told to every node, which holds its own bucket to that debt: the client's next event on any node is
// refused (and the client cut off) until the debt is paid back by the refill.
import { Budgets, type FloodDebt, type FloodSpend, type SharedFloodBudgets } from "../lab/flood-cap.js";

/** How often a node reports what it spent: the most the lab's buckets lag behind a node's own. */
export const FLOOD_REPORT_MS = 50;
/**
 * A report arrives up to FLOOD_REPORT_MS (and the IPC's own delay, more on a loaded machine) after the
 * events it counts: the lab's buckets hold this much more than a node's, so that a client within its
 * budget on one node is never in debt only because its reports came in late.
 */
const LATE_REPORT_SLACK = 0.25;

/** The host's side: the lab's buckets, fed by every node's reports. */
export class FloodLedger {
  private readonly byName: Budgets;
  private readonly byAddress: Budgets;

  constructor(maxEventsPerSecond: number, maxClients: number) {
    const perAddress = maxEventsPerSecond * maxClients;
    this.byName = new Budgets(maxEventsPerSecond, maxEventsPerSecond * (1 + LATE_REPORT_SLACK));
    this.byAddress = new Budgets(perAddress, perAddress * (1 + LATE_REPORT_SLACK));
  }

  /** Adds one node's report; returns the lab's budgets now in debt, for every node to hold its own to. */
  record(spends: readonly FloodSpend[], now: number): FloodDebt[] {
    // A budget spent twice in one report is told once, with its balance after both.
    const debts = new Map<string, FloodDebt>();
    for (const { key, address, count } of spends) {
      const name = this.byName.spend(key, count, now);
      if (name < 0) debts.set(`name\n${key}`, { budget: "name", key, tokens: name });
      const left = this.byAddress.spend(address, count, now);
      if (left < 0) debts.set(`address\n${address}`, { budget: "address", key: address, tokens: left });
    }
    return [...debts.values()];
  }
}

/** A node's side: counts what it lets through and reports it every FLOOD_REPORT_MS; hears of the lab's debts. */
export class FloodReporter implements SharedFloodBudgets {
  private pending = new Map<string, FloodSpend>();
  private readonly listeners: ((debts: readonly FloodDebt[]) => void)[] = [];
  /** Set while spends wait for their report: an idle node does not wake up to say it spent nothing. */
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly report: (spends: FloodSpend[]) => void) {}

  spent(key: string, address: string): void {
    const id = `${key}\n${address}`;
    const spend = this.pending.get(id);
    if (spend) spend.count += 1;
    else this.pending.set(id, { key, address, count: 1 });
    this.timer ??= setTimeout(() => this.flush(), FLOOD_REPORT_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const spends = [...this.pending.values()];
    this.pending = new Map();
    if (spends.length > 0) this.report(spends);
  }

  onDebt(listener: (debts: readonly FloodDebt[]) => void): void {
    this.listeners.push(listener);
  }

  /** The host's word: these lab budgets are in debt. */
  owe(debts: readonly FloodDebt[]): void {
    for (const listener of this.listeners) listener(debts);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
