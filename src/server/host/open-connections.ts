import type { PlaygroundLimits } from "../config.js";
import type { HeldTally } from "../lab/link-connections.js";
import type { QuotaRefusal } from "./address-quotas.js";

/** One request or upgrade to a lab, counted against its address until it closes. */
export interface AddressConnection {
  /** Hears while the client's link holds the connection back (a blackhole, latency). */
  readonly tally: HeldTally;
  /** The connection closed: it no longer counts. Idempotent. */
  close(): void;
}

interface Counts {
  open: number;
  held: number;
}

/**
 * A connection over the cap will not be admitted until others close: held ones end within pingInterval +
 * pingTimeout (45 s with the defaults), a learner closes a tab at any time; a few seconds is a fair retry.
 */
const RETRY_AFTER_SECONDS = 10;

/**
 * The connections each client address has open to labs right now: every request and upgrade under /labs/,
 * from the moment the dispatcher sees it until it closes, and among them those a client's faulty link holds
 * back. The per-minute quotas bound how fast an address opens them; these bound how many it keeps, and so
 * the file descriptors it can take. A blackholed link holds each connection for up to pingInterval +
 * pingTimeout, and one address with 160 client names held 1,280 at once: every other visitor of a host with
 * 1,024 file descriptors got ECONNRESET. The held cap is the one that attack meets; the open cap bounds an
 * address that holds nothing back but opens very many connections.
 */
export class OpenConnections {
  private readonly byAddress = new Map<string, Counts>();

  constructor(private readonly limits: Pick<PlaygroundLimits, "maxConnectionsPerAddress" | "maxHeldConnectionsPerAddress">) {}

  /** Why a new connection from `address` is refused now, or nothing. */
  refusal(address: string): QuotaRefusal | undefined {
    const counts = this.byAddress.get(address);
    if (!counts) return undefined;
    const { maxConnectionsPerAddress, maxHeldConnectionsPerAddress } = this.limits;
    const shared = "(everyone behind the same network shares this limit)";
    if (counts.held >= maxHeldConnectionsPerAddress) {
      return {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        message: `Your address already has ${counts.held} connections to labs held back by faulty client links, its limit of ${maxHeldConnectionsPerAddress} ${shared}. Lift the blackholes or latency, or try again in ${RETRY_AFTER_SECONDS} s.`,
      };
    }
    if (counts.open >= maxConnectionsPerAddress) {
      return {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        message: `Your address already has ${counts.open} connections open to labs, its limit of ${maxConnectionsPerAddress} ${shared}. Close some lesson tabs, or try again in ${RETRY_AFTER_SECONDS} s.`,
      };
    }
    return undefined;
  }

  /** Counts a new connection from `address` (the caller checked `refusal` first). */
  open(address: string): AddressConnection {
    const counts = this.byAddress.get(address) ?? { open: 0, held: 0 };
    this.byAddress.set(address, counts);
    counts.open += 1;
    return new CountedConnection(this.byAddress, address, counts);
  }

  /** What `address` has open now: for tests and the bench. */
  countsOf(address: string): Counts {
    const counts = this.byAddress.get(address);
    return { open: counts?.open ?? 0, held: counts?.held ?? 0 };
  }
}

/**
 * One connection's place in its address's counts, and the tally its link holds it back with. A class, not
 * five closures: every open connection has one, thousands on a busy host, and closures and their scopes
 * stay in the heap V8 marks ([8/8]).
 */
class CountedConnection implements AddressConnection, HeldTally {
  private closed = false;
  private isHeld = false;

  constructor(
    private readonly byAddress: Map<string, Counts>,
    private readonly address: string,
    private readonly counts: Counts,
  ) {}

  get tally(): HeldTally {
    return this;
  }

  held(): void {
    if (this.isHeld || this.closed) return;
    this.isHeld = true;
    this.counts.held += 1;
  }

  released(): void {
    this.release();
    this.forget();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.counts.open -= 1;
    this.release();
    this.forget();
  }

  /** The address is forgotten once it has nothing open, unless a newer count took its place. */
  private forget(): void {
    const { byAddress, address, counts } = this;
    if (counts.open === 0 && counts.held === 0 && byAddress.get(address) === counts) byAddress.delete(address);
  }

  private release(): void {
    if (!this.isHeld) return;
    this.isHeld = false;
    this.counts.held -= 1;
  }
}
