// Starts the production build (dist/host/start.mjs) on a free loopback port and waits until it answers.
// Shared by the scripts that drive a real browser against the real site.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

/** A loopback port nothing listens on right now. @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The command and arguments that run `command` under setpriv's parent-death signal, when setpriv exists:
 * a process started for a test run then dies with the run, even when the run is killed outright.
 * @param {string[]} command @param {"SIGTERM" | "SIGKILL"} signal @returns {[string, string[]]}
 */
export function dyingWithParent(command, signal) {
  if (spawnSync("setpriv", ["--version"]).status !== 0) return [command[0], command.slice(1)];
  return ["setpriv", ["--pdeathsig", signal, "--", ...command]];
}

/**
 * `nodeArgs` go to the server's node, e.g. ["--cpu-prof"] to profile it (NODE_OPTIONS refuses that flag);
 * `env` adds to its environment, e.g. REDIS_URL; `cpu` starts it on that one CPU (taskset, Linux), so that it
 * sees one CPU from its first instruction (src/server/host/one-cpu-gc.ts).
 * @returns {Promise<{ origin: string, stop(): Promise<void>, pid: number | undefined }>}
 */
export async function startProductionServer({ stdio = "inherit", timeoutMs = 20_000, nodeArgs = [], env = {}, cpu = undefined } = {}) {
  if (!existsSync("dist/host/start.mjs")) throw new Error("No production build: run `npm run build` first.");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // The Scaling labs' node processes follow the server: they exit when its IPC channel goes.
  const onCpu = cpu === undefined ? [] : ["taskset", "-c", String(cpu)];
  const server = spawn(...dyingWithParent([...onCpu, process.execPath, ...nodeArgs, "dist/host/start.mjs"], "SIGTERM"), {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", stdio, stdio],
  });
  const stop = async () => {
    if (server.exitCode !== null) return;
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the production server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${origin}/api/health`)).ok) return { origin, stop, pid: server.pid };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the production server did not answer ${origin}/api/health within ${timeoutMs} ms`);
}

/** Debian's Chromium, with the flags this closed network needs. */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
