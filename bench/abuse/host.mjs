// The host under attack: the production build (dist/host/start.mjs) of a project directory, as a small
// server would run it: a 256 MB V8 heap, 1,024 file descriptors, pinned to one CPU, a data directory of its
// own. Its output is counted, not shown: the log-flood attack measures how much of it there is.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/production-server.mjs";

export const HOST_CPU = "0";
export const HOST_HEAP_MB = 256;
export const HOST_FDS = 1024;

const has = (command) => spawnSync(command, ["--version"]).status === 0;
export const TOOLS = { taskset: has("taskset"), prlimit: has("prlimit"), setpriv: has("setpriv") };

/**
 * Starts the host and waits for /api/health. `hostDir` is the project whose build runs (its own
 * node_modules resolve); `env` adds to the environment.
 */
export async function startHost({ hostDir, env = {} }) {
  const entry = join(hostDir, "dist/host/start.mjs");
  if (!existsSync(entry)) throw new Error(`No production build in ${hostDir}: run \`npm run build\` there first.`);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "playground-abuse-data-"));
  // Each wrapper execs the next, so the pid spawn returns is node's own.
  let command = [process.execPath, `--max-old-space-size=${HOST_HEAP_MB}`, entry];
  if (TOOLS.taskset) command = ["taskset", "-c", HOST_CPU, ...command];
  if (TOOLS.prlimit) command = ["prlimit", `--nofile=${HOST_FDS}:${HOST_FDS}`, "--", ...command];
  // The host (and the Scaling lab's node processes, which follow it) die with this script.
  if (TOOLS.setpriv) command = ["setpriv", "--pdeathsig", "SIGTERM", "--", ...command];
  const child = spawn(command[0], command.slice(1), {
    cwd: hostDir,
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      PLAYGROUND_DATA_DIR: dataDir,
      // The innocent visitor comes "from" another address through X-Forwarded-For (a host without
      // quotas ignores both).
      PLAYGROUND_TRUST_PROXY: "127.0.0.1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { lines: 0, bytes: 0, tail: [], marks: [] };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (text) => {
      output.bytes += Buffer.byteLength(text);
      const parts = (partial + text).split("\n");
      partial = parts.pop();
      output.lines += parts.length;
      for (const line of parts) {
        // Why a host died: V8's last words come before its stack of addresses.
        if (/FATAL|out of memory|heap limit|EMFILE/i.test(line) && output.marks.length < 10) output.marks.push(line.slice(0, 300));
        output.tail.push(line.slice(0, 300));
        if (output.tail.length > 40) output.tail.shift();
      }
    });
  }
  const exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, atMs: Date.now() })));
  let exited;
  void exit.then((value) => (exited = value));
  const host = {
    origin,
    pid: child.pid,
    dataDir,
    output,
    get exited() {
      return exited;
    },
    alive: () => exited === undefined,
    affinity: TOOLS.taskset ? spawnSync("taskset", ["-p", String(child.pid)], { encoding: "utf8" }).stdout.trim() : "not pinned",
    async stop() {
      if (exited === undefined) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the host exited at start: ${JSON.stringify(exited)}; ${output.tail.join(" | ")}`);
    try {
      if ((await fetch(`${origin}/api/health`)).ok) {
        const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0");
        if (!cmdline[0].endsWith("node")) throw new Error(`pid ${child.pid} is ${cmdline[0]}, not node`);
        host.affinity = TOOLS.taskset ? spawnSync("taskset", ["-p", String(child.pid)], { encoding: "utf8" }).stdout.trim() : "not pinned";
        return host;
      }
    } catch (error) {
      if (String(error?.message).includes("not node")) throw error;
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await host.stop();
  throw new Error(`the host did not answer ${origin}/api/health within 30 s`);
}
