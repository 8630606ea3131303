import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { PlaygroundLimits } from "../config.js";
import { sendError } from "../http-json.js";
import { clientAddress } from "./client-address.js";
import type { QuotaStore } from "./quota-store.js";

/** What one address spends: a lab, a Scaling lab's node processes, a code run, a client name, a connection, a submission. */
export type QuotaKind = "labs" | "labProcesses" | "runs" | "links" | "handshakes" | "serverCode";

export interface QuotaRefusal {
  retryAfterSeconds: number;
  message: string;
}

const quotaLimit: Record<QuotaKind, keyof PlaygroundLimits> = {
  labs: "labsPerAddressPerMinute",
  labProcesses: "labProcessesPerAddressPerMinute",
  runs: "runsPerAddressPerMinute",
  links: "linksPerAddressPerMinute",
  handshakes: "handshakesPerAddressPerMinute",
  serverCode: "serverCodePerAddressPerMinute",
};

const quotaWhat: Record<QuotaKind, string> = {
  labs: "new labs",
  labProcesses: "Scaling lab node processes",
  runs: "code runs",
  links: "new client names in labs",
  handshakes: "new connections to labs",
  serverCode: "server code submissions",
};

/** Redis keys of the shared buckets: `playground:quota:<kind>:<address>`, each expiring with its minute. */
const REDIS_PREFIX = "playground:quota:";

/** The memory bucket a Redis one falls back to while Redis cannot answer; its first use reports the outage. */
class InsuranceMemory extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly used: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>): ReturnType<RateLimiterMemory["consume"]> {
    this.used();
    return super.consume(...args);
  }
}

/**
 * The quotas per client address: one bucket per kind, of `limit` a minute. An address is often a whole
 * classroom behind one NAT, so the message says so. With a `store` (several processes sharing Redis), the
 * buckets live in Redis and every process spends from the same ones; while Redis cannot answer, each
 * process counts in memory (rate-limiter-flexible's insurance limiter) rather than let everything through.
 */
export class AddressQuotas {
  private readonly buckets: Record<QuotaKind, RateLimiterAbstract>;
  private readonly trustedProxies: ReadonlySet<string>;

  constructor(
    private readonly limits: PlaygroundLimits,
    trustProxy: readonly string[] = [],
    store?: QuotaStore,
  ) {
    this.trustedProxies = new Set(trustProxy);
    const bucket = (kind: QuotaKind): RateLimiterAbstract => {
      const options = { keyPrefix: kind, points: limits[quotaLimit[kind]], duration: 60 };
      if (!store) return new RateLimiterMemory(options);
      return new RateLimiterRedis({
        ...options,
        keyPrefix: `${REDIS_PREFIX}${kind}`,
        storeClient: store.client,
        useRedisPackage: true,
        // A client that is reconnecting is not asked: the insurance answers at once.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new InsuranceMemory(options, () => store.onOutage("a quota check failed")),
      });
    };
    this.buckets = {
      labs: bucket("labs"),
      labProcesses: bucket("labProcesses"),
      runs: bucket("runs"),
      links: bucket("links"),
      handshakes: bucket("handshakes"),
      serverCode: bucket("serverCode"),
    };
  }

  addressOf(req: IncomingMessage): string {
    return clientAddress(req, this.trustedProxies);
  }

  /** Takes `points` from the address's bucket of `kind`; a refusal when it holds fewer. */
  async take(address: string, kind: QuotaKind, points = 1): Promise<QuotaRefusal | undefined> {
    try {
      await this.buckets[kind].consume(address, points);
      return undefined;
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      const retryAfterSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
      const limit = this.limits[quotaLimit[kind]];
      return {
        retryAfterSeconds,
        message: `Your address has reached its limit of ${limit} ${quotaWhat[kind]} a minute (everyone behind the same network shares it). Try again in ${retryAfterSeconds} s.`,
      };
    }
  }
}

export function sendQuotaRefusal(res: ServerResponse, refusal: QuotaRefusal): void {
  res.setHeader("retry-after", String(refusal.retryAfterSeconds));
  sendError(res, 429, "quota_exceeded", refusal.message);
}

/** The same answer on a WebSocket upgrade, which has no ServerResponse: the client's connect_error reads 429. */
export function refuseUpgrade(socket: Duplex, refusal: QuotaRefusal): void {
  const body = JSON.stringify({ error: { code: "quota_exceeded", message: refusal.message } });
  socket.end(
    `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${refusal.retryAfterSeconds}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
