import type { ServerLogEntry } from "../../shared/server-log.js";
import type { LabFeed } from "../lab-feed.js";
import type { ClientStatus, ReceivedEntry, VirtualClient } from "../virtual-client.js";

/** Kept per list; a scenario has at most 200 steps, so this holds far more than any one needs. */
const KEEP = 2_000;

export interface SeenStatus {
  seq: number;
  at: number;
  status: ClientStatus;
}

export interface SeenEntry<T> {
  seq: number;
  at: number;
  value: T;
  claimed: boolean;
}

/**
 * Everything a run has seen since it started: each client's received events and statuses, the server's log
 * lines, with one sequence for all, so an expectation can ask for "after that" and a wait can re-check its
 * condition whenever anything new arrives. Expectations claim what they matched, so two expectations of the
 * same event need two of them.
 */
export class Observations {
  private seq = 0;
  readonly received = new Map<string, SeenEntry<ReceivedEntry>[]>();
  readonly statuses = new Map<string, SeenStatus[]>();
  readonly log: SeenEntry<ServerLogEntry>[] = [];
  /** Each client's last claimed status seq: a status expectation looks after it. */
  readonly statusCursor = new Map<string, number>();
  private readonly watchers = new Set<() => void>();
  private readonly stops: (() => void)[] = [];

  constructor(private readonly since: number) {}

  /** The sequence number the next observation gets: "from now on". */
  get now(): number {
    return this.seq + 1;
  }

  watchClient(client: VirtualClient): void {
    const { name } = client;
    this.addStatus(name, client.status);
    this.stops.push(
      client.on("status", (status) => this.addStatus(name, status)),
      client.on("received", (entry) => {
        if (entry.kind === "ack") return;
        push(this.listOf(this.received, name), { seq: this.next(), at: entry.at, value: entry, claimed: false });
        this.changed();
      }),
    );
  }

  watchFeed(feed: LabFeed): void {
    this.stops.push(
      feed.on("entry", (entry) => {
        // A feed replays the lab's whole log when it connects: what happened before this run is not its evidence.
        if (entry.at < this.since) return;
        push(this.log, { seq: this.next(), at: entry.at, value: entry, claimed: false });
        this.changed();
      }),
    );
  }

  /** Re-checks `check` whenever anything is observed, until it answers or the time is up (then `undefined`). */
  until<T>(check: () => T | undefined, timeoutMs: number, signal: AbortSignal): Promise<T | undefined> {
    return new Promise((resolve) => {
      const done = (value: T | undefined) => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
        signal.removeEventListener("abort", aborted);
        resolve(value);
      };
      const watcher = () => {
        const value = check();
        if (value !== undefined) done(value);
      };
      const aborted = () => done(undefined);
      const timer = setTimeout(() => done(check()), timeoutMs);
      signal.addEventListener("abort", aborted);
      this.watchers.add(watcher);
      watcher();
    });
  }

  /** Wakes the waiters for a change the lists do not show (an ack settled). */
  changed(): void {
    for (const watcher of [...this.watchers]) watcher();
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.watchers.clear();
  }

  private addStatus(name: string, status: ClientStatus): void {
    push(this.listOf(this.statuses, name), { seq: this.next(), at: Date.now(), status });
    this.changed();
  }

  private next(): number {
    this.seq += 1;
    return this.seq;
  }

  private listOf<T>(map: Map<string, T[]>, name: string): T[] {
    let list = map.get(name);
    if (!list) map.set(name, (list = []));
    return list;
  }
}

function push<T>(list: T[], value: T): void {
  list.push(value);
  if (list.length > KEEP) list.shift();
}
