import type { TestProject } from "vitest/node";
import { startProductionServer } from "../../scripts/production-server.mjs";
import { startRedis } from "../support/redis.js";

declare module "vitest" {
  export interface ProvidedContext {
    origin: string;
    /** Whether the site has a Redis, so the Scaling lesson offers the Redis Streams adapter. */
    hasRedis: boolean;
  }
}

/** Browser tests run against the production build, served the way `npm start` serves it, with a Redis when there is one. */
export default async function setup(project: TestProject) {
  const redis = await startRedis();
  // Every browser test comes from 127.0.0.1: one address may hold the whole host's Scaling processes here,
  // as the tests open Scaling labs in parallel, and more than a visitor's 8 a minute (every test that walks
  // all lessons opens one); the per-address caps have tests of their own (scaling-limits, quotas). Each
  // view of a Scaling page starts its lab's two nodes from the page's head, phones too, and an unconnected
  // lab lives 30 s: with 20 processes a full run's parallel Scaling pages left some without a lab.
  const env = {
    PLAYGROUND_MAX_LAB_PROCESSES: "80",
    PLAYGROUND_MAX_LAB_PROCESSES_PER_ADDRESS: "60",
    PLAYGROUND_LAB_PROCESSES_PER_ADDRESS_PER_MINUTE: "400",
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
  const server = await startProductionServer({ env });
  project.provide("origin", server.origin);
  project.provide("hasRedis", Boolean(redis));
  return async () => {
    await server.stop();
    await redis?.stop();
  };
}
