import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { dyingWithParent, freePort } from "../../scripts/production-server.mjs";

/** Debian's redis-server on a loopback port, with no persistence; killed with this process if it dies. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    if (process.env.CI) throw new Error("CI must run the Redis tests: install Debian's redis-server (.ci/run does).");
    return undefined;
  }
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"];
  const redis: ChildProcess = spawn(...dyingWithParent(["redis-server", ...args], "SIGKILL"), { stdio: ["ignore", "pipe", "inherit"] });
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
