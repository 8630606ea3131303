// The two servers bench/load.mjs compares: the production host (lab layer on) and a plain Socket.IO server
// running the same lesson handlers (bench/plain-server.ts). Each starts on the server's CPU when asked (taskset),
// so that it sees one CPU from its start, as a host confined to one core does.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { HOST_BUNDLE } from "../../scripts/host-bundle.mjs";
import { freePort, startProductionServer } from "../../scripts/production-server.mjs";
import { pinTree } from "./pinning.mjs";

const TICK = 100; // clock ticks per second on Linux

/** CPU seconds (all threads) and RSS bytes of a process, from /proc. */
export function usage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const cpu = (Number(stat[11]) + Number(stat[12])) / TICK;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;
  return { cpu, rss };
}

let plainBundle;

/** Bundles the plain server once, inside the project so its imports resolve from node_modules. */
async function plainServerFile() {
  plainBundle ??= (async () => {
    const out = join("dist", "bench", "plain-server.mjs");
    await build({ entryPoints: ["bench/plain-server.ts"], outfile: out, ...HOST_BUNDLE, absWorkingDir: process.cwd() });
    return out;
  })();
  return plainBundle;
}

async function startPlain(nodeArgs, cpu) {
  const port = await freePort();
  const command = [...(cpu === undefined ? [] : ["taskset", "-c", String(cpu)]), process.execPath, ...nodeArgs, await plainServerFile()];
  const child = spawn(command[0], command.slice(1), {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
    cwd: process.cwd(),
  });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  if (process.env.BENCH_SERVER_OUTPUT) child.stdout.pipe(process.stdout);
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM"))),
  };
}

/**
 * Starts one server. The lab host trusts X-Forwarded-For from the load generator (each learner comes from
 * an address of its own, as a classroom behind a proxy does), so the per-address quotas meet real learners,
 * not one address; the lab count allows the largest run.
 * @param {"lab" | "plain"} kind @param {{ cpu?: number, learners: number, nodeArgs: string[] }} options
 */
export async function startServer(kind, { cpu, learners, nodeArgs }) {
  const server =
    kind !== "plain"
      ? await startProductionServer({
          // BENCH_SERVER_OUTPUT=1 shows the lab host's output, e.g. with BENCH_SERVER_NODE_ARGS=--trace-gc.
          stdio: process.env.BENCH_SERVER_OUTPUT ? "inherit" : "ignore",
          nodeArgs,
          cpu,
          env: {
            PLAYGROUND_TRUST_PROXY: "127.0.0.1",
            PLAYGROUND_MAX_LABS: String(Math.max(5000, learners + 100)),
            // "sandboxed": every lab runs learner code; none is stopped for being slow on a loaded core.
            ...(kind === "sandboxed" && {
              PLAYGROUND_SANDBOX_MAX_LABS: String(Math.max(5000, learners + 100)),
              PLAYGROUND_SANDBOX_CALL_MS: "2000",
              PLAYGROUND_SANDBOX_CPU_MS_PER_SECOND: "1000",
            }),
          },
        })
      : await startPlain(nodeArgs, cpu);
  if (cpu !== undefined) pinTree(server.pid, cpu);
  return { ...server, gc: garbageCollection(server.pid) };
}

/**
 * How the server's V8 collects, from the flags it restarted with (src/server/host/start-flags.ts): single-threaded
 * or not (PLAYGROUND_SINGLE_THREADED_GC), its semi-spaces' and its old generation's growth (heap-sizing.ts).
 */
function garbageCollection(pid) {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const value = (name) => args.findLast((arg) => arg.replaceAll("_", "-").startsWith(`--${name}=`))?.split("=")[1];
  const threads = args.includes("--single-threaded-gc") ? "single-threaded" : "V8 default";
  const semiSpace = value("max-semi-space-size");
  const growing = value("heap-growing-percent");
  return [
    threads,
    semiSpace ? `semi-spaces up to ${semiSpace} MB` : "V8's semi-spaces",
    growing ? `old generation grows ${growing} %` : "V8's growing factor",
  ].join(", ");
}
