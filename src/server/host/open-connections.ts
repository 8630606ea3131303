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
    let closed = false;
    let held = false;
    const forget = () => {
      if (counts.open === 0 && counts.held === 0) this.byAddress.delete(address);
    };
    const release = () => {
      if (!held) return;
      held = false;
      counts.held -= 1;
    };
    return {
      tally: {
        held: () => {
          if (held || closed) return;
          held = true;
          counts.held += 1;
        },
        released: () => {
          release();
          forget();
        },
      },
      close: () => {
        if (closed) return;
        closed = true;
        counts.open -= 1;
        release();
        forget();
      },
    };
  }

  /** What `address` has open now: for tests and the bench. */
  countsOf(address: string): Counts {
    const counts = this.byAddress.get(address);
    return { open: counts?.open ?? 0, held: counts?.held ?? 0 };
  }
}
