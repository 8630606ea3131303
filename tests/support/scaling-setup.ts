import { build } from "esbuild";
import type { TestProject } from "vitest/node";
import { DATABASE_PROCESS_SOURCE, HOST_BUNDLE, SCALING_NODE_SOURCE } from "../../scripts/host-bundle.mjs";
import { startRedis } from "./redis.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Scaling lab's node entry, bundled for child processes to run. */
    scalingNodeEntry: string;
    /** A Scaling lab node running the lab conformance test's handlers (tests/support/conformance-node.ts), bundled. */
    conformanceNodeEntry: string;
    /** A Redis server of this test run's own, or "" when none could be started (never on CI). */
    redisUrl: string;
    /** A whole playground process (listen(), no site), bundled, for tests of several processes. */
    playgroundEntry: string;
  }
}

/** Inside node_modules, so the bundle's own imports (socket.io, redis, ...) resolve from the project. */
export const NODE_ENTRY = "node_modules/.cache/socket-io-playground/scaling-node.mjs";
const CONFORMANCE_NODE_ENTRY = "node_modules/.cache/socket-io-playground/conformance-node.mjs";
const PLAYGROUND_ENTRY = "node_modules/.cache/socket-io-playground/playground.mjs";
const DATABASE_PROCESS_ENTRY = "node_modules/.cache/socket-io-playground/database-process.mjs";

export default async function setup(project: TestProject) {
  await build({
    entryPoints: [SCALING_NODE_SOURCE],
    outfile: NODE_ENTRY,
    ...HOST_BUNDLE,
  });
  project.provide("scalingNodeEntry", NODE_ENTRY);
  await build({ entryPoints: ["tests/support/conformance-node.ts"], outfile: CONFORMANCE_NODE_ENTRY, ...HOST_BUNDLE });
  project.provide("conformanceNodeEntry", CONFORMANCE_NODE_ENTRY);
  await build({ entryPoints: ["tests/support/playground-main.ts"], outfile: PLAYGROUND_ENTRY, ...HOST_BUNDLE });
  // Beside it, where a bundled host looks for its database process's entry.
  await build({ entryPoints: [DATABASE_PROCESS_SOURCE], outfile: DATABASE_PROCESS_ENTRY, ...HOST_BUNDLE });
  project.provide("playgroundEntry", PLAYGROUND_ENTRY);
  const redis = await startRedis();
  project.provide("redisUrl", redis?.url ?? "");
  return () => redis?.stop();
}
