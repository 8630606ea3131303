import { spawnSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defaultLimits, type PlaygroundLimits } from "../../src/server/config.js";
import { AddressQuotas } from "../../src/server/host/address-quotas.js";
import { listen, type RunningPlayground } from "../../src/server/host/listen.js";
import { connectQuotaStore, type QuotaStore } from "../../src/server/host/quota-store.js";
import { startRedis } from "../support/redis.js";
import { newLearner, testDataDir, testLessons } from "../support/server.js";

/** This file's own Redis: its quota keys must not meet those of another test file's processes. */
let redis: Awaited<ReturnType<typeof startRedis>>;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const each of opened.splice(0).reverse()) await each.close();
});

const limits = (change: Partial<PlaygroundLimits>): PlaygroundLimits => ({ ...defaultLimits, ...change });

async function store(url: string, report?: (line: string) => void): Promise<QuotaStore> {
  const connected = await connectQuotaStore(url, report);
  opened.push(connected);
  return connected;
}

/** Without redis-server these are skipped, except on CI (startRedis fails there, as it should). */
const hasRedis = Boolean(process.env.CI) || spawnSync("redis-server", ["--version"]).status === 0;

describe.skipIf(!hasRedis)("quota buckets shared through Redis", () => {
  it("give an address one budget across processes: what it spent on one is refused on the other", async () => {
    const url = redis?.url ?? "";
    // Two processes' quotas, each with its own Redis connection, as two playground processes have.
    const first = new AddressQuotas(limits({ runsPerAddressPerMinute: 5 }), [], await store(url));
    const second = new AddressQuotas(limits({ runsPerAddressPerMinute: 5 }), [], await store(url));
    const address = "203.0.113.7";
    for (let run = 0; run < 5; run += 1) expect(await first.take(address, "runs")).toBeUndefined();
    const refused = await second.take(address, "runs");
    expect(refused, "the second process let the address spend its quota again").toMatchObject({
      message: expect.stringMatching(/5 code runs a minute/),
    });
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
    // Another address, and another kind of quota, are budgets of their own.
    expect(await second.take("203.0.113.8", "runs")).toBeUndefined();
    expect(await second.take(address, "labs")).toBeUndefined();
  });

  it("two playground processes on one Redis refuse on the second the labs an address minted on the first", async () => {
    const url = redis?.url ?? "";
    const start = (nodeId: string) =>
      listen(
        {
          port: 0,
          host: "127.0.0.1",
          limits: limits({ labsPerAddressPerMinute: 3 }),
          dataDir: testDataDir,
          peers: { nodeId, redisUrl: url },
        },
        testLessons,
      );
    const p1: RunningPlayground = await start("q1");
    opened.push(p1);
    const p2: RunningPlayground = await start("q2");
    opened.push(p2);
    const open = async (origin: string) => {
      const response = await fetch(`${origin}/api/labs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ lesson: "emit", learner: newLearner() }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
    };
    for (let lab = 0; lab < 3; lab += 1) expect((await open(p1.origin)).status).toBe(201);
    const refused = await open(p2.origin);
    expect(refused.status, "the second process opened a lab past the address's quota").toBe(429);
    expect(refused.body.error?.code).toBe("quota_exceeded");
  });

  it("keep counting in memory while Redis is down, and say so once instead of letting everything through", async () => {
    // A Redis of this test's own, to stop.
    const own = await startRedis();
    if (!own) throw new Error("no redis-server");
    const lines: string[] = [];
    const quotas = new AddressQuotas(limits({ runsPerAddressPerMinute: 3 }), [], await store(own.url, (line) => lines.push(line)));
    expect(await quotas.take("203.0.113.9", "runs")).toBeUndefined();
    await own.stop();
    // Redis is gone: every check still answers, from memory, and a flood past the quota is refused.
    const answers = [];
    for (let run = 0; run < 10; run += 1) answers.push(await quotas.take("203.0.113.9", "runs"));
    expect(answers.slice(0, 3).every((answer) => answer === undefined)).toBe(true);
    expect(answers.slice(3).every((answer) => answer?.message.includes("code runs"))).toBe(true);
    const outage = lines.filter((line) => line.includes("Redis unreachable"));
    expect(outage).toHaveLength(1);
  });
});
