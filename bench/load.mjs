// Load benchmark: N learners, each with a lab of the Broadcast & rooms lesson and three clients. Every
// client joins its learner's room and, once a second, asks the server to send to the room with an ack
// (socket.to(room): a room broadcast to the two others, then the ack). The same load runs against a plain
// Socket.IO server with the same handlers and no lab layer, the baseline. Needs a production build.
//   npm run build && npm run bench -- [learners=200] [seconds=30] [--client=socket.io]
// The clients are bench/wire-client.mjs unless --client=socket.io asks for the real socket.io-client.
// Writes bench/results/load.json and bench/results/load.md.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { HOST_BUNDLE } from "../scripts/host-bundle.mjs";
import { io } from "socket.io-client";
import { WireClient } from "./wire-client.mjs";
import { freePort, startProductionServer } from "../scripts/production-server.mjs";

const flags = process.argv.slice(2).filter((arg) => arg.startsWith("--"));
const [learners = "200", seconds = "30"] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const LEARNERS = Number(learners);
const SECONDS = Number(seconds);
// e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the lab server.
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const CLIENT = flags.includes("--client=socket.io") ? "socket.io-client" : "wire-client";
const CLIENTS = ["Alice", "Bob", "Carol"];
const TICK = 100; // clock ticks per second on Linux

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds and RSS bytes of a process, from /proc. */
function usage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const cpu = (Number(stat[11]) + Number(stat[12])) / TICK;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;
  const io = readFileSync(`/proc/${pid}/io`, "utf8");
  const writes = Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? 0);
  const reads = Number(/syscr:\s+(\d+)/.exec(io)?.[1] ?? 0);
  return { cpu, rss, writes, reads };
}

async function startPlain() {
  // Inside the project, so its imports resolve from node_modules.
  const out = join("dist", "bench", "plain-server.mjs");
  await build({ entryPoints: ["bench/plain-server.ts"], outfile: out, ...HOST_BUNDLE, absWorkingDir: process.cwd() });
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, out], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
    cwd: process.cwd(),
  });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM"))),
  };
}

/** A connected client with `emitWithAck(timeoutMs, event, ...args)`, `on` and `close`. */
async function connect(origin, path, name) {
  if (CLIENT === "wire-client") return WireClient.connect(origin, path, { client: name });
  const socket = io(origin, { path, forceNew: true, transports: ["websocket"], query: { client: name }, reconnection: false });
  await new Promise((resolve, reject) => (socket.once("connect", resolve), socket.once("connect_error", reject)));
  return {
    emitWithAck: (timeoutMs, event, ...args) => socket.timeout(timeoutMs).emitWithAck(event, ...args),
    on: (event, handler) => socket.on(event, handler),
    close: () => socket.disconnect(),
  };
}

