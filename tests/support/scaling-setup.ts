import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";
import { HOST_BUNDLE } from "../../scripts/host-bundle.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Scaling lab's node entry, bundled for child processes to run. */
    scalingNodeEntry: string;
    /** A Redis server of this test run's own, or "" when none could be started (never on CI). */
    redisUrl: string;
  }
}

/** Inside node_modules, so the bundle's own imports (socket.io, redis, ...) resolve from the project. */
export const NODE_ENTRY = "node_modules/.cache/socket-io-playground/scaling-node.mjs";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Debian's redis-server on a loopback port, with no persistence; killed with this process if it dies. */
async function startRedis(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return undefined;
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"];
  // setpriv's parent-death signal: a test run killed outright still takes its Redis down with it.
  const withSetpriv = spawnSync("setpriv", ["--version"]).status === 0;
  const redis: ChildProcess = withSetpriv
    ? spawn("setpriv", ["--pdeathsig", "SIGKILL", "--", "redis-server", ...args], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn("redis-server", args, { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start within 10 s")), 10_000);
    let seen = "";
    redis.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    redis.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (redis.exitCode !== null) return resolve();
        redis.once("exit", () => resolve());
        redis.kill("SIGTERM");
      }),
  };
}

export default async function setup(project: TestProject) {
  await build({
    entryPoints: ["src/server/scaling/node-main.ts"],
    outfile: NODE_ENTRY,
    ...HOST_BUNDLE,
  });
  project.provide("scalingNodeEntry", NODE_ENTRY);
  const redis = await startRedis();
  if (!redis && process.env.CI) throw new Error("CI must run the Redis tests: install Debian's redis-server (.ci/run does).");
  project.provide("redisUrl", redis?.url ?? "");
  return () => redis?.stop();
}
