import type { Socket } from "socket.io";
import { LAB_ERROR_EVENT, type LabErrorPayload } from "../../shared/lab-api.js";
import { clientName } from "./client-name.js";
import { addTap, type ConnectionTap, type TappedPacket } from "./connection-taps.js";
import type { LabRules } from "./lab-rules.js";
import { RateLimit } from "./rate-limit.js";

/** Past this many budgets kept, those that have refilled (so are no different from new) are forgotten. */
const KEEP_BUDGETS = 256;

/** Token buckets by key, outliving the sockets that spend them. */
export class Budgets {
  private readonly buckets = new Map<string, RateLimit>();

  constructor(
    private readonly ratePerSecond: number,
    /** What a bucket holds when full: one second's worth, unless told. */
    private readonly capacity = ratePerSecond,
  ) {}

  take(key: string, now: number): boolean {
    return this.bucket(key, now).take(now);
  }

  /** Records `count` spent (the bucket may go into debt); returns what is left. */
  spend(key: string, count: number, now: number): number {
    return this.bucket(key, now).spend(count, now);
  }

  /** Holds the key's bucket to at most `tokens`. */
  limitTo(key: string, tokens: number, now: number): void {
    this.bucket(key, now).limitTo(tokens, now);
  }

  private bucket(key: string, now: number): RateLimit {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= KEEP_BUDGETS) this.forgetFull(now);
      bucket = new RateLimit(this.ratePerSecond, now, this.capacity);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private forgetFull(now: number): void {
    // A bucket in debt is kept: forgetting it would forgive the debt.
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}

/** Events a Scaling lab's node let through for one client (its budget key) from one address, since its last report. */
export interface FloodSpend {
  key: string;
  address: string;
  count: number;
}

/** A budget of the whole lab that its nodes together have overspent: each node holds its own to `tokens` (below zero). */
export interface FloodDebt {
  budget: "name" | "address";
  key: string;
  tokens: number;
}

/**
 * A Scaling lab's nodes each count their clients' events, but a client may use every node in turn: the
 * budget is the lab's. A node reports what it lets through, and the host, which sums the reports of all
 * the lab's nodes (src/server/scaling/flood-ledger.ts), says which budgets the lab has overspent.
 */
export interface SharedFloodBudgets {
  spent(key: string, address: string): void;
  onDebt(listener: (debts: readonly FloodDebt[]) => void): void;
}

/**
 * The events-per-second budget of a lab's clients. It belongs to the client's name (or, unnamed, its
 * address), not to one socket: a client cut off for flooding that reconnects at once finds its bucket as
 * empty as it left it. One address also has a budget for all its clients together (every client the lab
 * admits at full rate), so new names do not buy new budgets without end. On a Scaling lab's node, the
 * buckets also carry the lab's debts (`shared`): what the client spent on the other nodes.
 */
export class FloodBudgets {
  private readonly byName: Budgets;
  private readonly byAddress: Budgets;

  constructor(
    maxEventsPerSecond: number,
    maxClients: number,
    private readonly shared?: SharedFloodBudgets,
  ) {
    this.byName = new Budgets(maxEventsPerSecond);
    this.byAddress = new Budgets(maxEventsPerSecond * maxClients);
    shared?.onDebt((debts) => {
      const now = Date.now();
      for (const { budget, key, tokens } of debts) (budget === "name" ? this.byName : this.byAddress).limitTo(key, tokens, now);
    });
  }

  take(key: string, address: string, now: number): boolean {
    const allowed = this.byName.take(key, now) && this.byAddress.take(address, now);
    if (allowed) this.shared?.spent(key, address);
    return allowed;
  }
}

/** One socket's part in its budgets: an object, not a closure and its scope, per socket ([8/8]). */
class FloodTap implements ConnectionTap {
  private flooded = false;
  private readonly name: string;
  private readonly address: string;
  /** A socket with no name of its own goes by its address: its id is new on every reconnect. */
  private readonly key: string;

  constructor(
    private readonly socket: Socket,
    private readonly rules: LabRules,
    private readonly budgets: FloodBudgets,
  ) {
    this.name = clientName(socket);
    this.address = socket.handshake.address;
    this.key = this.name === socket.id ? `address ${this.address}` : `name ${this.name}`;
  }

  packet(packet: TappedPacket): void {
    // Binary attachments ride with the event they belong to: only text frames count as events.
    if (this.flooded || packet.type !== "message" || typeof packet.data !== "string") return;
    if (this.budgets.take(this.key, this.address, Date.now())) return;
    this.flooded = true;
    const { caps, scope, log } = this.rules;
    const message = `More than ${caps.maxEventsPerSecond} events per second: ${scope.actor} disconnected this client. Reconnect to carry on.`;
    log.add({ at: Date.now(), kind: "refused", client: this.name, message });
    const payload: LabErrorPayload = { code: "rate_limited", message };
    this.socket.emit(LAB_ERROR_EVENT, payload);
    this.socket.disconnect(true);
  }
}

/** Over the events-per-second cap: tell the client why, then cut it off, so a runaway loop cannot load the server. */
export function cutFloods(socket: Socket, rules: LabRules, budgets: FloodBudgets): void {
  addTap(socket.conn, new FloodTap(socket, rules, budgets));
}