function percentile(sorted, p) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(kind) {
  const server = kind === "lab" ? await startProductionServer({ stdio: "ignore", nodeArgs: SERVER_NODE_ARGS }) : await startPlain();
  await sleep(500);
  const idle = usage(server.pid);
  const sockets = [];
  const createMs = [];
  // Learners arrive twenty at a time: each opens a lab (lab layer only) and connects three clients.
  for (let start = 0; start < LEARNERS; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, LEARNERS - start) }, async (_, offset) => {
        const n = start + offset;
        let path = "/socket.io";
        if (kind === "lab") {
          const began = performance.now();
          const response = await fetch(`${server.origin}/api/labs`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ lesson: "rooms", learner: `bench-learner-${n.toString().padStart(8, "0")}` }),
          });
          const lab = await response.json();
          createMs.push(performance.now() - began);
          path = lab.path;
        }
        await Promise.all(
          CLIENTS.map(async (name) => {
            const socket = await connect(server.origin, path, name);
            await socket.emitWithAck(10_000, "join", `room-${n}`);
            sockets.push({ socket, room: `room-${n}` });
          }),
        );
      }),
    );
  }
  const loaded = usage(server.pid);
  let news = 0;
  for (const { socket } of sockets) socket.on("news", () => (news += 1));
  const rtts = [];
  let acks = 0;
  let failures = 0;
  let running = true;
  const began = performance.now();
  const start = usage(server.pid);
  const startCpu = start.cpu;
  const startClientCpu = process.cpuUsage();
  await Promise.all(
    sockets.map(async ({ socket, room }, index) => {
      await sleep((index * 1000) / sockets.length); // spread the sends over each second
      while (running) {
        const sent = performance.now();
        try {
          await socket.emitWithAck(5000, "send", { target: "socket.to(room)", room, run: "bench" });
          rtts.push(performance.now() - sent);
          acks += 1;
        } catch {
          failures += 1;
        }
        await sleep(Math.max(0, 1000 - (performance.now() - sent)));
        if (performance.now() - began > SECONDS * 1000) running = false;
      }
    }),
  );
  const wallSeconds = (performance.now() - began) / 1000;
  const end = usage(server.pid);
  const clientCpu = process.cpuUsage(startClientCpu);
  for (const { socket } of sockets) socket.close();
  await server.stop();
  rtts.sort((a, b) => a - b);
  createMs.sort((a, b) => a - b);
  const round = (value) => (value === null ? null : Math.round(value * 100) / 100);
  return {
    kind,
    learners: LEARNERS,
    clients: sockets.length,
    seconds: round(wallSeconds),
    ackRoundTripMs: { p50: round(percentile(rtts, 50)), p99: round(percentile(rtts, 99)), max: round(rtts.at(-1) ?? null) },
    acksPerSecond: round(acks / wallSeconds),
    eventsPerSecond: round((acks * 2 + news) / wallSeconds),
    failures,
    serverCpuPercent: round(((end.cpu - startCpu) / wallSeconds) * 100),
    serverRssMB: round(end.rss / 1e6),
    serverSyscallsPerSecond: {
      write: round((end.writes - start.writes) / wallSeconds),
      read: round((end.reads - start.reads) / wallSeconds),
    },
    loadGeneratorCpuPercent: round(((clientCpu.user + clientCpu.system) / 1e6 / wallSeconds) * 100),
    memoryPerLearnerKB: round((loaded.rss - idle.rss) / LEARNERS / 1024),
    labCreateMs: kind === "lab" ? { p50: round(percentile(createMs, 50)), p99: round(percentile(createMs, 99)) } : null,
  };
}

const lab = await run("lab");
const plain = await run("plain");
const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
const result = {
  at: new Date().toISOString(),
  node: process.version,
  client: CLIENT,
  lab,
  plain,
  ratios: {
    ackP50: ratio(lab.ackRoundTripMs.p50, plain.ackRoundTripMs.p50),
    ackP99: ratio(lab.ackRoundTripMs.p99, plain.ackRoundTripMs.p99),
    cpuPerEvent: ratio(lab.serverCpuPercent / lab.eventsPerSecond, plain.serverCpuPercent / plain.eventsPerSecond),
    memoryPerLearner: ratio(lab.memoryPerLearnerKB, plain.memoryPerLearnerKB),
  },
};
const row = (name, pick) => `| ${name} | ${pick(lab)} | ${pick(plain)} |`;
const markdown = [
  `Load: ${LEARNERS} learners × 3 clients, one acked room send per client per second, ${SECONDS} s, clients: ${CLIENT} (${process.version}).`,
  "",
  "| measure | lab layer | plain Socket.IO |",
  "| --- | --- | --- |",
  row("ack round trip p50 / p99 / max (ms)", (r) => `${r.ackRoundTripMs.p50} / ${r.ackRoundTripMs.p99} / ${r.ackRoundTripMs.max}`),
  row("events per second (sends, acks, deliveries)", (r) => r.eventsPerSecond),
  row("server CPU (% of one core)", (r) => r.serverCpuPercent),
  row("server RSS (MB)", (r) => r.serverRssMB),
  row("load generator CPU (% of one core)", (r) => r.loadGeneratorCpuPercent),
  row("memory per learner (KB)", (r) => r.memoryPerLearnerKB),
  row("time to create a lab p50 / p99 (ms)", (r) => (r.labCreateMs ? `${r.labCreateMs.p50} / ${r.labCreateMs.p99}` : "–")),
  row("failed sends", (r) => r.failures),
  "",
  `Lab/plain: ack p50 ×${result.ratios.ackP50}, ack p99 ×${result.ratios.ackP99}, server CPU per event ×${result.ratios.cpuPerEvent}, memory per learner ×${result.ratios.memoryPerLearner}.`,
].join("\n");
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/load.json", `${JSON.stringify(result, null, 1)}\n`);
writeFileSync("bench/results/load.md", `${markdown}\n`);
console.log(markdown);
