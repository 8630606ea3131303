// Starts the production build (dist/host/start.mjs) on a free loopback port and waits until it answers.
// Shared by the scripts that drive a real browser against the real site.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

function freePort() {
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
 * `nodeArgs` go to the server's node, e.g. ["--cpu-prof"] to profile it (NODE_OPTIONS refuses that flag);
 * `env` adds to its environment, e.g. REDIS_URL.
 * @returns {Promise<{ origin: string, stop(): Promise<void>, pid: number | undefined }>}
 */
export async function startProductionServer({ stdio = "inherit", timeoutMs = 20_000, nodeArgs = [], env = {} } = {}) {
  if (!existsSync("dist/host/start.mjs")) throw new Error("No production build: run `npm run build` first.");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // Under setpriv's parent-death signal when there is one: a test run killed outright still stops the
  // server, and with it the Scaling labs' node processes (they exit when the server's IPC goes).
  const command = [process.execPath, ...nodeArgs, "dist/host/start.mjs"];
  const withSetpriv = spawnSync("setpriv", ["--version"]).status === 0;
  const server = spawn(withSetpriv ? "setpriv" : command[0], withSetpriv ? ["--pdeathsig", "SIGTERM", "--", ...command] : command.slice(1), {
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
