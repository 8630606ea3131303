import { createClient } from "redis";

/**
 * Where several playground processes keep their quota buckets, so that an address has one budget
 * whichever process it reaches: a Redis connection of the quotas' own (a stall in the peers' lookups does
 * not hold admissions back, nor the other way round).
 */
export interface QuotaStore {
  /** The `redis` v6 client rate-limiter-flexible's RateLimiterRedis is given. */
  readonly client: QuotaClient;
  /** Told once when an outage begins: the quotas count in memory until Redis is back. */
  onOutage(reason: string): void;
  close(): Promise<void>;
}

function newClient(redisUrl: string, started: () => boolean) {
  return createClient({
    url: redisUrl,
    // Without Redis, a quota check fails at once and falls back to memory, rather than waiting in a queue.
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (retries: number) =>
        !started() && retries >= 3 ? new Error(`cannot reach Redis at ${redisUrl} (REDIS_URL)`) : Math.min(100 * 2 ** retries, 2000),
    },
  });
}

type QuotaClient = ReturnType<typeof newClient>;

/**
 * Connects to the Redis at `redisUrl` (REDIS_URL). At start a Redis that cannot be reached stops the
 * process, as the peers' directory does; once running, an outage is waited out and logged once.
 */
export async function connectQuotaStore(redisUrl: string, report: (line: string) => void = console.error): Promise<QuotaStore> {
  let started = false;
  const client = newClient(redisUrl, () => started);
  let inOutage = false;
  const outage = (reason: string) => {
    if (inOutage) return;
    inOutage = true;
    report(`quotas: Redis unreachable (${reason}): each process counts its quotas in memory until Redis is back`);
  };
  // The client reconnects by itself; an error here is the outage already reported, not a crash.
  client.on("error", (error: Error) => {
    if (started) outage(error.message);
  });
  client.on("ready", () => {
    if (inOutage) report("quotas: Redis is back: the quotas are shared between the processes again");
    inOutage = false;
  });
  await client.connect();
  started = true;
  return {
    client,
    onOutage: outage,
    close: () => Promise.resolve(client.destroy()),
  };
}
