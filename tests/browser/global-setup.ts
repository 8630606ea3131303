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
  const server = await startProductionServer({ env: redis ? { REDIS_URL: redis.url } : {} });
  project.provide("origin", server.origin);
  project.provide("hasRedis", Boolean(redis));
  return async () => {
    await server.stop();
    await redis?.stop();
  };
}
